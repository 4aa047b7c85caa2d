"""Parsing untrusted documents in a bounded worker (issue 21): bombs refused within time and memory.

The bombs are the probe's, generated here (tests/hostile/bombs.py). Each runs through
``drafter check`` under ``RLIMIT_AS``: the command must refuse it with a Chinese reason
(exit 2), quickly, and the command's own process must stay small — the parsing happens
in the worker, whose limits are its own.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import bombs
import pytest

from drafter.errors import IngestError
from drafter.kb.ingest import read_text
from drafter.kb.worker import shutdown_workers
from drafter.text.limits import MAX_FILE_CHARS

CASES = {
    "nested-forms.pdf": (bombs.pdf_nested_forms, "嵌套"),
    "length-loop.pdf": (bombs.pdf_length_loop, "循环引用"),
    "million-glyphs.pdf": (bombs.pdf_many_glyphs, "字形"),
    "flate-1gb.pdf": (bombs.pdf_flate_bomb, "压缩炸弹"),
    "headers-190.docx": (bombs.docx_many_headers, "页眉"),
    "body-190mb.docx": (bombs.docx_huge_body, f"{MAX_FILE_CHARS:,} 字"),
}


@pytest.fixture(scope="module")
def bomb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    for name, (make, _) in CASES.items():
        make(folder / name)
    return folder


@pytest.mark.parametrize("name", list(CASES))
def test_a_bomb_is_refused_by_check_within_bounds(limited, bomb_dir: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    path = bomb_dir / name
    assert path.stat().st_size < 20 * 1024 * 1024
    run = limited(["check", str(path)], timeout=90, mem_mb=3000)
    assert run.returncode == 2, run.output[-2000:]
    assert CASES[name][1] in run.stderr, run.stderr[-2000:]
    assert "已拒绝" in run.stderr and "Traceback" not in run.output
    # the command's own process never parsed anything: it stays at an interpreter's size
    assert run.seconds < 45 and run.peak_mb < 250, (run.seconds, run.peak_mb)


_NO_PARSER_HERE = """
import json, sys
from pathlib import Path
from drafter.kb.uploads import store_upload
from drafter.review.batch import review_batch
bomb = Path(sys.argv[1])
out = {}
out["upload"] = store_upload(bomb.name, bomb.read_bytes(), Path(sys.argv[2]), 20 * 1024 * 1024)
result = review_batch([(bomb.name, bomb)])
out["review"] = result.skipped
out["parsers"] = sorted(m for m in ("pdfminer", "docx", "lxml.etree") if m in sys.modules)
print(json.dumps(out, ensure_ascii=False))
"""


def test_the_upload_handler_and_the_review_desk_never_parse_in_their_own_process(limited, bomb_dir: Path,  # type: ignore[no-untyped-def]
                                                                                  tmp_path: Path) -> None:
    run = limited([str(bomb_dir / "nested-forms.pdf"), str(tmp_path / "uploads")], code=_NO_PARSER_HERE,
                  timeout=90, mem_mb=3000)
    assert run.returncode == 0, run.output[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["upload"][0] is False and "嵌套" in out["upload"][1]
    assert len(out["review"]) == 1 and "嵌套" in out["review"][0]["reason"]
    assert out["parsers"] == []  # pdfminer, python-docx and lxml were loaded only by the worker
    assert not list((tmp_path / "uploads").rglob("*.pdf"))  # the refused upload is not kept


def test_a_review_zip_of_bombs_skips_each_with_its_reason(bomb_dir: Path, tmp_path: Path) -> None:
    from drafter.review.batch import review_batch

    good = tmp_path / "ok.txt"
    good.write_text("某局2025年度干部选拔任用工作报告\n一、总体情况\n全年提拔干部12人。\n", encoding="utf-8")
    inputs = [(name, bomb_dir / name) for name in ("nested-forms.pdf", "million-glyphs.pdf", "length-loop.pdf")]
    result = review_batch([*inputs, ("ok.txt", good)])
    assert [r.file for r in result.reports] == ["ok.txt"]
    reasons = {s["file"]: s["reason"] for s in result.skipped}
    assert "嵌套" in reasons["nested-forms.pdf"] and "字形" in reasons["million-glyphs.pdf"]
    assert "循环引用" in reasons["length-loop.pdf"]


def test_a_file_past_the_time_limit_is_stopped_and_the_next_one_still_reads(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    slow = bombs.pdf_many_pages(tmp_path / "slow.pdf", pages=380, glyphs_per_page=1000)  # within every budget
    monkeypatch.setenv("DRAFTER_PARSE_TIMEOUT_S", "1")
    with pytest.raises(IngestError, match="超过 1 秒"):
        read_text(slow)
    ok = bombs.pdf_text(tmp_path / "ok.pdf", ["hello world"])
    assert "hello world" in read_text(ok).text  # a fresh worker took over


def test_a_file_past_the_memory_limit_is_refused_and_the_worker_replaced(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.kb import worker

    small = tmp_path / "small.txt"
    small.write_text("某局报告\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(("一二三四五六七八九十，" * 900_000).encode("utf-8"))  # 29.7 MB, allowed in bytes below
    shutdown_workers()
    monkeypatch.setenv("DRAFTER_PARSE_MEMORY_MB", "100")
    try:
        assert read_text(small).text == "某局报告\n"  # the worker runs within 100 MB …
        with pytest.raises(IngestError, match="内存上限 100 MB"):
            read_text(big, max_bytes=40 * 1024 * 1024)  # … and this file does not fit in it
        assert worker.last_peak_kb < 100 * 1024
        assert read_text(small).text == "某局报告\n"  # a fresh worker took over
    finally:
        shutdown_workers()


def test_ordinary_files_of_every_kind_read_as_before(tmp_path: Path) -> None:
    from hostile_limits import write_docx

    docx = write_docx(tmp_path / "r.docx", ["某局2025年度干部选拔任用工作报告", "全年提拔干部12人。"])
    assert "全年提拔干部12人。" in read_text(docx).text
    pdf = bombs.pdf_text(tmp_path / "r.pdf", ["Annual report", "Line two"])
    assert read_text(pdf).text.startswith("Annual report")
    nested = bombs.pdf_nested_forms(tmp_path / "shallow.pdf", depth=4)  # 2**3 drawings: an ordinary PDF does this
    assert read_text(nested).text.count("A") == 8


def test_review_zip_members_are_bounded_and_named_without_paths(tmp_path: Path) -> None:
    from drafter.review.batch import extract_zip

    archive = bombs.zip_with_lying_member(tmp_path / "lie.zip")
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b" " * (21 * 1024 * 1024))  # over the 20 MB a file may have
        zf.writestr("长" * 90 + ".txt", "某局2025年度干部选拔任用工作报告\n全年提拔干部12人。\n".encode())
    files, skipped = extract_zip(archive, tmp_path / "out")
    reasons = {s["file"]: s["reason"] for s in skipped}
    assert "声明的大小" in reasons["lie.txt"] or "校验失败" in reasons["lie.txt"], reasons
    assert "超过单个文件上限 20 MB" in reasons["big.txt"]
    assert [name for name, _ in files] == ["长" * 90 + ".txt"]  # 270 bytes of name: kept as its name, read
    assert all(str(tmp_path) not in r for r in reasons.values())
    assert sum(p.stat().st_size for p in (tmp_path / "out").rglob("*") if p.is_file()) < 2 * 1024 * 1024
