"""The 知识库 tab corrects a report's identity; the 对照 tab opens the same unit's previous report."""

from __future__ import annotations

from pathlib import Path

from drafter.kb.catalog import sidecar_path

UNIT = "江城市交通运输局"


def _texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]


def _goto(at, tab: str):  # type: ignore[no-untyped-def]
    at.session_state["nav"] = tab
    return at.run()


def _upload(at, files: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    _goto(at, "知识库")
    at.file_uploader[0].set_value([(n, t.encode("utf-8"), "text/plain") for n, t in files]).run()
    at.button(key="kb_save").click().run()


def fill_sheet(at, unit: str, year: str):  # type: ignore[no-untyped-def]
    at.text_input(key="f_unit").input(unit)
    at.text_input(key="f_org").input("局党组")
    at.text_input(key="f_year").input(year)
    # no figures entered: the draft marks each missing count 〔待补：…〕 (several of one kind)
    at.text_area(key="f_highlights").input("开展“墩苗”计划，选派6名年轻干部到基层挂职")
    at.text_area(key="f_problems").input("年轻干部储备不足")
    at.text_area(key="f_plans").input("加强年轻干部培养")
    return at.run()


def _report(unit: str, year: int, body: str = "全年提拔干部3人。") -> str:
    return f"{unit}党组{year}年度干部选拔任用工作报告\n一、总体情况\n{body}\n二、主要做法\n（一）严格程序。内容。\n"


def test_detected_identity_can_be_corrected_and_a_bad_year_is_explained(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    # the title names no year: the writer adds it
    _upload(at, [("交通局报告.txt", f"{UNIT}党组干部选拔任用工作报告\n一、总体情况\n全年提拔干部3人。\n")])
    source = "uploads/交通局报告.txt"
    assert any(f"“{UNIT}党组 · 年度未知 · " in t for t in _texts(at)), _texts(at)
    at.text_input(key=f"kb_year_{source}").input("二〇二四")
    at.button(key=f"FormSubmitter:kb_meta_{source}-保存").click().run()
    assert any("年度“二〇二四”不对" in t for t in _texts(at)), _texts(at)
    assert at.text_input(key=f"kb_year_{source}").value == "二〇二四"  # what was typed is kept
    at.text_input(key=f"kb_year_{source}").input("2024")
    at.button(key=f"FormSubmitter:kb_meta_{source}-保存").click().run()
    assert any(f"已保存：{UNIT}党组 · 2024年度 · " in t for t in _texts(at)), _texts(at)
    assert "year: 2024" in sidecar_path(app_home / "uploads" / "交通局报告.txt").read_text(encoding="utf-8")
    assert not at.exception


def test_compare_opens_the_same_units_report_of_the_year_before(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    _upload(at, [
        ("a.txt", _report(UNIT, 2023)),
        ("b.txt", _report("江城市水务局", 2024)),  # another unit's report of the right year
        ("c.txt", _report(UNIT, 2024)),
    ])
    assert any("新增3个" in t for t in _texts(at)), _texts(at)
    _goto(at, "数据填报")
    fill_sheet(at, unit=UNIT, year="2025")
    _goto(at, "起草")
    at.button(key="generate").click().run()
    # 检查: errors first, each one click from its place; the list by habit does not repeat them
    _goto(at, "检查")
    assert any(m.value.startswith("**先改这些错误") for m in at.markdown)
    jumps = [b for b in at.button if str(b.key or "").startswith("goto_err_")]
    assert len(jumps) >= 2
    labels = [e.label for e in at.expander]
    assert not [lb for lb in labels if lb.startswith("错误·")], labels
    assert not [m.value for m in at.markdown if m.value.startswith("- **错误·")]
    _goto(at, "对照")
    pick = at.selectbox(key="cmp_kb")
    assert pick.value == "uploads/c.txt"
    assert f"{UNIT}党组 · 2024年度 · " in pick.format_func(pick.value)
    assert not at.exception

    # a unit with no report of the year before: said so, nothing picked for the writer
    other = new_session()
    _goto(other, "数据填报")
    fill_sheet(other, unit="江城市审计局", year="2025")
    _goto(other, "起草")
    other.button(key="generate").click().run()
    _goto(other, "对照")
    # the unit as entered, not “…局党组” (d357066: 对照 unit label)
    assert any("没有江城市审计局 2024年度的报告" in t for t in _texts(other)), _texts(other)
    assert other.selectbox(key="cmp_kb").value is None
    assert not other.exception
