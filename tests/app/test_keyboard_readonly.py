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
