"""A section's text box in 起草 always shows the section's text, and an emptied box is never
saved silently over a section that has text (it asks 确认清空本节 first)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from streamlit_server import ARGS, CHROMIUM, require_chromium, serve_app  # type: ignore[import-not-found]

from drafter.settings import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"


def _sibling(name: str):  # type: ignore[no-untyped-def]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_app = _sibling("test_app")
fill_sheet, goto, repo, texts = _app.fill_sheet, _app.goto, _app.repo, _app.texts


def _draft(at):  # type: ignore[no-untyped-def]
    fill_sheet(at)
    goto(at, "起草")
    at.button(key="generate").click().run()
    report = repo().list_reports()[0]
    return report, repo().latest_draft(report.id)


@pytest.mark.parametrize("emptied", ["", "  \n　"])
def test_an_emptied_box_is_not_saved_without_asking(app_home: Path, new_session, emptied: str) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    report, draft = _draft(at)
    sec = next(s for s in draft.sections if s.text.strip())
    # on every run the box carries the section's text as its own value: a browser that draws the
    # box afresh (without the value it was sent once) shows the text, never an empty default
    goto(at, "起草")
    assert all(at.text_area(key=f"edit_{draft.id}_{s.section_id}_1").proto.default == s.text for s in draft.sections)
    at.text_area(key=f"edit_{draft.id}_{sec.section_id}_1").input(emptied).run()

    now = repo().latest_draft(report.id).section(sec.section_id)
    assert now.version == 1 and now.text == sec.text  # nothing stored
    assert any("本节正文被清空，未保存" in w.value for w in at.warning), texts(at)
    box = at.text_area(key=f"edit_{draft.id}_{sec.section_id}_1_1")  # a fresh box with the saved text
    assert box.value == sec.text

    # the writer really means it: 确认清空本节 stores an empty version (the old one stays in 历史版本)
    at.button(key=f"clear_{draft.id}_{sec.section_id}_1").click().run()
    cleared = repo().latest_draft(report.id).section(sec.section_id)
    assert cleared.version == 2 and cleared.text == "" and cleared.kind == "edited"
    assert any("修改已保存为第2版" in s.value for s in at.success), texts(at)
    assert not any(b.key and b.key.startswith("clear_") for b in at.button)


def test_a_real_edit_still_saves_and_the_clear_question_goes(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    report, draft = _draft(at)
    sec = next(s for s in draft.sections if s.text.strip())
    at.text_area(key=f"edit_{draft.id}_{sec.section_id}_1").input("").run()
    at.text_area(key=f"edit_{draft.id}_{sec.section_id}_1_1").input(sec.text + "补充一句。").run()
    now = repo().latest_draft(report.id).section(sec.section_id)
    assert now.version == 2 and now.text == sec.text + "补充一句。"
    assert not any(b.key and b.key.startswith("clear_") for b in at.button)


_BOXES = """() => Array.from(document.querySelectorAll('[class*="st-key-panel_"] textarea'))
  .filter(t => t.getAttribute('aria-label') && t.getAttribute('aria-label').startsWith('正文'))
  .map(t => t.value)"""


@pytest.mark.browser
def test_every_section_box_shows_its_text_after_regenerating_one(app_home: Path, new_session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """重新生成本节 ends its run early (st.rerun inside the first panel): the boxes of the later
    sections, not drawn in that run, must still show their text, and a click out of one saves nothing."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    at = new_session()
    report, draft = _draft(at)
    texts_by_sid = {s.section_id: s.text for s in draft.sections}
    assert len(texts_by_sid) >= 3 and all(t.strip() for t in texts_by_sid.values())
    with serve_app(REPO_ROOT, app_home, tmp_path / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            # a fresh server: the knowledge base loads, and its banner reruns the whole app when it is
            # ready (the boxes are drawn afresh in the browser); they must still show their text
            page.goto(f"{url}/?report={report.id}&tab=起草&by=王敏")
            regen = page.get_by_role("button", name="重新生成本节")
            expect(regen).to_have_count(len(draft.sections), timeout=120_000)
            page.wait_for_function(f"() => ({_BOXES})().length === {len(draft.sections)}", timeout=60_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=stProgress]')", timeout=120_000)
            page.wait_for_function(f"() => ({_BOXES})().length === {len(draft.sections)}", timeout=60_000)
            assert all(v.strip() for v in page.evaluate(_BOXES)), page.evaluate(_BOXES)
            for round_ in range(2):
                regen.first.click()
                # a real condition: the section's new version is listed (第2版, 第3版)
                expect(page.get_by_text(f"第{round_ + 2}版", exact=False).first).to_be_visible(timeout=120_000)
                page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                                       timeout=120_000)
                page.wait_for_function(f"() => ({_BOXES})().length === {len(draft.sections)}", timeout=60_000)
                values = page.evaluate(_BOXES)
                latest = repo().latest_draft(report.id)
                assert values == [s.text for s in latest.sections], values
            # click into the last box and out again: nothing is saved
            last = page.locator('[class*="st-key-panel_"] textarea[aria-label^="正文"]').last
            last.click()
            page.get_by_role("heading").first.click()
            page.wait_for_timeout(1500)
            page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=120_000)
            after = repo().latest_draft(report.id)
            assert [s.text for s in after.sections[1:]] == [texts_by_sid[s.section_id] for s in after.sections[1:]]

            # the writer empties a box and clicks out: the text comes back and 确认清空本节 is asked
            last.fill("")
            page.get_by_role("heading").first.click()
            expect(page.get_by_text("本节正文被清空，未保存", exact=False)).to_be_visible(timeout=60_000)
            confirm = page.get_by_role("button", name="确认清空本节")
            expect(confirm).to_be_visible()
            page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=120_000)
            assert page.evaluate(_BOXES)[-1] == after.sections[-1].text
            assert repo().latest_draft(report.id).sections[-1].version == after.sections[-1].version
            for width in (1440, 1024, 390):
                page.set_viewport_size({"width": width, "height": 1000})
                confirm.scroll_into_view_if_needed()
                page.wait_for_timeout(600)
                box = confirm.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width, (width, box)
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"section-clear-ask-{width}.png"))
        finally:
            browser.close()
