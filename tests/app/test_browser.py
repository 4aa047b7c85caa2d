"""One real browser: Debian's chromium (headless, via Playwright) against `streamlit run app.py`.

A writer fills the unit and year, clicks 生成全文, and sees the report text and
its findings. Never downloads a browser: it drives /usr/bin/chromium. Under CI
(CI=true) a missing chromium fails the test; elsewhere the test is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from streamlit_server import ARGS, CHROMIUM, open_expander  # type: ignore[import-not-found]
from streamlit_server import wait_idle as _idle  # type: ignore[import-not-found]

from drafter.settings import REPO_ROOT

pytestmark = pytest.mark.browser


# the figure table itself: the feedback panel's table further down sits in a closed expander, and
# while a new figure table loads (a unit type resets it) a bare `.first` would find that hidden one
FIGURE_GRID = '.st-key-figs_table [data-testid="stDataFrame"]'
TABLES = """() => Array.from(document.querySelectorAll('[data-testid=stDataFrame]')).map(e => {
  const r = e.getBoundingClientRect(), k = e.closest('[class*=st-key-]');
  return `${k ? k.className.match(/st-key-[\\w-]+/)[0] : '?'} ${Math.round(r.width)}x${Math.round(r.height)}`; })"""


def _figure_grid(page):  # type: ignore[no-untyped-def]
    """The figure table once it is on screen (a unit type typed resets it: a new table loads)."""
    from playwright.sync_api import expect

    grid = page.locator(FIGURE_GRID).first
    try:
        expect(grid).to_be_visible(timeout=60_000)
    except AssertionError as err:
        raise AssertionError(f"the figure table is not shown; tables on the page: {page.evaluate(TABLES)}") from err
    return grid


@contextmanager
def _new_report(server: str) -> Iterator[Any]:
    """A fresh chromium page on the app, 新建报告 clicked, the form on screen."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.goto(server)
            page.get_by_test_id("stMain").get_by_role("button", name="新建报告").click(timeout=60_000)
            expect(page.get_by_role("textbox", name="单位名称 *")).to_be_visible(timeout=60_000)
            yield page
        finally:
            browser.close()


def test_fill_draft_and_see_findings_in_a_real_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with _new_report(server) as page:  # a fresh browser lands on the start page: 新建报告
        unit = page.get_by_role("textbox", name="单位名称 *")
        # a first-time writer is told what the app is and what to do
        expect(page.get_by_text("干部选拔任用工作报告 · 起草助手")).to_be_visible()
        expect(page.get_by_text("① 数据填报", exact=False)).to_be_visible()
        # empty figure cells are blank, not "None"
        assert "None" not in _figure_grid(page).inner_text()
        unit.fill("江城市交通运输局")
        unit.press("Tab")
        org = page.get_by_role("textbox", name="报告主体 *")
        org.fill("局党组")
        org.press("Tab")
        year = page.get_by_role("textbox", name="年度 *")
        year.fill("2025")
        year.press("Tab")
        # valid, but nothing beyond the names: it says what is still missing, never “完整”
        expect(page.get_by_text("还缺", exact=False)).to_be_visible(timeout=30_000)
        assert "数据表完整" not in page.locator("body").inner_text()

        page.get_by_role("tab", name="起草").click()
        page.get_by_role("button", name="生成全文").click()
        expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=120_000)

        # the report text is on screen: the title and the closing section heading …
        expect(page.get_by_text("江城市交通运输局2025年度干部选拔任用工作报告").first).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("下一步工作打算"))).to_be_visible()
        expect(page.locator("textarea").last).to_have_value(re.compile("局党组"), timeout=30_000)
        body = page.locator("textarea").last.input_value()
        # nothing entered for the plans: a short, honest section with the 待补 marker (issue 9)
        assert "局党组" in body and "〔待补" in body
        # … and so are the findings: no figures were entered, so facts are marked missing
        expect(page.get_by_text("本节发现", exact=False).first).to_be_visible()
        marks = page.locator("mark.finding-error")
        expect(marks.first).to_be_visible(timeout=30_000)
        assert "待补" in marks.first.inner_text()

        shot = tmp_path / "app-screenshot.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000

        # the Word file downloads and is a real GB/T 9704 A4 document
        _idle(page)
        open_expander(page, "导出（Word / Markdown / 纯文本）", page.get_by_text("正式导出前请先修正", exact=False))  # 〔待补〕 markers remain
        _idle(page)
        page.get_by_role("button", name="生成 Word 文件（GB/T 9704 版式）").click()
        download = page.get_by_role("button", name=re.compile(r"下载 \.docx"))
        try:
            expect(download).to_be_visible(timeout=60_000)
        except AssertionError:
            page.screenshot(path=str(tmp_path / "no-download.png"), full_page=True)
            raise
        with page.expect_download(timeout=60_000) as dl:
            download.click()
        saved = tmp_path / "report.docx"
        dl.value.save_as(saved)
        import docx

        document = docx.Document(str(saved))
        section = document.sections[0]
        assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
        assert any("江城市交通运输局" in para.text for para in document.paragraphs[:3])

        # a reload comes back to the same report and draft
        page.reload()
        page.get_by_role("tab", name="起草").click()
        title = page.get_by_role("heading", name="江城市交通运输局2025年度干部选拔任用工作报告")
        expect(title).to_be_visible(timeout=60_000)
        assert "report=" in page.url
        page.get_by_role("textbox", name="署名", exact=True).fill("王敏")
        page.get_by_role("textbox", name="署名", exact=True).press("Tab")
        page.get_by_text("起草方式：离线组合", exact=False).click()
        page.get_by_text("OpenAI 兼容模型服务", exact=False).last.click()
        expect(page.get_by_role("textbox", name="API 密钥")).to_be_visible()

        # a second browser is its own session: same saved report, none of the first one's session state
        other = page.context.browser.new_context().new_page()
        rid = re.search(r"report=(\d+)", page.url).group(1)  # type: ignore[union-attr]
        other.goto(f"{server}/?report={rid}")  # the report's link (without the first one's 署名)
        expect(other.get_by_role("textbox", name="单位名称 *")).to_have_value("江城市交通运输局", timeout=60_000)
        assert other.get_by_role("textbox", name="署名", exact=True).input_value() == ""
        other.get_by_role("tab", name="起草").click()
        expect(other.get_by_text("起草方式：离线组合", exact=False)).to_be_visible()


ARTIFACTS = REPO_ROOT / "test-artifacts"
WIDTHS = (1440, 1024, 390)
#: Streamlit's own English that must not reach the page (issue 13).
ENGLISH = ("Add row", "Show/hide columns", "Download as CSV", "Search", "Fullscreen", "Upload",
           "per file", "Drag and drop", "Browse files", "Skip to main content", "Connection error",
           "composer", "Running...")
#: Records, on every change of the page, whether “还没有草稿” came back after the progress
#: display appeared, or a section panel of a draft was on screen together with the progress.
#: Only the drafting progress counts (the one in the job area): the knowledge-base banner has a
#: progress bar of its own while the index loads, above a page that rightly says “还没有草稿”.
FLICKER_PROBE = """
window.__flicker = {progress: 0, back: 0, stale: 0, banner: 0};
new MutationObserver(() => {
  const f = window.__flicker;
  const prog = document.querySelector('.st-key-job_area [data-testid="stProgress"]');
  if (!prog && document.querySelector('[data-testid="stProgress"]')) f.banner++;
  if (prog) f.progress++;
  if (f.progress && document.body.innerText.includes('还没有草稿')) f.back++;
  if (prog && document.querySelector('[class*="st-key-panel_"]')) f.stale++;
}).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


def _shoot(page, name: str, at=None) -> Path:  # type: ignore[no-untyped-def]
    """A screenshot into test-artifacts/ (the app scrolls inside its main area: ``at`` is scrolled to first)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if at is not None:
        at.scroll_into_view_if_needed()
    page.wait_for_timeout(600)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def _no_english(page) -> None:  # type: ignore[no-untyped-def]
    text = page.locator("body").inner_text()
    found = [w for w in ENGLISH if w in text]
    labels = page.evaluate(
        "() => Array.from(document.querySelectorAll('[aria-label],[title]'))"
        ".map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || ''))"
    )
    found += [w for w in ENGLISH if any(w in lab for lab in labels)]
    assert not found, found


def test_the_writers_day_in_a_real_browser(server: str, tmp_path: Path) -> None:
    """Start page, Chinese-only screens, no flicker while drafting, usable at 1024 and 390 px,
    export fields in the Word file; screenshots at 1440, 1024 and 390 px in test-artifacts/."""
    import docx
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(server)
            start = page.get_by_test_id("stMain").get_by_role("button", name="新建报告")
            expect(start).to_be_visible(timeout=60_000)
            expect(page.get_by_role("tab", name="数据填报")).to_have_count(0)
            page.get_by_role("textbox", name=re.compile("您的署名")).fill("王敏")
            page.get_by_role("textbox", name=re.compile("您的署名")).press("Tab")
            expect(page.get_by_role("textbox", name=re.compile("您的署名"))).to_have_count(0)  # asked once
            _shoot(page, "start-1440")
            start.click()
            unit = page.get_by_role("textbox", name="单位名称 *")
            expect(unit).to_be_visible(timeout=60_000)
            unit.fill("江城市交通运输局")
            unit.press("Tab")
            org = page.get_by_role("textbox", name="报告主体 *")
            org.fill("局党组")
            org.press("Tab")
            expect(page.get_by_text("还缺", exact=False)).to_be_visible(timeout=30_000)
            _figure_grid(page).hover()
            page.get_by_text("导入 / 导出数据表", exact=False).click()
            expect(page.get_by_text("单个文件不超过", exact=False).first).to_be_visible()
            toolbar = page.evaluate(
                "() => Array.from(document.querySelectorAll('[data-testid=stBaseButton-elementToolbar]'))"
                ".map(b => b.getAttribute('aria-label'))"
            )
            assert "添加一行" in toolbar and "全屏" in toolbar, toolbar
            page.locator('[data-testid="stBaseButton-elementToolbar"]').first.hover()
            expect(page.get_by_text("添加一行", exact=True).first).to_be_visible()  # the tooltip, in Chinese
            _no_english(page)
            _shoot(page, "facts-1440")

            # 生成全文: one progress display, no flash back to “还没有草稿”
            page.get_by_role("tab", name="起草").click()
            page.evaluate(FLICKER_PROBE)
            page.get_by_role("button", name="生成全文").click()
            expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=180_000)
            seen = page.evaluate("window.__flicker")
            assert seen["back"] == 0 and seen["stale"] == 0, seen
            # 重新生成全文 asks first; while it runs the old draft is gone at once
            page.get_by_role("button", name="重新生成全文").click()
            expect(page.get_by_text("确认重新生成全文", exact=False)).to_be_visible(timeout=30_000)
            page.evaluate(FLICKER_PROBE)
            page.get_by_role("button", name="确认重新生成").click()
            expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=180_000)
            seen = page.evaluate("window.__flicker")
            assert seen["progress"] > 0 and seen["stale"] == 0 and seen["back"] == 0, seen
            _no_english(page)
            assert "会话" not in page.get_by_test_id("stMain").inner_text()  # authors are 署名 names
            expect(page.get_by_text("王敏", exact=False).first).to_be_visible()

            # export: the three fields reach the Word file
            signer = page.get_by_role("textbox", name="落款单位")
            _idle(page)
            open_expander(page, "导出（Word / Markdown / 纯文本）", signer)
            expect(signer).to_have_value("中共江城市交通运输局党组", timeout=30_000)  # prefilled from the fact sheet
            for name, value in (("主送机关", "市委组织部"), ("落款单位", "江城市交通运输局"), ("成文日期", "2026-01-05")):
                _idle(page)
                page.get_by_role("textbox", name=name).fill(value)
                page.get_by_role("textbox", name=name).press("Tab")
            _idle(page)
            page.get_by_role("button", name="生成 Word 文件（GB/T 9704 版式）").click()
            download = page.get_by_role("button", name=re.compile(r"下载 \.docx"))
            expect(download).to_be_visible(timeout=60_000)
            with page.expect_download(timeout=60_000) as dl:
                download.click()
            saved = tmp_path / "export.docx"
            dl.value.save_as(saved)
            paras = [x.text for x in docx.Document(str(saved)).paragraphs if x.text.strip()]
            assert paras[1] == "市委组织部：", paras[:3]
            assert paras[-2:] == ["江城市交通运输局", "2026年1月5日"], paras[-3:]

            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 1000})
                page.get_by_role("tab", name="起草").click()
                expect(page.get_by_role("button", name="重新生成本节").first).to_be_visible(timeout=30_000)
                # nothing cut: the button's text fits its box, the box fits the screen
                button = page.get_by_role("button", name="重新生成本节").first
                button.scroll_into_view_if_needed()
                box = button.bounding_box()
                fits = page.evaluate("(b) => b.scrollWidth <= b.clientWidth + 1", button.element_handle())
                assert fits and box is not None and box["x"] + box["width"] <= width, (width, box)
                assert box["height"] < 48, (width, box)  # on one line, not broken into “重新生成本 / 节”
                _shoot(page, f"draft-{width}")
                page.get_by_role("tab", name="数据填报").click()
                expect(unit).to_be_visible(timeout=30_000)
                compact = page.locator(".st-key-figs_compact")
                table = page.locator(".st-key-figs_table")
                if width <= 640:  # a compact figures editor: each value has its own field
                    expect(compact).to_be_visible()
                    expect(table).to_be_hidden()
                    expect(page.get_by_role("textbox", name="提拔正科级领导干部（人）")).to_be_visible()
                else:
                    expect(table).to_be_visible()
                    expect(compact).to_be_hidden()
                    # every column (名称, 数值, 单位) fits: the grid does not scroll sideways
                    widths = page.evaluate(
                        "() => { const s = document.querySelector('.st-key-figs_table .dvn-scroller');"
                        " return s ? [s.scrollWidth, s.clientWidth] : null; }"
                    )
                    assert widths is not None and widths[0] <= widths[1] + 1, (width, widths)
                _shoot(page, f"facts-{width}")
                _shoot(page, f"facts-figures-{width}", compact if width <= 640 else table)
                page.get_by_role("tab", name="对照").click()
                page.get_by_text("两次起草的全文").click()
                diff = page.locator("table.drafter-diff").first
                expect(diff).to_be_visible(timeout=30_000)
                cell = page.locator("table.drafter-diff tbody tr:not(.drafter-sec) td").first
                cell_w = cell.bounding_box()["width"]  # type: ignore[index]
                table_w = diff.bounding_box()["width"]  # type: ignore[index]
                if width <= 640:  # the two columns are stacked: each as wide as the table
                    assert cell_w > 0.9 * table_w, (cell_w, table_w)
                else:
                    assert cell_w < 0.6 * table_w, (cell_w, table_w)
                _no_english(page)
                _shoot(page, f"compare-{width}", cell)

            # another browser, on a phone: the start page lists the report, nothing cut
            phone = browser.new_page(viewport={"width": 390, "height": 900})
            phone.goto(server)
            open_button = phone.get_by_role("button", name="打开").first
            expect(open_button).to_be_visible(timeout=60_000)
            expect(phone.get_by_test_id("stMain").get_by_text("江城市交通运输局 · 2025年度", exact=False)).to_be_visible()
            box = open_button.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390, box
            _shoot(phone, "start-390")
            phone.set_viewport_size({"width": 1024, "height": 900})
            _shoot(phone, "start-1024")
            phone.close()

            # the server goes away: Streamlit's connection message is in Chinese too
            server.proc.terminate()  # type: ignore[attr-defined]
            expect(page.get_by_text("与服务器的连接中断").first).to_be_visible(timeout=60_000)
            body = page.locator("body").inner_text()
            assert "not responding" not in body and "Is Streamlit still running" not in body, body[:300]
            _shoot(page, "connection-lost-390")
        finally:
            browser.close()


def test_fast_typing_across_fields_keeps_every_value(server: str, tmp_path: Path) -> None:
    """A writer tabbing quickly through the fields: each blur starts a run that interrupts the
    last one; no interrupted run may put the older form back over what was typed (CI, 2026-11)."""
    from playwright.sync_api import expect

    typed = {
        "单位名称 *": "江城市水利局",
        "报告主体 *": "局党组",
        "上级组织部门": "江城市委组织部",
        "所在地区": "江城市",
        "落款": "中共江城市水利局党组",
        "成文日期": "2026-01-12",
    }
    with _new_report(server) as page:
        passes = [typed, {k: v.replace("水利", "水务") for k, v in typed.items()}]
        for values in passes:  # twice: the second pass types over values the app already holds
            for name, value in values.items():
                box = page.get_by_role("textbox", name=name, exact=True)
                box.fill(value)
                box.press("Tab")  # no wait: the next field is typed while the last run goes on
        _idle(page)
        page.wait_for_timeout(1500)
        _idle(page)
        for name, value in passes[-1].items():
            expect(page.get_by_role("textbox", name=name, exact=True)).to_have_value(value, timeout=10_000)
        # and saved: the page address names the report; opened afresh it shows the same
        expect(page.get_by_text("已自动保存", exact=False)).to_be_visible(timeout=30_000)
        assert "report=" in page.url
        page.goto(page.url)
        for name, value in passes[-1].items():
            expect(page.get_by_role("textbox", name=name, exact=True)).to_have_value(value, timeout=60_000)
