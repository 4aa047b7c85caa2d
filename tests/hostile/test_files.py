"""Hostile files: zip bombs, long and undecodable names, hidden names, racing uploads, odd labels."""

from __future__ import annotations

import io
import os
import threading
import zipfile
from pathlib import Path

import pytest
from docx import Document

from drafter.errors import IngestError
from drafter.kb.filenames import MAX_NAME_BYTES, tolerant_name, upload_name
from drafter.kb.ingest import read_text
from drafter.kb.uploads import store_upload
from drafter.kb.zipguard import MAX_UNCOMPRESSED

REPORT = "某局2025年度干部选拔任用工作报告\n一、总体情况\n全年提拔干部12人，严格执行干部选拔任用工作条例。\n"


def _docx_bytes(text: str = REPORT) -> bytes:
    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _bomb(path: Path, inflated_mb: int) -> Path:
    """A .docx whose document.xml inflates to ``inflated_mb`` MB of one repeated byte."""
    good = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in good.infolist():
            if info.filename == "word/document.xml":
                continue
            out.writestr(info.filename, good.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"<w:p/>" * (1024 * 1024 // 6)
            for _ in range(inflated_mb):
                fh.write(block)
    return path


@pytest.mark.parametrize("inflated_mb", [150, 400], ids=["ratio", "total-size"])
def test_a_docx_zip_bomb_is_refused_before_parsing(limited, tmp_path: Path, inflated_mb: int) -> None:  # type: ignore[no-untyped-def]
    bomb = _bomb(tmp_path / "bomb.docx", inflated_mb)
    assert bomb.stat().st_size < 2 * 1024 * 1024  # small on disk
    run = limited(["check", str(bomb)], timeout=60, mem_mb=1200)
    assert run.returncode == 2, run.output
    assert "压缩" in run.stderr and ("200:1" in run.stderr or f"{MAX_UNCOMPRESSED // 1048576} MB" in run.stderr)
    assert run.peak_mb < 300 and run.seconds < 30, (run.peak_mb, run.seconds)


def test_an_ordinary_docx_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.docx"
    path.write_bytes(_docx_bytes())
    assert "全年提拔干部12人" in read_text(path).text


def test_long_hidden_and_odd_upload_names_are_stored_honestly(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    long_name = "关于" + "干部选拔任用工作" * 12 + "的报告.txt"  # 100 CJK characters, 300 bytes
    ok, msg = store_upload(long_name, REPORT.encode(), uploads, 10**6)
    assert ok and "文件名过长" in msg and "原名记录在说明中" in msg, msg
    stored = [p for p in uploads.iterdir() if p.suffix == ".txt"]
    assert len(stored) == 1 and len(stored[0].name.encode()) <= MAX_NAME_BYTES
    assert long_name in (uploads / (stored[0].name + ".meta.yaml")).read_text(encoding="utf-8")

    ok, msg = store_upload(".hidden.txt", REPORT.encode(), uploads, 10**6)
    assert ok and "“.”开头" in msg and "hidden.txt" in msg
    assert (uploads / "hidden.txt").is_file()

    ok, msg = store_upload("a:b*c?.txt", REPORT.encode(), uploads, 10**6)
    assert ok and (uploads / "a_b_c_.txt").is_file()
    assert upload_name("../../etc/passwd.txt")[0] == "passwd.txt"


def test_same_name_uploads_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    results: list[tuple[bool, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def upload(i: int) -> None:
        barrier.wait()
        for j in range(50):
            r = store_upload("同名.txt", (REPORT + f"第{i}-{j}次\n").encode(), uploads, 10**6)
            with lock:
                results.append(r)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = [m for ok, m in results if not ok]
    assert len(results) == 400 and failed == []
    assert not list((uploads / ".incoming").iterdir())  # no temporary file left behind
    assert "第" in (uploads / "同名.txt").read_text(encoding="utf-8")


def test_index_skips_nothing_for_long_or_gbk_names_and_never_aborts(limited, hostile_home: Path) -> None:  # type: ignore[no-untyped-def]
    uploads = hostile_home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    long_name = "干" * 80 + ".txt"  # 243 bytes: no room for “.meta.yaml” beside it
    (uploads / long_name).write_text(REPORT, encoding="utf-8")
    gbk = "往年报告样本.txt".encode("gbk")
    with open(os.path.join(os.fsencode(uploads), gbk), "w", encoding="utf-8") as fh:
        fh.write(REPORT.replace("某局", "江城局"))
    run = limited(["index"], env={"DRAFTER_HOME": str(hostile_home)}, timeout=300, mem_mb=3000)
    assert run.returncode == 0, run.output[-2000:]
    assert "Traceback" not in run.output
    run = limited(["search", "全年提拔干部12人"], env={"DRAFTER_HOME": str(hostile_home)}, timeout=300, mem_mb=3000)
    assert run.returncode == 0, run.output[-2000:]
    assert "往年报告样本" in run.stdout or "干干干" in run.stdout, run.stdout[-2000:]
    assert tolerant_name(os.fsdecode(gbk)) == "往年报告样本.txt"


def test_knowledge_tab_lists_long_and_gbk_names(limited, hostile_home: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    from hostile_limits import TESTS  # type: ignore[import-not-found]

    uploads = hostile_home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / ("长" * 82 + ".txt")).write_text(REPORT, encoding="utf-8")
    with open(os.path.join(os.fsencode(uploads), "样本.txt".encode("gbk")), "w", encoding="utf-8") as fh:
        fh.write(REPORT)
    run = limited(["kb"], script=TESTS / "hostile" / "app_probe.py", env={"DRAFTER_HOME": str(hostile_home)},
                  timeout=300, mem_mb=3500)
    assert run.returncode == 0, run.output[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["exception"] == []
    shown = " ".join(seen["markdown"])
    assert "样本.txt" in shown and "长长长" in shown, shown[:2000]


def test_a_label_ending_in_digits_is_not_run_into_its_value() -> None:
    from drafter.drafting.composer import figure_phrase
    from drafter.facts.sheet import Figure

    assert figure_phrase(Figure(label="指标49", value=49)) == "指标49为49人"
    assert figure_phrase(Figure(label="提拔正科级领导干部", value=4)) == "提拔正科级领导干部4人"


def test_unreadable_zip_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(IngestError):
        read_text(path)
