"""The web app through Streamlit's AppTest: a writer's whole workflow, saved as it goes."""

from __future__ import annotations

from pathlib import Path

from openai_server import OpenAIServer, Reply  # type: ignore[import-not-found]  # loaded by conftest

from drafter.settings import REPO_ROOT, get_settings
from drafter.storage import Repository, get_engine

API_KEY = "sk-test-Very-Secret-4711"
HIGHLIGHT = "开展“墩苗”计划，选派6名年轻干部到基层挂职"


def repo() -> Repository:
    return Repository(get_engine(get_settings().db_url))


def fill_sheet(at, unit: str = "江城市交通运输局", year: str = "2025"):  # type: ignore[no-untyped-def]
    at.text_input(key="f_unit").input(unit)
    at.text_input(key="f_org").input("局党组")
    at.text_input(key="f_year").input(year)
    at.session_state[at.session_state["fig_key"]] = {
        "edited_rows": {0: {"value": 3}, 1: {"value": 5}, 3: {"value": 2}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_area(key="f_highlights").input(HIGHLIGHT)
    at.text_area(key="f_problems").input("年轻干部储备不足\n干部交流力度不够")
    at.text_area(key="f_plans").input("加强年轻干部培养")
    return at.run()


def goto(at, tab: str):  # type: ignore[no-untyped-def]
    at.session_state["nav"] = tab
    return at.run()


def texts(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.value for kind in ("success", "info", "warning", "error") for e in getattr(at, kind)]


def test_workflow_fill_draft_edit_regenerate_reopen(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    assert any("数据表完整" in t for t in texts(at)), texts(at)
    report = repo().list_reports()[0]
    assert report.title == "江城市交通运输局2025年度干部选拔任用工作报告"

    # draft everything with the offline composer
    goto(at, "起草")
    at.button(key="generate").click().run()
    assert any("全文已生成" in t for t in texts(at)), texts(at)
    draft = repo().latest_draft(report.id)
    assert draft is not None and len(draft.sections) >= 5
    full = draft.text()
    assert "3人" in full and "5人" in full  # the entered figures are stated
    by_element = {s.element: s for s in draft.sections}

    # edit the problems section: saved at once as version 2, with a placeholder found
    problems = by_element["problems"]
    edited = problems.text + "\n另有*人未按期完成轮岗。"
    at.text_area(key=f"edit_{draft.id}_{problems.section_id}_1").input(edited).run()
    assert any("修改已保存为第2版" in t for t in texts(at)), texts(at)
    saved = repo().latest_draft(report.id).section(problems.section_id)
    assert saved.version == 2 and saved.kind == "edited" and saved.text == edited
    assert any(f["category"] == "placeholder" and f["text"] == "*人" for f in saved.findings)
    assert any("finding-error" in m.value and "*人" in m.value for m in at.markdown)

    # regenerate another section with a scripted model on a real loopback server
    target = by_element["practices"]
    with OpenAIServer(models=["scripted"], api_key=API_KEY) as srv:
        srv.responder = lambda body: Reply("严格落实干部选拔任用工作条例，全年共组织专题培训99人次，坚决防止“带病提拔”。")
        at.radio(key="backend").set_value("openai").run()
        at.text_input(key="oa_base").input(srv.url)
        at.text_input(key="oa_model").input("scripted")
        at.text_input(key="oa_key").input(API_KEY).run()
        at.button(key="test_conn").click().run()
        assert any("已连接" in t and "scripted" in t for t in texts(at)), texts(at)
        at.text_input(key=f"instr_{draft.id}_{target.section_id}").input("更精炼")
        at.button(key=f"regen_{draft.id}_{target.section_id}").click().run()
        assert any("本节已重新生成，要求已交给模型：更精炼" in t for t in texts(at)), texts(at)
        assert any("更精炼" in str(r) for r in srv.requests)
    after = repo().latest_draft(report.id)
    regen = after.section(target.section_id)
    assert regen.version == 2 and regen.backend.startswith("openai") and regen.instruction == "更精炼"
    assert regen.author == ""  # no 署名 given: stored blank, shown as 未署名 (never a session id)
    assert "99人次" in regen.text
    assert any(f["category"] == "figure" and "99" in f["text"] for f in regen.findings)
    for s in draft.sections:  # no other section changed
        if s.section_id not in (target.section_id, problems.section_id):
            assert after.section(s.section_id).text == s.text

    # export warns while errors remain, and still offers the GB/T 9704 Word file
    assert any("正式导出前请先修正" in w.value for w in at.warning)
    at.button(key="make_docx").click().run()
    assert at.get("download_button")  # .docx, .md and .txt offered
    assert "仍有错误" in at.download_button(key="dl_docx").label

    # the 检查 tab counts the new findings
    goto(at, "检查")
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["数字核对"]) >= 1 and int(metrics["待填占位"]) >= 1
    assert not at.exception

    # a reload (after a restart) reopens the report intact: its id is in the page address
    again = new_session({"report": at.query_params["report"]})
    assert again.text_input(key="f_unit").value == "江城市交通运输局"
    assert again.text_area(key="f_highlights").value == HIGHLIGHT
    assert again.session_state["form"]["figures"][0]["value"] == 3
    goto(again, "起草")
    assert again.text_area(key=f"edit_{draft.id}_{problems.section_id}_2").value == edited
    assert "99人次" in again.text_area(key=f"edit_{draft.id}_{target.section_id}_2").value
    assert again.session_state.get("oa_key") is None  # the key stayed in the first session
    assert again.radio(key="backend").value == "composer"

    # the API key was never written anywhere under DRAFTER_HOME (database, WAL, uploads …)
    for path in app_home.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path
    assert not again.exception


def test_invalid_input_shows_chinese_message_and_keeps_data(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    at.text_input(key="f_unit").input("江城区财政局")
    at.text_input(key="f_org").input("局党组")
    at.text_input(key="f_year").input("")
    at.session_state[at.session_state["fig_key"]] = {
        "edited_rows": {0: {"value": -2}},
        "added_rows": [{"label": "40岁左右中层正职占比", "value": 120, "unit": "%"}],
        "deleted_rows": [],
    }
    at.run()
    errors = [e.value for e in at.error]
    assert any(e.startswith("年度：") for e in errors), errors
    assert any("第1行：“提拔正科级领导干部”的数值不能为负数（填写的是-2）" in e for e in errors), errors
    assert any("是百分比，不能超过100（填写的是120）" in e for e in errors), errors
    assert any("还有3处需要修正" in t for t in texts(at)), texts(at)
    goto(at, "起草")
    assert at.button(key="generate").disabled
    assert any("数据表还有3处需要修正" in w.value for w in at.warning)
    assert not at.exception

    # saved even while invalid: a reload shows exactly what was typed, and the messages
    again = new_session({"report": at.query_params["report"]})
    assert again.text_input(key="f_unit").value == "江城区财政局"
    assert again.text_input(key="f_year").value == ""
    figures = again.session_state["form"]["figures"]
    assert figures[0]["value"] == -2 and figures[-1] == {"label": "40岁左右中层正职占比", "value": 120, "unit": "%"}
    assert any("不能为负数" in e.value for e in again.error)
    report = repo().list_reports()[0]
    assert report.valid is False and report.unit == "江城区财政局"
    assert not again.exception


def test_two_sessions_are_isolated_and_never_lose_each_others_edits(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    a = new_session()
    fill_sheet(a, unit="甲县人社局", year="2024")
    goto(a, "起草")
    a.button(key="generate").click().run()
    report = repo().list_reports()[0]
    draft = repo().latest_draft(report.id)
    section = draft.sections[1]
    a.radio(key="backend").set_value("openai").run()
    a.text_input(key="oa_key").input(API_KEY).run()

    # a second person opens the same report (by its link) in another browser
    b = new_session({"report": str(report.id)})
    goto(b, "起草")
    assert b.session_state.get("oa_key") is None and b.radio(key="backend").value == "composer"
    key = f"edit_{draft.id}_{section.section_id}_1"
    a.text_area(key=key).input(section.text + "甲补充的一句。").run()
    b.text_area(key=key).input(section.text + "乙补充的一句。").run()
    warnings = [w.value for w in b.warning]
    assert any("在您之前保存了本节第2版" in w for w in warnings), warnings
    history = repo().section_history(draft.id, section.section_id)
    assert [v.text[-7:] for v in history[:2]] == ["乙补充的一句。", "甲补充的一句。"]
    assert repo().latest_draft(report.id).section(section.section_id).text.endswith("乙补充的一句。")

    # B starts a new report; A's form is untouched
    b.sidebar.button(key="new_report").click().run()
    assert any("请先在“数据填报”页填写" in i.value for i in b.info)
    goto(b, "数据填报")
    assert b.text_input(key="f_unit").value == ""
    goto(a, "数据填报")
    assert a.text_input(key="f_unit").value == "甲县人社局"
    assert not a.exception and not b.exception


def test_restore_and_failed_regeneration_keep_history(app_home: Path, new_session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRAFTER_OPENAI_MAX_RETRIES", "0")
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    report = repo().list_reports()[0]
    draft = repo().latest_draft(report.id)
    sec = draft.sections[-1]
    at.text_area(key=f"edit_{draft.id}_{sec.section_id}_1").input("临时改写。").run()
    at.button(key=f"restore_{draft.id}_{sec.section_id}_1").click().run()
    assert any("已恢复第1版" in t for t in texts(at)), texts(at)
    current = repo().latest_draft(report.id).section(sec.section_id)
    assert current.version == 3 and current.text == sec.text and current.kind == "restored"

    with OpenAIServer(models=["scripted"]) as srv:
        srv.responder = lambda body: Reply(status=500)
        at.radio(key="backend").set_value("openai").run()
        at.text_input(key="oa_base").input(srv.url)
        at.text_input(key="oa_model").input("scripted").run()
        at.button(key=f"regen_{draft.id}_{sec.section_id}").click().run()
    errors = [e.value for e in at.error]
    assert any("重新生成失败" in e and "本节保持原样" in e for e in errors), errors
    assert repo().latest_draft(report.id).section(sec.section_id).version == 3
    assert len(repo().section_history(draft.id, sec.section_id)) == 3

    # 对照: the section's versions side by side, then the draft against a past report
    goto(at, "对照")
    at.radio(key="cmp_mode").set_value("section").run()
    at.selectbox(key="cmp_section").set_value(sec.section_id).run()
    metrics = {m.label: m.value for m in at.metric}  # by default: the previous version against the current
    assert metrics["相似度"] != "100.0%" and metrics["有改动"] == "1"  # v2 was a rewrite
    at.selectbox(key=f"cmp_old_{sec.section_id}").set_value(1).run()
    assert {m.label: m.value for m in at.metric}["相似度"] == "100.0%"  # v3 restored v1
    at.radio(key="cmp_mode").set_value("kb").run()
    # no report of this unit from the year before: nothing is picked for the writer (issue 11) …
    assert at.selectbox(key="cmp_kb").value is None
    # … and any past report can be chosen
    at.selectbox(key="cmp_kb").set_value("reports/000_239d23a2283df756.txt").run()
    assert any("沿用旧稿" in m.value for m in at.markdown)
    assert not at.exception


def test_yaml_import_fills_the_form(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    yaml_text = (
        "unit: 江城县水利局\norg: 局党组\nyear: 2023\nlevel: 县处级\n"
        "figures:\n  - {label: 提拔正处级领导干部, value: 2, unit: 人}\n"
        "highlights: [推行干部实绩档案]\nproblems: [专业干部偏少]\n"
    )
    at.file_uploader[0].set_value(("sheet.yaml", yaml_text.encode("utf-8"), "application/x-yaml")).run()
    assert any("已导入 sheet.yaml" in s.value for s in at.success)
    assert at.text_input(key="f_unit").value == "江城县水利局"
    assert at.selectbox(key="f_level").value == "县处级"
    assert at.text_area(key="f_highlights").value == "推行干部实绩档案"
    assert at.session_state["form"]["figures"] == [{"label": "提拔正处级领导干部", "value": 2, "unit": "人"}]
    table = at.data_editor[0].value  # what the writer sees, not only what the session holds
    assert list(table["label"]) == ["提拔正处级领导干部"] and list(table["value"]) == ["2"]
    assert repo().find_report("江城县水利局", 2023) is not None
    assert not at.exception


def test_level_choice_prefills_the_usual_rows(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    labels = [r["label"] for r in at.session_state["form"]["figures"]]
    assert "提拔正科级领导干部" in labels and "干部教育培训" in labels
    at.selectbox(key="f_level").set_value("县处级").run()
    labels = [r["label"] for r in at.session_state["form"]["figures"]]
    assert labels[0] == "提拔正处级领导干部" and "晋升一级调研员" in labels
    table = at.data_editor[0].value
    assert list(table["label"])[:2] == ["提拔正处级领导干部", "提拔副处级领导干部"]
    assert not at.exception


def test_knowledge_base_upload_search_delete(app_home: Path, new_session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRAFTER_MAX_UPLOAD_MB", "0.05")
    at = new_session()
    goto(at, "知识库")
    gbk = "江城县审计局2024年度干部选拔任用工作报告\n一、总体情况\n全年开展“青蓝结对”导师帮带活动。\n".encode("gbk")
    files = [
        ("审计局报告.txt", gbk, "text/plain"),
        ("扫描件.pdf", b"%PDF-1.4 ...", "application/pdf"),
        ("太大.txt", "字".encode() * 30000, "text/plain"),
        ("坏文件.docx", b"not a zip at all", "application/octet-stream"),
    ]
    at.file_uploader[0].set_value(files).run()
    at.button(key="kb_save").click().run()
    shown = texts(at)
    assert any(t.startswith("审计局报告.txt：已保存") for t in shown), shown
    assert any(t.startswith("扫描件.pdf：") and "PDF" in t for t in shown), shown
    assert any(t.startswith("太大.txt：文件过大") for t in shown), shown
    assert any(t.startswith("坏文件.docx：") for t in shown), shown
    assert any("索引已更新：新增1个" in t for t in shown), shown
    # named “单位 · 年度 · 标题” from its own title, never by file name alone
    name = "江城县审计局 · 2024年度 · 江城县审计局2024年度干部选拔任用工作报告"
    assert any(t.startswith(f"审计局报告.txt：已保存为“{name}”") for t in shown), shown
    assert any(m.value.startswith(name) and "审计局报告.txt" in m.value for m in at.markdown)

    at.text_input(key="kb_query").input("青蓝结对 导师帮带")
    at.button(key="kb_search").click().run()
    assert any(m.value.startswith(f"**{name}**") for m in at.markdown)

    at.button(key="kb_del_uploads/审计局报告.txt").click().run()
    assert any(f"已删除“{name}”" in t for t in texts(at))
    assert not (app_home / "uploads" / "审计局报告.txt").exists()
    assert not (app_home / "uploads" / "审计局报告.txt.meta.yaml").exists()
    at.text_input(key="kb_query").input("青蓝结对 导师帮带")
    at.button(key="kb_search").click().run()
    assert not any(m.value.startswith(f"**{name}") for m in at.markdown)
    assert not at.exception


def test_figure_cells_keep_what_was_typed_and_name_the_problem(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    """A word typed as a figure is kept and named; it never silently becomes 0 (an invented number)."""
    at = new_session()
    at.text_input(key="f_unit").input("荆州市生态环境局")
    at.text_input(key="f_org").input("局党组")
    at.session_state[at.session_state["fig_key"]] = {
        "edited_rows": {0: {"value": "abc"}, 1: {"value": "5"}, 2: {"value": "三人"}},
        "added_rows": [{"label": "新提拔干部中35岁以下占比", "value": "37.5", "unit": "%"}],
        "deleted_rows": [],
    }
    at.run()
    figures = at.session_state["form"]["figures"]
    assert figures[0]["value"] == "abc" and figures[1]["value"] == 5 and figures[2]["value"] == "三人"
    assert figures[-1] == {"label": "新提拔干部中35岁以下占比", "value": 37.5, "unit": "%"}
    errors = [e.value for e in at.error]
    assert any("第1行“提拔正科级领导干部”：“abc”不是数字" in e for e in errors), errors
    assert any("第3行“进一步使用科级干部”：“三人”不是数字" in e for e in errors), errors
    # a reload shows the cells as typed (a text column: a number column turns "abc" into 0)
    again = new_session({"report": at.query_params["report"]})
    table = again.data_editor[0].value
    assert list(table["value"])[:4] == ["abc", "5", "三人", ""]  # blank cells stay empty, not "None"
    assert not again.exception
    assert not at.exception


def test_yaml_import_of_another_unit_becomes_a_new_report(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at, unit="荆州市生态环境局", year="2025")
    first = repo().list_reports()[0]
    example = (REPO_ROOT / "examples" / "facts.yaml").read_bytes()
    at.file_uploader[0].set_value(("facts.yaml", example, "application/x-yaml")).run()
    assert any("已另建为新报告" in s.value and "荆州市生态环境局" in s.value for s in at.success), texts(at)
    # the table on screen shows the imported figures, not the previous ones
    table = at.data_editor[0].value
    labels, values = list(table["label"]), list(table["value"])
    assert labels[0] == "提拔乡科级正职领导干部" and values[-1] == "37.5"
    assert at.text_input(key="f_unit").value == "江源市水务局"
    reports = {r.unit: r for r in repo().list_reports()}
    assert set(reports) == {"荆州市生态环境局", "江源市水务局"}
    assert reports["荆州市生态环境局"].id == first.id  # the open report was not written over
    kept = repo().latest_facts(first.id).data
    assert kept["unit"] == "荆州市生态环境局" and kept["figures"][0]["value"] == 3
    imported = repo().latest_facts(reports["江源市水务局"].id).data
    assert [f["value"] for f in imported["figures"]][:3] == [3, 5, 12] and imported["figures"][-1]["value"] == 37.5
    assert not at.exception


def test_outline_shows_chinese_part_names_and_explains_a_wrong_one(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="make_outline").click().run()
    key = next(k for k in at.session_state if str(k).startswith("outline_text_"))
    text = at.text_area(key=key).value
    assert "[主要做法]" in text and "[下一步工作打算]" in text and "[practices]" not in text
    problems_line = next(line for line in text.splitlines() if line.endswith("[存在问题]"))
    at.text_area(key=key).input(text.replace(problems_line, "- 存在的不足 [问题清单]")).run()
    at.button(key="save_outline").click().run()
    assert any("不认识的部分“问题清单”" in e.value and "存在问题" in e.value for e in at.error)
    key = next(k for k in at.session_state if str(k).startswith("outline_text_"))
    at.text_area(key=key).input(text.replace(problems_line, "- 存在的不足 [存在问题]")).run()
    at.button(key="save_outline").click().run()
    assert any("提纲已保存" in s.value for s in at.success)
    at.button(key="generate").click().run()
    draft = repo().latest_draft(repo().list_reports()[0].id)
    assert any(s.element == "problems" and "存在的不足" in s.heading for s in draft.sections)
    assert not at.exception


def test_retry_failed_sections_redrafts_only_those(app_home: Path, new_session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRAFTER_OPENAI_MAX_RETRIES", "0")
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    with OpenAIServer(models=["scripted"]) as srv:
        srv.responder = lambda body: Reply(status=500)
        at.radio(key="backend").set_value("openai").run()
        at.text_input(key="oa_base").input(srv.url)
        at.text_input(key="oa_model").input("scripted").run()
        at.button(key="generate").click().run()
        assert any("节失败" in w.value and "重试失败的部分" in w.value for w in at.warning), texts(at)
        report = repo().list_reports()[0]
        before = repo().latest_draft(report.id)
        failed = [s.section_id for s in before.sections if s.status != "ok"]
        assert failed
        retry = at.button(key="retry_failed")
        assert f"（{len(failed)}节）" in retry.label
        srv.responder = lambda body: Reply("局党组严格落实干部选拔任用工作条例，坚持好干部标准。")
        retry.click().run()
    assert any(f"失败的{len(failed)}节已重新生成" in s.value for s in at.success), texts(at)
    after = repo().latest_draft(report.id)
    assert after.id == before.id  # the same draft, not a new one
    for sid in failed:
        sec = after.section(sid)
        assert sec.status == "ok" and "好干部标准" in sec.text and sec.version == 2
    assert not at.get("button") or all(b.key != "retry_failed" for b in at.button)
    assert not at.exception


def test_search_results_show_placeholders_literally(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    """The samples' "**人" placeholders are shown as typed, not swallowed as bold marks."""
    at = new_session()
    goto(at, "知识库")
    at.text_input(key="kb_query").input("提拔 领导干部 人数")
    at.button(key="kb_search").click().run()
    bodies = [m.value for m in at.markdown if "\\*" in m.value]
    assert bodies, [m.value[:60] for m in at.markdown]
    assert not at.exception


def test_model_backend_without_address_says_what_to_fill(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()  # a composer draft first
    draft = repo().latest_draft(repo().list_reports()[0].id)
    at.radio(key="backend").set_value("openai").run()
    at.button(key="test_conn").click().run()
    assert any("请先在“服务地址”一栏填写" in e.value for e in at.error), [e.value for e in at.error]
    at.button(key="generate").click().run()  # 重新生成全文 asks first
    at.button(key="confirm_regen_go").click().run()
    assert any(e.value.startswith("无法起草：请先在“起草方式”中填写模型的服务地址") for e in at.error)
    sid = draft.sections[1].section_id
    at.button(key=f"regen_{draft.id}_{sid}").click().run()
    assert any(e.value.startswith("无法重新生成：请先在“起草方式”") for e in at.error)
    assert len(repo().list_drafts(draft.report_id)) == 1  # nothing half-started
    assert not at.exception


def test_an_outline_made_before_the_sheet_was_finished_says_what_it_lacks(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    at.text_input(key="f_unit").input("荆州市生态环境局")
    at.text_input(key="f_org").input("局党组").run()
    goto(at, "起草")
    at.button(key="make_outline").click().run()  # the writer makes the outline first …
    assert not any("提纲里还没有" in w.value for w in at.warning)
    goto(at, "数据填报")
    at.text_area(key="f_rectification").input("针对2024年度评议反馈的“干部交流力度不够”问题，完成2批次交流轮岗")
    at.text_area(key="f_highlights").input(HIGHLIGHT).run()  # … then finishes the sheet
    goto(at, "起草")
    warning = next(w.value for w in at.warning if "提纲里还没有" in w.value)
    # 上年度评议整改 is a required part, in the outline from the start (issue 18): only the highlight is new
    assert HIGHLIGHT in warning and "上年度评议整改情况" not in warning
    at.button(key="make_outline").click().run()
    assert not any("提纲里还没有" in w.value for w in at.warning)
    at.button(key="generate").click().run()
    draft = repo().latest_draft(repo().list_reports()[0].id)
    assert any(s.element == "rectification" for s in draft.sections)
    assert not at.exception


def test_the_signature_name_survives_a_reload(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    at.text_input(key="author").input("组织人事科 王晓").run()
    assert at.query_params["by"] == "组织人事科 王晓"  # written into the page address
    # a reload keeps the page address, and with it the name
    again = new_session({"by": "组织人事科 王晓"})
    assert again.text_input(key="author").value == "组织人事科 王晓"
    assert not at.exception and not again.exception


def test_connection_message_keeps_its_lines_and_escapes_the_servers_words(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    """测试连接 says several things, one per line; the address is shown as code (never a link
    running into the words after it) and what the server sent is shown as typed."""
    at = new_session()
    goto(at, "起草")
    at.radio(key="backend").set_value("openai").run()
    hostile = "**粗**![x](http://elsewhere.example/b.png)"
    with OpenAIServer(models=["m1", hostile], n_ctx=4096) as srv:
        at.text_input(key="oa_base").input(srv.url)
        at.text_input(key="oa_model").input("m1").run()
        at.button(key="test_conn").click().run()
        ok = [s.value for s in at.success if "已连接" in s.value]
        assert len(ok) == 1, texts(at)
        lines = ok[0].split("  \n")  # hard line breaks: each part on its own line
        assert len(lines) == 3 and lines[1].startswith("上下文长度：4096")
        assert f"已连接 `{srv.url}`：" in lines[0] and "\\`" not in ok[0]
        assert "![" not in ok[0] and "**粗**" not in ok[0] and "\\*\\*粗\\*\\*\\!\\[x\\]" in ok[0]
        url = srv.url
    at.button(key="test_conn").click().run()  # the server is gone: the address is still code
    err = [e.value for e in at.error if "连接失败" in e.value]
    assert len(err) == 1 and f"`{url}`" in err[0] and "\\`" not in err[0], texts(at)
    assert not at.exception
