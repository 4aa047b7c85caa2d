"""No request from the page to any host but the app, whatever users and documents wrote.

Markdown images planted where the app shows user or document text — the unit name
(sidebar), the ``?by=`` author (captions), a section heading and its 参考写法 passage,
an upload's file name (with ``&#58;&#47;`` entities to pass a ``/`` ``:`` filter) and
its text — point at a loopback beacon server. Debian's Chromium (Playwright,
``executable_path=/usr/bin/chromium``) opens every tab that shows them; the beacon
must count 0 hits and the page must ask no host but the app for anything. The
Content-Security-Policy the app installs must also block an image added by script.
"""

from __future__ import annotations

import shutil
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hostile_limits import streamlit_server  # type: ignore[import-not-found]

from drafter.drafting.types import Draft, SectionDraft, Source
from drafter.facts.form import form_from_sheet
from drafter.facts.sheet import facts_from_data
from drafter.settings import REPO_ROOT, Settings
from drafter.storage import Repository, dispose_engines, get_engine

pytestmark = pytest.mark.browser
ARGS, CHROMIUM = streamlit_server.ARGS, streamlit_server.CHROMIUM
require_chromium, serve_app = streamlit_server.require_chromium, streamlit_server.serve_app


class _Beacon(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Beacon.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


def _visible(page: Any, text: str) -> Any:
    return page.locator(f"text={text} >> visible=true").first


def _seed(home: Path, beacon: str) -> int:
    """A report whose user text carries Markdown images pointing at the beacon."""
    img = lambda tag: f"![x]({beacon}/{tag}.png)"  # noqa: E731
    settings = Settings(home=home)
    repo = Repository(get_engine(settings.db_url))
    unit = f"江城局{img('unit')}"
    report = repo.create_report(unit, 2025)
    sheet = facts_from_data({"unit": unit, "org": "局党组", "year": 2025,
                             "figures": [{"label": "提拔干部", "value": 3}]})
    repo.save_facts(report.id, form_from_sheet(sheet), valid=True, author=f"张三{img('facts-author')}")
    sections = [
        SectionDraft(id="opening", element="opening", heading="", level=0, text=f"开头{img('opening')}"),
        SectionDraft(
            id="overview", element="overview", heading=f"一、总体情况{img('heading')}", level=1,
            text="全年提拔干部3人。", sources=[Source("S1", f"往年{img('source')}", "标题", f"依据原文{img('caption')}")],
            status="failed", error=f"服务器说：{img('error')}",
        ),
    ]
    repo.save_draft(report.id, Draft(title=f"{unit}2025年度报告", sections=sections), author=f"李四{img('author')}")
    dispose_engines()
    uploads = home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    entity = beacon.replace(":", "&#58;").replace("/", "&#47;")
    (uploads / f"往年![f]({entity}&#47;file.png).txt").write_text(
        f"某局2024年度干部选拔任用工作报告\n一、总体情况\n全年提拔干部。{img('doc')}\n", encoding="utf-8")
    return report.id


@pytest.fixture
def app_and_beacon(bundled_index, tmp_path: Path):  # type: ignore[no-untyped-def]
    require_chromium()
    _Beacon.hits = []
    beacon = ThreadingHTTPServer(("127.0.0.1", 0), _Beacon)
    threading.Thread(target=beacon.serve_forever, daemon=True).start()
    beacon_url = f"http://127.0.0.1:{beacon.server_address[1]}"
    indexed, _ = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, home / "index")
    report_id = _seed(home, beacon_url)
    try:
        with serve_app(REPO_ROOT, home, tmp_path / "streamlit.log") as url:
            yield url, beacon_url, report_id
    finally:
        beacon.shutdown()


def test_user_and_document_text_never_makes_the_browser_call_another_host(app_and_beacon) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    url, beacon, report_id = app_and_beacon
    by = f"王五![x]({beacon}/by.png)"
    elsewhere: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2000})
            page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None)
            page.goto(f"{url}/?report={report_id}&by={urllib.request.quote(by)}")
            expect(_visible(page, "江城局")).to_be_visible(timeout=90_000)
            expect(_visible(page, "unit.png")).to_be_visible()  # shown as text
            page.get_by_role("tab", name="起草").click()
            expect(_visible(page, "heading.png")).to_be_visible(timeout=60_000)
            page.get_by_text("参考写法（1段，其他单位的报告）").first.click()
            expect(_visible(page, "caption.png")).to_be_visible(timeout=30_000)
            page.get_by_role("tab", name="知识库").click()
            expect(_visible(page, "file.png")).to_be_visible(timeout=60_000)
            page.wait_for_timeout(1500)
            # the policy is in place and blocks what no escaping could: an image added by script
            assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
            page.evaluate(f"() => {{ const i = new Image(); i.src = '{beacon}/script.png'; document.body.appendChild(i); }}")
            page.wait_for_timeout(1500)
        finally:
            browser.close()
    assert _Beacon.hits == [], _Beacon.hits
    assert [u for u in elsewhere if not u.startswith(beacon + "/script.png")] == [], elsewhere
