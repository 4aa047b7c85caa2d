"""Control characters already in stored section text never wedge the 起草 tab or its export."""

from __future__ import annotations

import json
from pathlib import Path

from hostile_limits import TESTS  # type: ignore[import-not-found]
from sqlalchemy import text as sql

from drafter.drafting.types import Draft, SectionDraft
from drafter.settings import Settings
from drafter.storage import Repository, dispose_engines, get_engine


def test_vertical_tab_and_nul_in_a_section_keep_the_panels_and_the_export(limited, hostile_home: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(home=hostile_home)
    engine = get_engine(settings.db_url)
    repo = Repository(engine)
    report = repo.create_report("江城局", 2025)
    sections = [
        SectionDraft(id="opening", element="opening", heading="", level=0, text="开头一段。"),
        SectionDraft(id="overview", element="overview", heading="一、总体情况", level=1, text="全年提拔干部3人。"),
    ]
    repo.save_draft(report.id, Draft(title="江城局2025年度干部选拔任用工作报告", sections=sections))
    with engine.begin() as conn:  # as an older version (or another client) may have stored it
        conn.execute(sql("UPDATE section_versions SET text = :t WHERE section_id = 'overview'"),
                     {"t": "全年提拔\x0b干部3人\x00。\x07"})
    dispose_engines()
    run = limited(["draft", str(report.id)], script=TESTS / "hostile" / "app_probe.py",
                  env={"DRAFTER_HOME": str(hostile_home)}, timeout=240, mem_mb=3500)
    assert run.returncode == 0, run.output[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["exception"] == [], seen["exception"]
    panels = [k for k in seen["text_areas"] if k.startswith("edit_")]
    assert len(panels) == 2, seen["text_areas"]  # both section panels are there
    assert seen.get("docx_offered") is True  # the Word file was made


def test_a_key_in_a_section_error_never_reaches_the_database(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hostile_limits import SECRET, files_containing  # type: ignore[import-not-found]

    from drafter.text.redact import register_secret

    register_secret(SECRET)
    settings = Settings(home=tmp_path / "home")
    repo = Repository(get_engine(settings.db_url))
    report = repo.create_report("江城局", 2025)
    failed = SectionDraft(
        id="overview", element="overview", heading="一、总体情况", level=1, text="", status="failed",
        error=f"模型服务器拒绝了请求（HTTP 400：you sent Authorization: Bearer {SECRET}; x-api-key: other-Token-77）",
    )
    stored = repo.save_draft(report.id, Draft(title="t", sections=[failed]))
    error = stored.section("overview").error or ""
    assert "HTTP 400" in error and "Bearer ***" in error and "other-Token-77" not in error
    dispose_engines()
    assert files_containing(tmp_path / "home", SECRET.encode()) == []
