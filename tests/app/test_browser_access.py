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


def test_team_server_sign_in_survives_a_reload_and_signs_out(bundled_index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`streamlit run server.py`: the sign-in page, an HttpOnly SameSite=Strict session cookie,
    a reload that keeps the person signed in, and a sign-out that ends the session for good."""
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    home, ids = _team_home(bundled_index, tmp_path)
    with serve_app(REPO_ROOT, home, tmp_path / "streamlit.log", script="server.py", DRAFTER_AUTH="password") as url:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            try:
                context = browser.new_context(viewport={"width": 1024, "height": 900})
                page = context.new_page()
                page.goto(f"{url}/?report={ids[UNIT_A]}")
                assert page.url.endswith("/auth/signin")  # the app's page sends a stranger to sign in
                page.get_by_label("账号").fill("wang")
                page.get_by_label("密码").fill("wrong-password")
                page.get_by_role("button", name="登录").click()
                expect(page.get_by_text("账号或密码不正确")).to_be_visible()
                page.get_by_label("密码").fill("password-a")
                page.get_by_role("button", name="登录").click()
                expect(page.get_by_role("textbox", name="单位名称 *")).to_have_value(UNIT_A, timeout=60_000)
                page.screenshot(path=str(tmp_path / "server-signed-in.png"))
                (session,) = [c for c in context.cookies() if c["name"] == "drafter_session"]
                assert session["httpOnly"] and session["sameSite"] == "Strict" and session["path"] == "/"
                assert session["value"] not in page.url and "password" not in page.url

                page.reload()  # the whole point: still signed in, as the same person
                expect(page.get_by_role("textbox", name="单位名称 *")).to_have_value(UNIT_A, timeout=60_000)
                expect(page.locator('[data-testid="stSidebar"]').get_by_text("王文（撰写人）")).to_be_visible()
                assert not page.get_by_label("密码").count()

                page.locator('[data-testid="stSidebar"]').get_by_text("退出登录").click()
                page.wait_for_url("**/auth/signin", timeout=30_000)
                assert not [c for c in context.cookies() if c["name"] == "drafter_session"]
                # the old token is dead on the server too, not only forgotten by the browser
                stale = browser.new_context()
                stale.add_cookies([{**session, "sameSite": "Strict"}])
                other = stale.new_page()
                other.goto(url)
                assert other.url.endswith("/auth/signin")
                # a sign-in posted from elsewhere (no form token of this page) is refused
                forged = browser.new_context().request.post(
                    f"{url}/auth/signin", form={"username": "wang", "password": "password-a"}, max_redirects=0
                )
                assert forged.status == 400 and "drafter_session" not in forged.headers.get("set-cookie", "")
            finally:
                browser.close()
