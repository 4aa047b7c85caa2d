"""Saved review batches on a real SQLite file and a real PostgreSQL server: runs, changes, marks."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from batchgen import make_batch  # noqa: E402

from drafter.review.batch import collect_inputs, review_batch  # noqa: E402
from drafter.storage import dispose_engines, get_engine  # noqa: E402
from drafter.storage.review_store import ReviewStore  # noqa: E402


def _review(folder: Path, tmp: Path):
    inputs, skipped = collect_inputs(folder, tmp)
    return review_batch(inputs, skipped=skipped)


def _exercise(store: ReviewStore, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    truth = make_batch(folder, 6, seed=21, rates={"placeholder": 0.5, "copied": 0.0, "reused": 0.0})
    first = _review(folder, tmp_path / "x1")
    batch = store.create_batch("2025年度各单位报告", author="审核员甲")
    assert store.save_run(batch.id, first) == 1
    assert store.changes(batch.id) == {}  # nothing to compare with yet

    # come back to it: everything as it was, texts included
    again = ReviewStore(store.engine)
    listed = again.list_batches()
    assert [(b.name, b.runs, b.reports) for b in listed] == [("2025年度各单位报告", 1, 6)]
    run = again.load_run(batch.id)
    assert run is not None and run.run_no == 1
    result = run.result()
    assert [r.file for r in result.reports] == [r.file for r in first.reports]
    assert [r.status for r in result.reports] == [r.status for r in first.reports]
    assert result.reports[0].text == first.reports[0].text
    assert result.reports[0].findings == first.reports[0].findings

    # 已复核 with a note; the newest mark counts
    target = first.reports[0]
    store.mark(batch.id, target.file, True, note="已电话核实，数字无误", text_hash=target.text_hash, author="审核员甲")
    marks = again.marks(batch.id)
    assert marks[target.file].reviewed and marks[target.file].note == "已电话核实，数字无误"
    store.mark(batch.id, first.reports[1].file, True, note="先看过")
    store.mark(batch.id, first.reports[1].file, False, note="撤回")
    assert again.marks(batch.id)[first.reports[1].file].reviewed is False

    # a unit resubmits with its placeholders filled, another drops out, a new one arrives
    with_ph = next(t for t in truth if t.placeholders)
    path = folder / with_ph.file
    fixed = path.read_text(encoding="utf-8").replace("*人", "6人").replace("**同志", "张明同志").replace("XX市委", "江源市委")
    path.write_text(fixed, encoding="utf-8")
    gone = next(t for t in truth if t.file != with_ph.file)
    (folder / gone.file).unlink()
    (folder / "新单位.txt").write_text((folder / truth[-1].file).read_text(encoding="utf-8")
                                       .replace(truth[-1].unit, "云岭市统计局党组"), encoding="utf-8")
    second = _review(folder, tmp_path / "x2")
    assert store.save_run(batch.id, second, author="审核员乙") == 2
    changes = again.changes(batch.id)
    ch = changes[with_ph.file]
    assert ch.kind == "changed" and ch.status_before == "需修改" and ch.findings_after < ch.findings_before
    assert "已重新提交" in ch.summary and "问题-" in ch.summary
    assert changes[gone.file].kind == "removed"
    assert changes["新单位.txt"].kind == "new"
    assert all(c.kind == "same" for f, c in changes.items() if f not in (with_ph.file, gone.file, "新单位.txt"))
    assert again.changes(batch.id, run_no=1) == {}
    assert [n for n, _ in again.runs(batch.id)] == [1, 2]
    assert again.load_run(batch.id, 1).run_no == 1
    # the mark made on the old text is now out of date for a changed report
    if with_ph.file == target.file:
        assert again.marks(batch.id)[target.file].text_hash != second.report(target.file).text_hash

    store.delete_batch(batch.id)
    assert again.list_batches() == [] and again.load_run(batch.id) is None


def test_sqlite(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'drafter.db'}")
    try:
        _exercise(ReviewStore(engine), tmp_path)
    finally:
        dispose_engines()


def _pg_helper():
    path = Path(__file__).resolve().parents[1] / "pg_server.py"
    spec = importlib.util.spec_from_file_location("pg_server", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules.setdefault("pg_server", module)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_postgresql(tmp_path):
    import os

    pg = _pg_helper()
    bindir = pg.find_binaries()
    problem = None
    if bindir is None:
        problem = "PostgreSQL server not installed"
    elif importlib.util.find_spec("psycopg") is None:
        problem = "psycopg not installed"
    elif os.geteuid() == 0 and shutil.which("runuser") is None:
        problem = "runuser missing"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    server = pg.PostgresServer(bindir)
    try:
        server.start()
        url = server.create_database("review_test")
        _exercise(ReviewStore(get_engine(url)), tmp_path)
    finally:
        dispose_engines()
        server.stop()
