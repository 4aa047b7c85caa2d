"""Issue 24 in a real browser: last year's 审核表 imported in 数据填报, the draft's 整改 part
answers each item (a marker for the one not yet answered), 检查 names it; a unit's 规范提法
list uploaded in 知识库; screenshots at 1440, 1024 and 390 px.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from streamlit_server import ARGS, CHROMIUM, wait_idle  # type: ignore[import-not-found]

from drafter.review.batch import review_batch
from drafter.review.xlsx import xlsx_bytes
from drafter.settings import REPO_ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = REPO_ROOT / "test-artifacts"
UNIT = "江城市交通运输局"


def _table(tmp_path: Path) -> Path:
    report = tmp_path / "交通局2024.txt"
    report.write_text(f"{UNIT}党组2024年度干部选拔任用工作报告\n\n一、总体情况\n提拔干部3人。\n\n二、存在问题\n交流不够。\n",
                      encoding="utf-8")
    result = review_batch([(report.name, report)])
    path = tmp_path / "2024审核表.xlsx"
    path.write_bytes(xlsx_bytes(result, {report.name: (True, "一是干部交流力度不够；二是年轻干部储备不足")}))
    return path


def _shoot(page, name: str, at=None) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if at is not None:
        at.scroll_into_view_if_needed()
    page.wait_for_timeout(600)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_feedback_and_unit_list_in_a_real_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    table = _table(tmp_path)
    unit_list = tmp_path / "交通局提法.yaml"
    unit_list.write_text(yaml.safe_dump({"name": "交通局规范提法清单", "terms": [
        {"text": "一把手说了算", "fix": "党组集体讨论决定"}]}, allow_unicode=True), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1600})
            page.goto(server)
            page.get_by_test_id("stMain").get_by_role("button", name="新建报告").click(timeout=60_000)
            unit = page.get_by_role("textbox", name="单位名称 *")
            expect(unit).to_be_visible(timeout=60_000)
            unit.fill(UNIT)
            unit.press("Tab")
            wait_idle(page)
            org = page.get_by_role("textbox", name="报告主体 *")
            org.fill("局党组")
            org.press("Tab")
            wait_idle(page)
            page.get_by_text(re.compile(r"上年度反馈与民主评议（0条反馈）")).click()
            page.locator("[class*='st-key-exp_feedback'] input[type=file]").set_input_files(str(table))
            wait_idle(page)
            page.get_by_role("button", name="导入复核意见").click()
            wait_idle(page)
            expect(page.get_by_text("已从2024审核表.xlsx导入2条上年度反馈")).to_be_visible(timeout=30_000)
            expect(page.get_by_text(re.compile(r"上年度反馈与民主评议（2条反馈）"))).to_be_visible()
            good = page.get_by_role("textbox", name="年度干部选拔任用工作·好（%）")
            good.fill("90")
            good.press("Tab")
            wait_idle(page)
            panel = page.locator("[class*='st-key-exp_feedback']")
            for width in (1440, 1024, 390):
                page.set_viewport_size({"width": width, "height": 1600})
                wait_idle(page)
                _shoot(page, f"issue24-feedback-{width}", panel)

            # the draft answers each item: both unanswered, so both are markers; 检查 names them
            page.set_viewport_size({"width": 1440, "height": 1600})
            page.get_by_role("tab", name="起草").click()
            page.get_by_role("button", name="生成全文").click()
            expect(page.get_by_role("heading", name=re.compile("反馈问题整改情况")).first).to_be_visible(timeout=180_000)
            wait_idle(page)
            assert "〔待补：对上年度反馈“干部交流力度不够”的整改情况〕" in page.locator("body").inner_text()
            page.get_by_role("tab", name="检查").click()
            wait_idle(page)
            expect(page.get_by_text(re.compile("上年度反馈的“干部交流力度不够”问题未见整改情况.*同类问题共2处")).first).to_be_visible(
                timeout=60_000)
            expect(page.get_by_text(re.compile("民主评议：好、较好、一般、差合计90%")).first).to_be_visible()
            _shoot(page, "issue24-checks-1440")

            # 知识库: the unit's own list
            page.get_by_role("tab", name="知识库").click()
            page.get_by_text(re.compile(r"本单位规范提法 / 敏感表述清单（0份）")).click()
            page.locator("[class*='st-key-exp_unit_lists'] input[type=file]").set_input_files(str(unit_list))
            wait_idle(page)
            page.get_by_role("button", name="保存清单").click()
            wait_idle(page)
            expect(page.get_by_text(re.compile("已保存提法清单“交通局规范提法清单”"))).to_be_visible(timeout=30_000)
            lists_panel = page.locator("[class*='st-key-exp_unit_lists']")
            for width in (1440, 1024, 390):
                page.set_viewport_size({"width": width, "height": 1600})
                wait_idle(page)
                _shoot(page, f"issue24-unit-list-{width}", lists_panel)
        finally:
            browser.close()


def test_review_desk_with_last_years_table_in_a_real_browser(server: str, tmp_path: Path) -> None:
    """审核: this year's reports with last year's 审核表; the 提法 column names the unanswered item."""
    from playwright.sync_api import expect, sync_playwright

    table = _table(tmp_path)
    report = tmp_path / "交通局2025.txt"
    report.write_text(
        f"{UNIT}党组2025年度干部选拔任用工作报告\n\n一、总体情况\n提拔干部4人。深入学习贯彻党的十九大精神。\n\n"
        "二、主要做法\n严格执行《推进领导干部能上能下若干规定（试行）》。\n\n"
        "三、上年度反馈问题整改情况\n针对上年度反馈的“干部交流力度不够”问题，全年交流轮岗干部8人。\n\n"
        "四、存在问题\n年轻干部培养不够。\n\n五、下一步打算\n加强培养。\n", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1600})
            page.goto(server)
            page.get_by_test_id("stMain").get_by_role("button", name="新建报告").click(timeout=60_000)
            expect(page.get_by_role("tab", name="审核")).to_be_visible(timeout=60_000)
            page.get_by_role("tab", name="审核").click()
            wait_idle(page)  # the tab's run: a name typed while it draws the page may be lost
            name = page.get_by_role("textbox", name="批次名称")
            name.fill("2025年度各单位报告")
            name.press("Tab")
            wait_idle(page)
            page.get_by_role("button", name="新建", exact=True).click()
            wait_idle(page)
            inputs = page.locator("[data-testid=stFileUploaderDropzoneInput]")
            expect(inputs.nth(2)).to_be_attached(timeout=60_000)  # the new batch's uploaders, last year's table third
            inputs.nth(0).set_input_files(str(report))
            inputs.nth(2).set_input_files(str(table))
            wait_idle(page)
            page.get_by_role("button", name="开始审核").click()
            expect(page.get_by_text(re.compile("第1次审核已保存"))).to_be_visible(timeout=120_000)
            wait_idle(page)
            with page.expect_download() as got:
                page.get_by_role("button", name=re.compile("下载审核表")).click()
            saved = tmp_path / "审核表.xlsx"
            got.value.save_as(saved)
            from openpyxl import load_workbook

            ws = load_workbook(saved)["审核表"]
            header = [c.value for c in ws[1]]
            cell = str(ws.cell(row=2, column=header.index("提法") + 1).value)
            assert cell.startswith("3（") and "上年度反馈未整改" in cell and "会议精神表述过时" in cell, cell
            assert "《推进领导干部能上能下规定》" in cell
            for width in (1440, 1024, 390):
                page.set_viewport_size({"width": width, "height": 1600})
                wait_idle(page)
                _shoot(page, f"issue24-review-{width}")
        finally:
            browser.close()
