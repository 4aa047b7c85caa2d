"""Two people sign in to one team server in a real browser (Debian chromium via Playwright).

Each sees only their own unit's report, including when one types the other's
``?report=N`` into the address bar; behind a gateway (``DRAFTER_AUTH=header``) the
account comes from the request header and no form is shown; nothing secret is in
the page address or in a cookie.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit_server import ARGS, CHROMIUM, require_chromium, serve_app  # type: ignore[import-not-found]
from team_cast import UNIT_A, UNIT_B, seed_team  # type: ignore[import-not-found]

from drafter.settings import REPO_ROOT, Settings
from drafter.storage import Repository, dispose_engines, get_engine
from drafter.storage.team import open_accounts

pytestmark = pytest.mark.browser



def _team_home(bundled_index, tmp_path: Path) -> tuple[Path, dict[str, int]]:  # type: ignore[no-untyped-def]
    indexed, _ = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, home / "index")
    s = Settings(home=home)
    ids = seed_team(Repository(get_engine(s.db_url)), open_accounts(s))
    dispose_engines()
    return home, ids


def test_two_people_each_see_only_their_unit(bundled_index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    home, ids = _team_home(bundled_index, tmp_path)
    with serve_app(REPO_ROOT, home, tmp_path / "streamlit.log", DRAFTER_AUTH="password") as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            try:
                pages = {}
                for user, password in (("wang", "password-a"), ("li", "password-b")):
                    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
                    page.goto(url)
                    page.get_by_role("textbox", name="账号").fill(user)
                    page.get_by_role("textbox", name="密码").fill(password)
                    page.get_by_role("button", name="登录").click()
                    expect(page.get_by_role("textbox", name="单位名称 *")).to_be_visible(timeout=60_000)
                    pages[user] = page
                expect(pages["wang"].get_by_role("textbox", name="单位名称 *")).to_have_value(UNIT_A)
                expect(pages["li"].get_by_role("textbox", name="单位名称 *")).to_have_value(UNIT_B)
                sidebar = pages["wang"].locator('[data-testid="stSidebar"]')
                expect(sidebar.get_by_text("王文（撰写人）")).to_be_visible()
                assert UNIT_B not in sidebar.inner_text()
                pages["wang"].screenshot(path=str(tmp_path / "team-wang.png"), full_page=True)

                # li types wang's report into the address bar: a new session, sign in again, still B
                guess = pages["li"]
                guess.goto(f"{url}/?report={ids[UNIT_A]}")
                guess.get_by_role("textbox", name="账号").fill("li")
                guess.get_by_role("textbox", name="密码").fill("password-b")
                guess.get_by_role("button", name="登录").click()
                expect(guess.get_by_role("textbox", name="单位名称 *")).to_have_value(UNIT_B, timeout=60_000)
                assert UNIT_A not in guess.locator('[data-testid="stSidebar"]').inner_text()
                # nothing secret in the address or in cookies
                assert "password" not in guess.url
                for cookie in guess.context.cookies():
                    assert "password" not in cookie["value"]
            finally:
                browser.close()


def test_gateway_header_signs_in_without_a_form(bundled_index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    home, _ = _team_home(bundled_index, tmp_path)
    with serve_app(REPO_ROOT, home, tmp_path / "streamlit.log", DRAFTER_AUTH="header") as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            try:
                page = browser.new_context(extra_http_headers={"X-Forwarded-User": "li"}).new_page()
                page.goto(url)
                expect(page.get_by_role("textbox", name="单位名称 *")).to_have_value(UNIT_B, timeout=60_000)
                stranger = browser.new_context(extra_http_headers={"X-Forwarded-User": "nobody"}).new_page()
                stranger.goto(url)
                expect(stranger.get_by_text("没有从单位登录网关得到已开通的账号", exact=False)).to_be_visible(
                    timeout=60_000
                )
                assert UNIT_A not in stranger.content() and UNIT_B not in stranger.content()
            finally:
                browser.close()
