"""Issue 21 (second round) on the CLI: no device renamed over, every read bounded, messages not tracebacks."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
import yaml
from drafting_factsheets import FULL  # type: ignore[import-not-found]

REPORT = "某局2025年度干部选拔任用工作报告\n一、总体情况\n全年提拔干部12人。\n"


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(FULL, allow_unicode=True), encoding="utf-8")
    return path


def _drain(fifo: Path) -> threading.Thread:
    """A reader on ``fifo`` so a write to it would not block (and would show up)."""
    got: list[bytes] = []

    def read() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    threading.Event().wait(0.05)
                    continue
                if not chunk and not os.path.exists(fifo):
                    break
                got.append(chunk)
                threading.Event().wait(0.05)
        finally:
            os.close(fd)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-null"])
def test_review_and_export_never_replace_a_device_or_a_fifo(limited, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.xlsx"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/null")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    run = limited(["review", str(folder), "--no-kb", "-o", str(target)], timeout=90)
    assert run.returncode == 2, run.output
    assert "不是普通文件" in run.stderr and "not a regular file" in run.stderr and "Traceback" not in run.output
    docx = target.with_suffix(".docx")
    if kind == "fifo":
        os.mkfifo(docx)
    else:
        docx.symlink_to("/dev/null")
    run = limited(["export", str(folder / "a.txt"), "--force", "-o", str(docx)], timeout=60)
    assert run.returncode == 2 and "不是普通文件" in run.stderr, run.output
    for path in (target, docx):
        mode = os.stat(path).st_mode
        assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_draft_to_dev_null_is_refused_and_dash_writes_to_stdout(limited, hostile_home: Path, facts: Path,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    for target in ("/dev/null", str(link)):
        run = limited(["draft", str(facts), "-o", target], env={"DRAFTER_HOME": str(hostile_home)}, timeout=60)
        assert run.returncode == 2 and "不是普通文件" in run.stderr, run.output
    assert not (hostile_home / "drafts").exists()  # refused before any drafting began
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    run = limited(["draft", str(facts), "-o", "-"], env={"DRAFTER_HOME": str(hostile_home)}, timeout=240)
    assert run.returncode in (0, 1), run.output[-2000:]
    assert "干部选拔任用工作报告" in run.stdout and "下一步工作打算" in run.stdout
    assert not Path("-").exists()


def test_check_reads_at_most_20_mb_of_stdin(limited) -> None:  # type: ignore[no-untyped-def]
    run = limited(["check", "-"], stdin=b"a" * (200 * 1024 * 1024), timeout=60, mem_mb=1500)
    assert run.returncode == 2, run.output
    assert "20 MB" in run.stderr and "Traceback" not in run.output
    assert run.peak_mb < 200 and run.seconds < 30, (run.peak_mb, run.seconds)


@pytest.mark.parametrize("command", ["check", "compare", "export"])
def test_a_300_mb_text_file_is_refused_before_it_is_read(limited, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 300 MB that cost nothing to make
        fh.write("某局报告\n".encode())
        fh.truncate(300 * 1024 * 1024)
    args = {"check": ["check", str(big)], "compare": ["compare", str(big), str(big)],
            "export": ["export", str(big), "--force", "-o", str(tmp_path / "o.docx")]}[command]
    run = limited(args, timeout=60, mem_mb=1500)
    assert run.returncode == 2, run.output
    assert "文件过大" in run.stderr and "20.0 MB" in run.stderr and "Traceback" not in run.output
    assert run.peak_mb < 200 and run.seconds < 20, (run.peak_mb, run.seconds)


def test_draft_from_reads_a_bounded_file(limited, hostile_home: Path, facts: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    run = limited(["draft", str(facts), "--from", str(big), "--section", "一"],
                  env={"DRAFTER_HOME": str(hostile_home)}, timeout=120, mem_mb=2500)
    assert run.returncode == 2 and "20 MB" in run.stderr, run.output[-2000:]
    assert run.peak_mb < 700, run.peak_mb


def test_four_first_drafts_on_a_fresh_home_all_succeed(facts: Path, tmp_path: Path) -> None:
    """The first index build is serialised by its lock for every caller: none fails opening chromadb."""
    import subprocess
    import sys

    from hostile_limits import SRC, TESTS  # type: ignore[import-not-found]

    home = tmp_path / "fresh-home"
    env = {**os.environ, "PYTHONPATH": f"{SRC}:{TESTS.parent}", "DRAFTER_HOME": str(home),
           "DRAFTER_BACKEND": "composer"}
    env.pop("DRAFTER_DATABASE_URL", None)
    procs = [subprocess.Popen([sys.executable, "-m", "drafter", "draft", str(facts), "-o", str(tmp_path / f"d{i}.txt")],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    outs = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [o[1][-1500:] for o in outs]
    for i in range(4):
        assert "下一步工作打算" in (tmp_path / f"d{i}.txt").read_text(encoding="utf-8")


def test_review_writes_its_table_to_stdout_with_dash(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    run = limited(["review", str(folder), "--no-kb", "-o", "-"], timeout=90)
    assert run.returncode in (0, 1), run.output[-2000:]
    assert run.stdout.startswith("PK")  # the .xlsx itself (decoded for the check), the summary on stderr
    assert "共 1 份报告" in run.stderr
