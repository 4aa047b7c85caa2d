"""One real browser: Debian's chromium (headless, via Playwright) against `streamlit run app.py`.

A writer fills the unit and year, clicks 生成全文, and sees the report text and
its findings. Never downloads a browser: it drives /usr/bin/chromium. Under CI
(CI=true) a missing chromium fails the test; elsewhere the test is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from drafter.settings import REPO_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"streamlit did not come up:\n{log.read_text(errors='replace')}")


@pytest.fixture
def server(bundled_index, tmp_path: Path):  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing: apt-get install -y chromium")
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    indexed, _ = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, home / "index")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTER_")}
    env["DRAFTER_HOME"] = str(home)
    log = tmp_path / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_fill_draft_and_see_findings_in_a_real_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.goto(server)
            unit = page.get_by_role("textbox", name="单位名称 *")
            expect(unit).to_be_visible(timeout=60_000)
            # a first-time writer is told what the app is and what to do
            expect(page.get_by_text("干部选拔任用工作报告 · 起草助手")).to_be_visible()
            expect(page.get_by_text("① 数据填报", exact=False)).to_be_visible()
            # empty figure cells are blank, not "None"
            assert "None" not in page.locator('[data-testid="stDataFrame"]').first.inner_text()
            unit.fill("江城市交通运输局")
            unit.press("Tab")
            org = page.get_by_role("textbox", name="报告主体 *")
            org.fill("局党组")
            org.press("Tab")
            year = page.get_by_role("textbox", name="年度 *")
            year.fill("2025")
            year.press("Tab")
            expect(page.get_by_text("数据表完整", exact=False)).to_be_visible(timeout=30_000)

            page.get_by_role("tab", name="起草").click()
            page.get_by_role("button", name="生成全文").click()
            expect(page.get_by_text("全文已生成", exact=False)).to_be_visible(timeout=120_000)

            # the report text is on screen: the title and the closing section heading …
            expect(page.get_by_text("江城市交通运输局2025年度干部选拔任用工作报告").first).to_be_visible()
            expect(page.get_by_role("heading", name=re.compile("下一步工作打算"))).to_be_visible()
            body = page.locator("textarea").last.input_value()
            # nothing entered for the plans: a short, honest section with the 待补 marker (issue 9)
            assert "局党组" in body and "〔待补" in body
            # … and so are the findings: no figures were entered, so facts are marked missing
            expect(page.get_by_text("本节发现", exact=False).first).to_be_visible()
            marks = page.locator("mark.finding-error")
            expect(marks.first).to_be_attached(timeout=30_000)  # the panels may still be rendering
            assert marks.count() >= 1
            assert "待补" in marks.first.inner_text()

            shot = tmp_path / "app-screenshot.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000

            # the Word file downloads and is a real GB/T 9704 A4 document
            page.get_by_text("导出（Word / Markdown / 纯文本）").click()
            expect(page.get_by_text("正式导出前请先修正", exact=False)).to_be_visible()  # 〔待补〕 markers remain
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
            page.get_by_role("textbox", name="署名").fill("王敏")
            page.get_by_role("textbox", name="署名").press("Tab")
            page.get_by_text("起草方式：离线组合", exact=False).click()
            page.get_by_text("OpenAI 兼容模型服务", exact=False).last.click()
            expect(page.get_by_role("textbox", name="API 密钥")).to_be_visible()

            # a second browser is its own session: same saved report, none of the first one's session state
            other = browser.new_context().new_page()
            other.goto(server)
            expect(other.get_by_role("textbox", name="单位名称 *")).to_have_value("江城市交通运输局", timeout=60_000)
            assert other.get_by_role("textbox", name="署名").input_value() == ""
            other.get_by_role("tab", name="起草").click()
            expect(other.get_by_text("起草方式：离线组合", exact=False)).to_be_visible()
        finally:
            browser.close()
