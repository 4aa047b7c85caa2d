"""Issue 20 through AppTest: the .docx carries the sheet's 成文日期 (never the server's date),
a tab clicked straight from a box keeps what was typed, titles break between words."""

from __future__ import annotations

import datetime as _dt
import importlib.util
import io
import sys
from pathlib import Path


def _sibling(name: str):  # type: ignore[no-untyped-def]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_app = _sibling("test_app")
fill_sheet, goto, repo = _app.fill_sheet, _app.goto, _app.repo


def _docx_paragraphs(at) -> list[str]:  # type: ignore[no-untyped-def]
    import docx

    from drafter_ui.widgets.export_panel import build_docx

    report = repo().list_reports()[0]
    text = repo().latest_draft(report.id).text()
    fields = [at.text_input(key=k).value for k in ("exp_addressee", "exp_unit", "exp_date")]
    document = docx.Document(io.BytesIO(build_docx(text, *fields)))
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_the_docx_carries_the_sheets_date_never_todays(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    at.text_input(key="f_date").input("2026-01-12").run()
    goto(at, "起草")
    at.button(key="generate").click().run()
    assert at.text_input(key="exp_date").value == "2026-01-12"  # from the sheet, not the server's clock
    assert _docx_paragraphs(at)[-1] == "2026年1月12日"
    assert not at.exception


def test_a_date_not_given_is_a_marker_and_a_later_one_reaches_the_field(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    today = _dt.date.today()
    assert at.text_input(key="exp_date").value == ""
    last = _docx_paragraphs(at)[-1]
    assert last == "〔待补：成文日期〕", last
    assert f"{today.year}年{today.month}月{today.day}日" not in "\n".join(_docx_paragraphs(at))
    # the writer gives the date in the sheet afterwards: the untouched export field follows it
    goto(at, "数据填报")
    at.text_input(key="f_date").input("2026-01-12").run()
    goto(at, "起草")
    assert at.text_input(key="exp_date").value == "2026-01-12"
    assert not at.exception


def test_typing_then_clicking_a_tab_keeps_the_text(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    # the box's value arrives with the tab change, in the run that draws the other tab
    at.text_area(key="f_highlights").set_value("开展墩苗计划，选派6名年轻干部到基层挂职")
    at.text_input(key="f_superior").set_value("江城市委组织部")
    goto(at, "起草")
    saved = repo().latest_facts(repo().list_reports()[0].id).data
    assert saved["highlights"] == ["开展墩苗计划，选派6名年轻干部到基层挂职"]
    assert saved["superior"] == "江城市委组织部"
    goto(at, "数据填报")
    assert at.text_area(key="f_highlights").value == "开展墩苗计划，选派6名年轻干部到基层挂职"
    assert at.text_input(key="f_superior").value == "江城市委组织部"
    assert not at.exception


def test_the_banner_names_sections_once_and_lists_a_highlight_added_after_drafting(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    assert not any("数据已修改" in w.value for w in at.warning)
    goto(at, "数据填报")
    at.text_area(key="f_highlights").input(at.text_area(key="f_highlights").value + "\n建立优秀年轻干部库，动态管理85人").run()
    at.session_state[at.session_state["fig_key"]] = {
        "edited_rows": {0: {"value": 4}, 1: {"value": 5}, 3: {"value": 2}}, "added_rows": [], "deleted_rows": [],
    }
    at.run()
    goto(at, "起草")
    warnings = [w.value for w in at.warning if "数据已修改" in w.value]
    assert any("新增了以下内容" in w for w in warnings), warnings
    assert any("建立优秀年轻干部库，动态管理85人" in m.value for m in at.markdown)
    bullets = next(m.value for m in at.markdown if m.value.startswith("- ") and "提拔正科级领导干部" in m.value)
    lines = bullets.splitlines()
    assert len(lines) == len(set(lines))  # never the same bullet twice
    assert all("：" in line for line in lines)  # each named by its section
    assert not at.exception


def test_regenerating_with_two_requirements_says_which_was_applied(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    draft = repo().latest_draft(repo().list_reports()[0].id)
    sec = next(s for s in draft.sections if s.element == "practices")
    at.text_input(key=f"instr_{draft.id}_{sec.section_id}").input("突出年轻干部培养，更精炼")
    at.button(key=f"regen_{draft.id}_{sec.section_id}").click().run()
    said = [t for t in _app.texts(at) if "本节已重新生成" in t]
    assert said and "已按要求：更精炼" in said[0] and "未能按要求：突出年轻干部培养" in said[0], said
    assert "（要求：突出年轻干部培养，更精炼）" not in said[0]
    assert not at.exception


def test_a_hand_edit_is_labelled_as_ones_own(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    draft = repo().latest_draft(repo().list_reports()[0].id)
    sec = draft.sections[-1]
    at.text_area(key=f"edit_{draft.id}_{sec.section_id}_1").input(sec.text + "\n另行补充一句。").run()
    captions = [c.value for c in at.caption]
    assert any("第2版 · 本人修改" in c for c in captions), captions
    assert not any("修改 · 离线组合" in c for c in captions)
    assert not at.exception


# ---- the team server: the reviewer reads only, refusals are logged ---------------------------
import pytest  # noqa: E402
from team_cast import UNIT_A, UNIT_B, seed_team  # type: ignore[import-not-found]  # noqa: E402

from drafter.settings import get_settings  # noqa: E402
from drafter.storage import Repository, get_engine  # noqa: E402
from drafter.storage.team import open_accounts  # noqa: E402


@pytest.fixture
def team(app_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRAFTER_AUTH", "password")
    s = get_settings()
    return seed_team(Repository(get_engine(s.db_url)), open_accounts(s))


def _sign_in(at, username: str, password: str):  # type: ignore[no-untyped-def]
    at.text_input(key="signin_user").input(username)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def test_a_reviewer_gets_a_read_only_page(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = _sign_in(new_session(), "zhao", "password-r")
    assert at.text_input(key="f_unit").value == UNIT_B
    widgets = [*at.text_input, *at.text_area, *at.selectbox, *at.checkbox]
    report_fields = [w for w in widgets if str(w.key or "").startswith(("f_", "pr", "figc_"))]
    assert report_fields and all(w.disabled for w in report_fields), [w.key for w in report_fields if not w.disabled]
    goto(at, "起草")
    assert all(b.disabled for b in at.button if str(b.key or "").startswith(("generate", "regen_", "make_outline")))
    assert not [r for r in at.radio if r.key == "backend"]  # no drafting backend to choose
    assert not at.exception


def test_a_refused_report_link_is_logged_as_a_refusal(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = _sign_in(new_session({"report": str(team[UNIT_B])}), "wang", "password-a")
    assert at.text_input(key="f_unit").value == UNIT_A
    entries = open_accounts(get_settings()).read_audit(username="wang")
    refused = [e for e in entries if e.action == "refused"]
    assert refused and refused[-1].report_id == team[UNIT_B] and "打开" in refused[-1].detail
    assert not any(e.action == "open" and e.report_id == team[UNIT_B] for e in entries)


def test_a_refused_unit_name_leaves_no_empty_report(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = _sign_in(new_session(), "wang", "password-a")
    before = {r.id for r in Repository(get_engine(get_settings().db_url)).list_reports()}
    at.session_state["pending_open"] = "new"
    at.run()
    assert at.text_input(key="f_unit").value == UNIT_A  # a writer of one unit: filled in
    at.text_input(key="f_unit").input(UNIT_B).run()
    assert any("本单位" in e.value for e in at.error)
    at.text_input(key="f_org").input("局党组").run()
    after = {r.id for r in Repository(get_engine(get_settings().db_url)).list_reports()}
    assert after == before  # nothing created for the refused unit
    refusals = [e for e in open_accounts(get_settings()).read_audit(username="wang") if e.action == "refused"]
    assert len(refusals) == 1 and UNIT_B in refusals[0].detail  # once, however often the page reruns
    assert not at.exception


def test_opening_a_report_logs_no_edit_until_something_changes(team, new_session) -> None:  # type: ignore[no-untyped-def]
    """Opening one's report (and the page's reruns) is 打开, never 修改数据表; a real change is."""
    at = _sign_in(new_session({"report": str(team[UNIT_A])}), "wang", "password-a")
    assert at.text_input(key="f_unit").value == UNIT_A
    goto(at, "起草")
    goto(at, "数据填报")
    entries = open_accounts(get_settings()).read_audit(username="wang")
    assert any(e.action == "open" and e.report_id == team[UNIT_A] for e in entries)
    assert not [e for e in entries if e.action == "edit_facts"], [(e.action, e.detail) for e in entries]
    at.text_input(key="f_superior").input("江城市委组织部").run()
    edits = [e for e in open_accounts(get_settings()).read_audit(username="wang") if e.action == "edit_facts"]
    assert len(edits) == 1 and edits[0].report_id == team[UNIT_A]
    assert not at.exception
