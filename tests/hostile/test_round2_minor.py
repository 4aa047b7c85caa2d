"""Issue 21, the minor cases: messages instead of tracebacks, clean fact-sheet text, made-up counts,
noise behind an OLE header, leftovers swept, links in uploads, a 审核表 without formulas, long exports."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from drafting_factsheets import FULL  # type: ignore[import-not-found]

from drafter.checks import check_text
from drafter.errors import FactSheetError, IngestError
from drafter.facts.sheet import facts_from_data

REPORT = "某局2025年度干部选拔任用工作报告\n一、总体情况\n全年提拔干部12人。\n"


def test_a_unit_with_control_characters_is_a_message(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft = tmp_path / "d.txt"
    draft.write_text(REPORT, encoding="utf-8")
    for unit in ("某局\x1b[31m", "某局\n（一）假标题", "某局\u202e党组", "某局\x07"):  # (argv cannot hold NUL)
        run = limited(["export", str(draft), "--force", "--unit", unit, "-o", str(tmp_path / "o.docx")], timeout=60)
        assert run.returncode == 2 and "控制字符" in run.stderr and "Traceback" not in run.output, run.output
        assert not (tmp_path / "o.docx").exists()


@pytest.mark.parametrize("args", [["audit", "--report", "-" + "9" * 40], ["audit", "--report", "9" * 40],
                                  ["audit", "--limit", "99999999999999999999"]])
def test_audit_numbers_out_of_range_are_a_message(limited, tmp_path: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    run = limited(args, env={"DRAFTER_HOME": str(tmp_path / "h")}, timeout=60)
    assert run.returncode == 2 and "Traceback" not in run.output and "OverflowError" not in run.output
    assert "out of range" in run.stderr


def test_search_refuses_invalid_utf8_and_long_queries_before_touching_the_index(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "h"
    run = limited(["search", os.fsdecode(b"\xff\xfe\xb0\xa1")], env={"DRAFTER_HOME": str(home)}, timeout=60)
    assert run.returncode == 2 and "UTF-8" in run.stderr and "Traceback" not in run.output, run.output
    run = limited(["search", "干部" * 16_500], env={"DRAFTER_HOME": str(home)}, timeout=60)
    assert run.returncode == 2 and "上限 500 字" in run.stderr, run.output
    assert run.seconds < 15
    assert not (home / "index").exists()  # refused before any index work


def test_a_hostile_rules_file_is_a_message(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"statuses": ["通过", "退回"], "rules": [
        {"status": "退回", "metric": "missing", "op": ">=", "value": 0, "reason": "{value:>1999999999}"}]},
        allow_unicode=True), encoding="utf-8")
    run = limited(["review", str(folder), "--no-kb", "--rules", str(rules)], timeout=60, mem_mb=1500)
    assert run.returncode == 2 and "{value}" in run.stderr and "Traceback" not in run.output, run.output
    assert run.peak_mb < 400


def test_control_characters_and_line_breaks_never_reach_the_sheet() -> None:
    data = {**FULL, "problems": ["年轻干部储备\n（一）假标题\x00不足\x1b[2J，\u202e交流力度不够。"],
            "unit": "某\x07局"}
    sheet = facts_from_data(data)
    assert sheet.problems == ["年轻干部储备（一）假标题不足[2J，交流力度不够。"]
    assert sheet.unit == "某局"
    assert not any(c in "".join(sheet.free_texts()) for c in "\x00\x1b\u202e\n")


def test_the_draft_carries_no_control_character_or_fake_heading(limited, hostile_home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = {**FULL, "problems": ["年轻干部储备不足\n（一）伪造的标题\x1b[31m\x00\u202e"]}
    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run = limited(["draft", str(facts)], env={"DRAFTER_HOME": str(hostile_home)}, timeout=240)
    assert run.returncode in (0, 1), run.output[-2000:]
    assert not any(c in run.stdout for c in "\x00\x1b\u202e")
    assert not any(line.startswith("（一）伪造") for line in run.stdout.splitlines())


def test_five_thousand_problems_are_refused_with_a_message() -> None:
    with pytest.raises(FactSheetError, match="超过上限 100 条"):
        facts_from_data({**FULL, "problems": [f"问题{i}" for i in range(5000)]})


@pytest.mark.parametrize("claim", ["全年培训干部1000余人。", "查处违规用人问题7起。", "受理信访举报5件。",
                                   "近八成干部对选人用人工作表示满意。", "对十余个单位开展专项检查。"])
def test_made_up_counts_are_caught(claim: str) -> None:
    sheet = facts_from_data(FULL)
    text = REPORT.replace("全年提拔干部12人。", claim)
    codes = [f.code for f in check_text(text, facts=sheet, categories={"figure"}).findings]
    assert "figure-unsupported" in codes, (claim, codes)


def test_approximate_counts_backed_by_the_sheet_pass() -> None:
    data = {**FULL, "figures": [{"label": "培训干部", "value": 1050, "unit": "人"},
                                {"label": "满意率", "value": 78, "unit": "%"}]}
    sheet = facts_from_data(data)
    text = REPORT.replace("全年提拔干部12人。", "全年培训干部1000余人，近八成干部表示满意。")
    codes = [f.code for f in check_text(text, facts=sheet, categories={"figure"}).findings]
    assert "figure-unsupported" not in codes and "figure-contradicts" not in codes, codes


def test_random_bytes_behind_an_ole_header_are_refused(tmp_path: Path) -> None:
    from drafter.kb.ingest import read_text
    from drafter.kb.office import OLE_MAGIC

    noise = tmp_path / "noise.doc"
    noise.write_bytes(OLE_MAGIC + os.urandom(60_000))
    with pytest.raises(IngestError, match="不是文字|无法读取"):
        read_text(noise)


def test_leftover_review_folders_of_dead_runs_are_swept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from drafter.review.batch import review_workdir

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"drafter-review-{dead.pid}-abc"
    (stale / "batch").mkdir(parents=True)
    (stale / "batch" / "big.bin").write_bytes(b"0" * 1024)
    alive = tmp_path / f"drafter-review-{os.getpid()}-xyz"
    alive.mkdir()
    with review_workdir() as work:
        assert work.exists() and work.name.startswith(f"drafter-review-{os.getpid()}-")
    assert not stale.exists() and alive.exists()


def test_a_symlink_in_uploads_is_not_followed_or_indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drafter.kb.indexer import discover
    from drafter.settings import Settings

    secret = tmp_path / "secret.txt"
    secret.write_text("服务器上的机密文件\n", encoding="utf-8")
    home = tmp_path / "home"
    settings = Settings(home=home)
    uploads = settings.uploads_dir
    uploads.mkdir(parents=True)
    (uploads / "ok.txt").write_text(REPORT, encoding="utf-8")
    (uploads / "link.txt").symlink_to(secret)
    (uploads / "dir").symlink_to(tmp_path)
    files, skipped = discover(settings)
    sources = {f.source for f in files}
    assert "uploads/ok.txt" in sources
    assert not any("link" in s or s.startswith("uploads/dir") for s in sources)
    assert any("符号链接" in reason for _, reason in skipped)


def test_the_review_table_holds_no_formula_and_survives_control_characters(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from drafter.review.batch import review_batch
    from drafter.review.xlsx import xlsx_bytes

    names = ["=HYPERLINK(\"http://evil\",\"点我\").txt", "=cmd|' /C calc'!A0.txt", "+1+1.txt", "-2.txt",
             "@SUM(A1).txt", "\tTAB.txt", "名\x07称\x1b.txt"]
    inputs = []
    for i, name in enumerate(names):
        path = tmp_path / f"{i}.txt"
        path.write_text(REPORT, encoding="utf-8")
        inputs.append((name, path))
    result = review_batch(inputs)
    data = xlsx_bytes(result)
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "=cmd|' /C calc'!A0.txt" in texts and "+1+1.txt" in texts
    assert any(v.startswith("名") and "称" in v for v in texts)  # the control characters did not fail the export


def test_a_huge_export_is_refused_fast_and_a_long_one_is_bounded(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    huge = tmp_path / "huge.txt"
    huge.write_text("某局2025年度干部选拔任用工作报告\n一、总体情况\n" + "好。\n" * 66_000, encoding="utf-8")
    run = limited(["export", str(huge), "--force", "-o", str(tmp_path / "h.docx")], timeout=60)
    assert run.returncode == 2 and "20,000 段" in run.stderr, run.output[-1000:]
    assert run.seconds < 20
    long = tmp_path / "long.txt"
    long.write_text("某局2025年度干部选拔任用工作报告\n一、总体情况\n"
                    + "".join(f"提拔干部{i % 50}人。\n" for i in range(5000)), encoding="utf-8")
    start = time.monotonic()
    run = limited(["export", str(long), "--force", "-o", str(tmp_path / "l.docx")], timeout=120)
    assert run.returncode == 0, run.output[-1000:]
    assert time.monotonic() - start < 60  # was 100 s for 3,000 paragraphs (a style lookup per paragraph)
