"""Issue 9 in the app: unit type shown, practice checklist with counts, 落款/date, levels kept, 参考写法 pull-in."""

from __future__ import annotations

from pathlib import Path

from drafter.settings import get_settings
from drafter.storage import Repository, get_engine


def repo() -> Repository:
    return Repository(get_engine(get_settings().db_url))


def texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]


def _nonce(at) -> int:  # type: ignore[no-untyped-def]
    return int(at.session_state["fig_nonce"]) if "fig_nonce" in at.session_state else 0


def test_unit_type_inferred_and_practice_checklist_with_counts(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    at.text_input(key="f_unit").input("江源市第一人民医院")
    at.text_input(key="f_org").input("医院党委")
    at.text_input(key="f_year").input("2025").run()
    # the inferred type is shown, and the hospital's own rows and levels replace the organ's
    assert any("推断为事业单位" in c.value for c in at.caption)
    assert at.selectbox(key="f_unit_type").value == ""
    assert at.selectbox(key="f_level").value == "中层正职"
    labels = [r["label"] for r in at.session_state["form"]["figures"]]
    assert "选拔任用中层正职干部" in labels and not any("主任科员" in x for x in labels)
    checklist = [c.label for c in at.checkbox]
    assert "竞聘上岗" in checklist and "职级晋升" not in checklist and "公务员平时考核和年度考核" not in checklist

    n = _nonce(at)
    at.checkbox(key=f"pr_{n}_competitive_selection").check().run()
    at.text_input(key=f"prv_{n}_competitive_selection").input("13")
    at.text_input(key=f"prn_{n}_competitive_selection").input("全部在院内公开").run()
    at.text_input(key="f_signer").input("中共江源市第一人民医院委员会")
    at.text_input(key="f_date").input("2026-01-10").run()
    form = at.session_state["form"]
    assert form["practices"] == [{"id": "competitive_selection", "value": 13, "note": "全部在院内公开"}]
    saved = repo().list_reports()[0]
    facts = repo().latest_facts(saved.id)
    assert facts is not None and facts.valid, facts
    assert "competitive_selection" in facts.yaml and "2026-01-10" in facts.yaml
    assert any("已勾选1项" in e.label for e in at.expander)

    at.text_input(key="f_date").input("2026-13-40").run()
    assert any("成文日期" in t and "不是有效日期" in t for t in texts(at)), texts(at)
    assert not at.exception


def test_import_keeps_an_unknown_level_and_the_practices(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    yaml_text = (
        "unit: 湖南省交通运输厅\norg: 厅党组\nyear: 2025\nlevel: 副厅级、正处级\n"
        "practices:\n  - {id: fanti_sibi, value: 10}\n  - double_sign\n"
        "date: 2026-01-12\n"
    )
    at.file_uploader[0].set_value(("sheet.yaml", yaml_text.encode("utf-8"), "application/x-yaml")).run()
    assert any("已导入 sheet.yaml" in s.value for s in at.success), texts(at)
    assert at.selectbox(key="f_level").value == "副厅级、正处级"
    assert at.session_state["form"]["level"] == "副厅级、正处级"
    n = _nonce(at)
    assert at.checkbox(key=f"pr_{n}_fanti_sibi").value is True
    assert at.text_input(key=f"prv_{n}_fanti_sibi").value == "10"
    assert at.checkbox(key=f"pr_{n}_double_sign").value is True
    assert at.text_input(key="f_date").value == "2026-01-12"
    at.run()  # a rerun keeps it: nothing blanks the level
    assert at.session_state["form"]["level"] == "副厅级、正处级"
    assert not at.exception


def test_reference_passage_pulled_into_the_section_in_one_click(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    at.text_input(key="f_unit").input("江城市交通运输局")
    at.text_input(key="f_org").input("局党组")
    at.text_input(key="f_year").input("2025").run()
    n = _nonce(at)
    at.checkbox(key=f"pr_{n}_fanti_sibi").check().run()
    at.session_state["nav"] = "起草"
    at.run()
    at.button(key="generate").click().run()
    report = repo().list_reports()[0]
    draft = repo().latest_draft(report.id)
    assert draft is not None
    target = next(s for s in draft.sections if s.element == "practices" and s.sources)
    source = target.sources[0]
    assert " · " in source["title"]  # named by unit and year
    assert "参考写法" in " ".join(e.label for e in at.expander)
    passage = " ".join(source["text"].split())
    assert passage not in target.text  # offered, never pasted

    at.button(key=f"pull_{draft.id}_{target.section_id}_{target.version}_0").click().run()
    after = repo().latest_draft(report.id).section(target.section_id)
    assert after.version == target.version + 1 and after.kind == "edited"
    assert after.text.startswith(target.text) and after.text.endswith(passage)
    assert any("其他单位的报告" in t and "改写" in t for t in texts(at)), texts(at)
    for s in draft.sections:
        if s.section_id != target.section_id:
            assert repo().latest_draft(report.id).section(s.section_id).text == s.text
    # the draft ends with the 落款 block, as the export lays it out
    full = [e for e in at.expander if e.label.startswith("全文")]
    whole = full[0].text[0].value.rstrip("\n") if full else ""
    assert whole.endswith("特此报告。\n中共江城市交通运输局党组\n〔待补：成文日期〕")  # issue 18: the report's frame
    assert not at.exception


def test_ticking_a_practice_shows_the_sentence_the_draft_will_write(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: as a practice is ticked, 数据填报 shows the exact sentence (count and note filled in)."""
    from drafter.drafting.composer import practice_preview

    at = new_session()
    at.text_input(key="f_unit").input("江源市水务局")
    at.text_input(key="f_org").input("局党组")
    at.text_input(key="f_year").input("2025").run()
    n = _nonce(at)
    at.checkbox(key=f"pr_{n}_grassroots").check().run()
    assert any(c.value == "草稿将写：选派干部挂职锻炼。" for c in at.caption), [c.value for c in at.caption]
    at.text_input(key=f"prv_{n}_grassroots").input("4")
    at.text_input(key=f"prn_{n}_grassroots").input("到防汛抗旱一线").run()
    expected = practice_preview("grassroots", 4, "到防汛抗旱一线", unit="江源市水务局", org="局党组")
    assert expected == "选派4名干部挂职锻炼，到防汛抗旱一线。"
    assert any(c.value == "草稿将写：" + expected for c in at.caption), [c.value for c in at.caption]
    assert not at.exception
