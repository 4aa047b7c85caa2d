"""Import a fact sheet, then 起草 → 生成全文 at once, in a real browser (chromium via Playwright).

The reported race: a writer who clicked 生成全文 right after 导入数据表 got
〔待补：提拔领导干部人数〕 and 〔待补：职级晋升人数〕 although the imported sheet
gives both, and the 起草 tab's count disagreed with 检查. The draft must be written
from exactly the sheet the writer sees, saved first, and record that revision;
both tabs count the same errors for the same draft. No waiting between the clicks
beyond what a fast writer does (the button being enabled).
"""

from __future__ import annotations

import re

import pytest
from streamlit_server import ARGS, CHROMIUM, wait_idle  # type: ignore[import-not-found]

from drafter.settings import REPO_ROOT, Settings
from drafter.storage import Repository, get_engine

pytestmark = pytest.mark.browser

SHEET = REPO_ROOT / "examples" / "facts.yaml"


def _count(text: str, pattern: str) -> int:
    m = re.search(pattern, text)
    assert m, f"no {pattern!r} in the page"
    return int(m.group(1))


@pytest.mark.parametrize("width", [390, 1440])
def test_draft_right_after_import_uses_every_imported_figure(served, width: int) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    url, home = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": 1400}, locale="zh-CN")
            page.goto(url)
            main = page.get_by_test_id("stMain")
            main.get_by_role("button", name="新建报告").click(timeout=120_000)
            expect(page.get_by_role("textbox", name="单位名称 *")).to_be_visible(timeout=60_000)
            wait_idle(page)  # the form is drawn (a click during 新建报告's run may be lost)
            page.get_by_text("导入 / 导出数据表", exact=False).click()
            expect(page.locator("[data-testid=stFileUploaderDropzoneInput]").first).to_be_attached(timeout=30_000)
            page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(str(SHEET))
            # “已导入” shows while the run goes on (the form below it is still being drawn and saved):
            # straight to 起草 then, and 生成全文 as soon as it can be clicked
            expect(page.get_by_text(f"已导入 {SHEET.name}", exact=False)).to_be_visible(timeout=60_000)
            page.get_by_role("tab", name="起草").click()
            button = page.get_by_role("button", name="生成全文")
            expect(button).to_be_enabled(timeout=120_000)
            button.click()
            expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=300_000)
            wait_idle(page)
            caption = main.get_by_text(re.compile(r"各节发现问题\d+处"))
            expect(caption).to_be_visible(timeout=120_000)
            body = main.inner_text()
            assert "〔待补：提拔领导干部人数〕" not in body
            assert "〔待补：职级晋升人数〕" not in body
            drafted = _count(caption.inner_text(), r"错误(\d+)处")

            page.get_by_role("tab", name="检查").click()
            summary = main.get_by_text(re.compile(r"全文检查：\d+处问题"))
            expect(summary).to_be_visible(timeout=120_000)
            checked = _count(summary.inner_text(), r"错误(\d+)处")
            assert drafted == checked == 0
        finally:
            browser.close()

    # the draft records the saved revision it was written from, and that revision holds the figures
    repo = Repository(get_engine(Settings(home=home).db_url))
    (report,) = repo.list_reports()
    draft = repo.latest_draft(report.id)
    assert draft is not None and draft.outline is not None
    used = next(f for f in repo.facts_history(report.id) if f.revision == draft.outline["facts_revision"])
    labels = {row["label"]: row["value"] for row in used.data["figures"]}
    assert labels["提拔乡科级正职领导干部"] == 3
    assert labels["职级晋升"] == 12
    assert "〔待补" not in "".join(sec.text for sec in draft.sections if "总体情况" in (sec.heading or ""))
