"""The writer's day (issue 13) through AppTest: findings that never go stale, edits never
overwritten, a fact-sheet history, the export fields, the start page and the 署名."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path


def _sibling(name: str):  # type: ignore[no-untyped-def]
    """The helpers of ``tests/app/test_app.py`` (fill_sheet, goto …), shared rather than copied."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_app = _sibling("test_app")
HIGHLIGHT, fill_sheet, goto, repo, texts = _app.HIGHLIGHT, _app.fill_sheet, _app.goto, _app.repo, _app.texts


def set_figures(at, edits: dict[int, object]):  # type: ignore[no-untyped-def]
    """Type into the figure table as a writer would (the editor's full edit state)."""
    at.session_state[at.session_state["fig_key"]] = {
        "edited_rows": {i: {"value": v} for i, v in edits.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def _draft(at):  # type: ignore[no-untyped-def]
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    report = repo().list_reports()[0]
    return report, repo().latest_draft(report.id)


def test_a_figure_changed_after_drafting_shows_in_the_section_and_can_be_updated(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    report, draft = _draft(at)
    overview = next(s for s in draft.sections if "3人" in s.text)
    assert not any(f["category"] == "figure" and f["text"] == "3人" for f in overview.findings)
    assert not any("数据已修改" in w.value for w in at.warning)

    # 提拔正科级领导干部 3 → 4 in 数据填报 (the other cells as fill_sheet typed them)
    goto(at, "数据填报")
    set_figures(at, {0: 4, 1: 5, 3: 2})
    assert at.session_state["form"]["figures"][0]["value"] == 4
    goto(at, "起草")
    banner = next(w.value for w in at.warning if "数据已修改" in w.value)
    # the part and the total the program computed from it (正科级3人 + 副科级5人 = 8人) are both stale
    assert "数据已修改：2处与草稿不一致" in banner and (overview.heading or "开头") in banner
    # the section's own findings are the current sheet's: the “3人” is now a contradiction
    assert any("finding-error" in m.value and "3人" in m.value for m in at.markdown)
    assert any("数据表中“提拔正科级领导干部”为4人" in m.value for m in at.markdown)

    at.button(key="stale_update").click().run()
    now = repo().latest_draft(report.id).section(overview.section_id)
    assert now.kind == "edited" and now.version == 2
    assert "4人" in now.text and now.text == overview.text.replace("3人", "4人", 1).replace("8人", "9人", 1)
    assert any("3人→4人" in s.value for s in at.success), texts(at)
    assert not any("数据已修改" in w.value for w in at.warning)

    # changed again (4 → 6): this time regenerate the section from the sheet
    goto(at, "数据填报")
    set_figures(at, {0: 6, 1: 5, 3: 2})
    goto(at, "起草")
    assert any("数据已修改：2处" in w.value for w in at.warning)
    at.button(key="stale_regen").click().run()
    regen = repo().latest_draft(report.id).section(overview.section_id)
    assert regen.kind == "generated" and regen.version == 3 and "6人" in regen.text
    assert any("已按新数据重新生成1节" in s.value for s in at.success), texts(at)
    assert not any("数据已修改" in w.value for w in at.warning)
    assert not at.exception


def test_regenerate_all_asks_first_and_keeps_edited_sections(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    report, draft = _draft(at)
    edited_sec = draft.sections[1]
    mine = edited_sec.text + "这是我亲手改的一句。"
    at.text_area(key=f"edit_{draft.id}_{edited_sec.section_id}_1").input(mine).run()

    at.button(key="generate").click().run()  # 重新生成全文: nothing happens yet, it asks
    assert len(repo().list_drafts(report.id)) == 1
    assert any("确认重新生成全文" in m.value for m in at.markdown)
    choice = at.radio(key="regen_keep")
    assert choice.value == "keep" and (edited_sec.heading or "开头") in choice.label

    at.button(key="confirm_regen_cancel").click().run()  # 取消: still nothing
    assert len(repo().list_drafts(report.id)) == 1
    assert not any("确认重新生成全文" in m.value for m in at.markdown)

    at.button(key="generate").click().run()
    at.button(key="confirm_regen_go").click().run()  # the default: keep the edited section
    drafts = repo().list_drafts(report.id)
    assert len(drafts) == 2
    new = repo().latest_draft(report.id)
    assert new.id != draft.id
    assert new.section(edited_sec.section_id).text == mine
    assert new.section(edited_sec.section_id).kind == "edited"
    assert all(s.kind == "generated" for s in new.sections if s.section_id != edited_sec.section_id)
    assert any("修改过的1节保留了您的文字" in s.value for s in at.success), texts(at)

    # told otherwise: every section is drafted again
    at.button(key="generate").click().run()
    at.radio(key="regen_keep").set_value("all").run()
    at.button(key="confirm_regen_go").click().run()
    last = repo().latest_draft(report.id)
    assert len(repo().list_drafts(report.id)) == 3
    assert "这是我亲手改的一句。" not in last.section(edited_sec.section_id).text
    assert not at.exception


def test_a_sheet_without_content_says_what_is_missing(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    at.text_input(key="f_unit").input("江城市交通运输局")
    at.text_input(key="f_org").input("局党组")
    at.text_input(key="f_year").input("2025").run()
    shown = texts(at)
    assert not any("数据表完整" in t for t in shown), shown
    missing = next(t for t in shown if "还缺" in t)
    for part in ("本年度数据", "存在问题", "下一步工作打算"):
        assert part in missing
    assert "〔待补〕" in missing
    fill_sheet(at)
    assert any("数据表完整" in t for t in texts(at))
    assert not at.exception


def test_placeholders_do_not_look_like_values(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    at.text_input(key="f_year").input("").run()
    year = at.text_input(key="f_year")
    assert year.value == "" and not any(ch.isdigit() for ch in year.placeholder)
    goto(at, "起草")
    at.radio(key="backend").set_value("openai").run()
    for key in ("oa_base", "oa_model", "oa_key"):
        box = at.text_input(key=key)
        assert box.value in ("", None) and "http" not in box.placeholder and ":" not in box.placeholder
        assert "未填写" in box.placeholder or "不填" in box.placeholder
    assert not at.exception


def test_fact_sheet_edits_of_one_sitting_are_one_revision_with_a_history_to_restore(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    report = repo().list_reports()[0]
    for value in (4, 5, 6, 7):  # a writer typing cell after cell
        set_figures(at, {0: value, 1: 5, 3: 2})
    history = repo().facts_history(report.id)
    assert len(history) == 1  # one sitting, one revision
    assert history[0].data["figures"][0]["value"] == 7

    # another writer saves in between: the sitting cannot write over that, it starts a new revision
    other = new_session({"report": str(report.id)})
    other.text_area(key="f_plans").input("加强年轻干部培养\n完善干部考核").run()
    set_figures(at, {0: 8, 1: 5, 3: 2})
    history = repo().facts_history(report.id)
    assert [h.revision for h in history] == [3, 2, 1]
    assert history[1].data["plans"] == ["加强年轻干部培养", "完善干部考核"]

    # the history: pick revision 1, see what differs from now, restore it
    at.selectbox(key="hist_pick").set_value(1).run()
    shown = "\n".join(t.value for t in at.text)
    assert "“提拔正科级领导干部”：7人 → 8人" in shown, shown
    at.button(key="hist_restore").click().run()
    assert any("已恢复第1版" in s.value for s in at.success)
    latest = repo().latest_facts(report.id)
    assert latest.revision == 4 and latest.data["figures"][0]["value"] == 7
    assert at.data_editor[0].value["value"].iloc[0] == "7"
    assert at.text_area(key="f_plans").value == "加强年轻干部培养"
    assert not at.exception and not other.exception


def test_export_fields_reach_the_docx(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    import docx

    at = new_session()
    at.text_input(key="f_superior").input("江城市委组织部")
    _draft(at)
    assert at.text_input(key="exp_unit").value  # prefilled from the fact sheet
    assert at.text_input(key="exp_addressee").value == "江城市委组织部"
    assert "江城市交通运输局" in at.text_input(key="exp_unit").value
    at.text_input(key="exp_addressee").input("市委组织部")
    at.text_input(key="exp_unit").input("中共江城市交通运输局党组")
    at.text_input(key="exp_date").input("2026年1月5日").run()
    goto(at, "数据填报")  # off screen and back: what the writer typed is still there
    goto(at, "起草")
    assert at.text_input(key="exp_addressee").value == "市委组织部"
    assert at.text_input(key="exp_date").value == "2026年1月5日"
    at.button(key="make_docx").click().run()
    assert at.download_button(key="dl_docx")
    # the bytes the button serves are build_docx(text, the three fields); the browser test downloads them
    from drafter_ui.widgets.export_panel import build_docx

    text = repo().latest_draft(repo().list_reports()[0].id).text()
    fields = [at.text_input(key=k).value for k in ("exp_addressee", "exp_unit", "exp_date")]
    document = docx.Document(io.BytesIO(build_docx(text, *fields)))
    paras = [p.text for p in document.paragraphs if p.text.strip()]
    assert paras[1] == "市委组织部："
    assert paras[-2:] == ["中共江城市交通运输局党组", "2026年1月5日"]

    at.text_input(key="exp_date").input("明年").run()
    assert any("成文日期“明年”无法识别" in e.value for e in at.error)
    assert at.button(key="make_docx").disabled
    assert not at.exception


def test_a_fresh_browser_opens_the_start_page_not_the_last_report(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    first = new_session()
    fill_sheet(first, unit="甲县人社局", year="2024")
    fresh = new_session(start=True)
    assert fresh.session_state["start"] is True and fresh.session_state["report_id"] is None
    assert not [w for w in fresh.text_input if w.key == "f_unit"]
    assert fresh.button(key="start_new").label == "新建报告"
    assert any("甲县人社局 · 2024年度" in m.value for m in fresh.markdown)
    assert not [t for t in fresh.get("tabs")]  # no tabs before a choice
    report = repo().list_reports()[0]
    fresh.button(key=f"start_open_{report.id}").click().run()
    assert fresh.text_input(key="f_unit").value == "甲县人社局"
    assert fresh.query_params["report"] == str(report.id)
    assert not fresh.exception


def test_authors_are_the_signature_name_asked_once(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    assert at.text_input(key="author_prompt")  # asked on the first page
    at.text_input(key="author_prompt").input("王敏").run()
    assert at.session_state["author"] == "王敏" and at.query_params["by"] == "王敏"
    assert not [w for w in at.text_input if w.key == "author_prompt"]  # asked once
    fill_sheet(at)
    report = repo().list_reports()[0]
    assert repo().latest_facts(report.id).author == "王敏"
    goto(at, "起草")
    at.button(key="generate").click().run()
    draft = repo().latest_draft(report.id)
    assert all(s.author == "王敏" for s in draft.sections)
    assert any("王敏" in c.value for c in at.caption)
    assert not any(re.search(r"会话[0-9a-f]{4}", c.value) for c in at.caption)

    # someone who declines is asked no more, and shown as 未署名
    other = new_session({"report": str(report.id)})
    other.button(key="author_skip").click().run()
    assert not [w for w in other.text_input if w.key == "author_prompt"]
    assert not at.exception and not other.exception


def test_times_are_shown_in_the_configured_zone(app_home: Path, new_session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from drafter_ui.widgets.highlight import local_time

    when = dt.datetime(2026, 1, 5, 23, 30)  # stored UTC
    monkeypatch.delenv("DRAFTER_TIMEZONE", raising=False)
    assert local_time(when) == "2026-01-06 07:30"  # Asia/Shanghai by default
    monkeypatch.setenv("DRAFTER_TIMEZONE", "Europe/Berlin")
    assert local_time(when) == "2026-01-06 00:30"
    monkeypatch.setenv("DRAFTER_TIMEZONE", "Pacific/Kiritimati")  # UTC+14: no view can pass by showing UTC
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    at.button(key="generate").click().run()
    at.button(key="confirm_regen_go").click().run()
    drafts = repo().list_drafts(repo().list_reports()[0].id)
    created = drafts[0][3]
    expected = (created + dt.timedelta(hours=14)).strftime("%Y-%m-%d %H:%M")
    assert any(f"起草于 {expected}" in c.value for c in at.caption), [c.value for c in at.caption][:5]
    goto(at, "对照")
    at.radio(key="cmp_mode").set_value("drafts").run()
    options = at.selectbox(key="cmp_draft_new").options
    assert any((created + dt.timedelta(hours=14)).strftime("%m-%d %H:%M") in o and "离线组合" in o for o in options), options
    assert not any("composer" in o for o in options)
    assert not at.exception


def test_checks_list_errors_first_and_jump_to_the_section(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    report, draft = _draft(at)
    sec = draft.sections[-1]
    at.text_area(key=f"edit_{draft.id}_{sec.section_id}_1").input(sec.text + "另有**同志调任。").run()
    goto(at, "检查")
    assert any(m.value.startswith("**先改这些错误") for m in at.markdown)
    options = at.selectbox(key="finding_pick").options
    assert options[0].split(" ", 1)[1].startswith("错误")  # errors first
    # the error about the placeholder, and its 去修改 button (same order as the list)
    errs = [m.value for m in at.markdown if "：" in m.value and ("「" in m.value)]
    idx = next(i for i, v in enumerate(errs) if "\\*\\*同志" in v or "**同志" in v)
    # listed once: the list by habit below leaves out the errors already listed first
    assert sum(1 for v in errs if "同志」" in v) == 1, errs
    jump = at.button(key=f"goto_err_{idx}")
    jump.click().run()
    assert at.session_state["nav"] == "起草"
    marked = [m.value for m in at.markdown if 'data-focus="1"' in m.value]
    assert len(marked) == 1 and "**同志" in marked[0]
    assert (sec.heading or "") in at.session_state["focus"]["section"]
    assert not at.exception
