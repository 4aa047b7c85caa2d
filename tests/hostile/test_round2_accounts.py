"""Issue 21 on the team server's database: parallel sign-ins, a fresh home opened at once,
a replayed sign-in form, look-alike account names and passwords the form cannot take."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hostile_limits import SRC, TESTS  # type: ignore[import-not-found]

from drafter.errors import InputError, SignInError
from drafter.storage import dispose_engines
from drafter.storage.passwords import MAX_LENGTH
from drafter.storage.team import open_accounts, open_web_sessions


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from drafter.settings import get_settings

    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DRAFTER_AUTH", "password")
    monkeypatch.delenv("DRAFTER_DATABASE_URL", raising=False)
    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    settings = get_settings()
    yield settings
    dispose_engines()


def test_fifty_parallel_sign_ins_all_succeed(team) -> None:  # type: ignore[no-untyped-def]
    accounts = open_accounts(team)
    for i in range(10):
        accounts.add_user(f"user{i}", "correct-horse-battery", role="writer")
    sessions = open_web_sessions(team)

    def sign_in(n: int) -> str:
        who = open_accounts(team).sign_in(f"user{n % 10}", "correct-horse-battery")
        return sessions.start(who.username)

    with ThreadPoolExecutor(max_workers=50) as pool:
        tokens = list(pool.map(sign_in, range(50)))  # an exception (database is locked) would surface here
    assert len(set(tokens)) == 50
    assert all(sessions.who(t)[0] is not None for t in tokens)
    # wrong passwords in parallel are recorded, each one, and lock the account at the limit
    def wrong(_: int) -> str:
        try:
            open_accounts(team).sign_in("user0", "wrong-password-1")
        except SignInError as err:
            return str(err)
        return "signed in"

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(wrong, range(20)))
    assert "signed in" not in answers and any("锁定" in a for a in answers)
    with pytest.raises(SignInError, match="锁定"):
        accounts.sign_in("user0", "correct-horse-battery")


_OPEN = """
import sys
from drafter.settings import get_settings
from drafter.storage.team import open_accounts
accounts = open_accounts(get_settings())
try:
    accounts.add_user("u" + sys.argv[1], "correct-horse-battery")
except Exception as err:
    print("FAIL", type(err).__name__, err)
    raise
print("ok", accounts.sign_in("u" + sys.argv[1], "correct-horse-battery").username)
"""


def test_four_processes_opening_a_fresh_home_at_once_all_succeed(tmp_path: Path) -> None:
    env = {"PYTHONPATH": f"{SRC}:{TESTS.parent}", "DRAFTER_HOME": str(tmp_path / "fresh"), "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", _OPEN, str(i)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    assert sorted(o[0].split()[-1] for o in outs) == ["u0", "u1", "u2", "u3"]


def test_admin_in_capitals_cannot_stand_beside_admin(team) -> None:  # type: ignore[no-untyped-def]
    accounts = open_accounts(team)
    accounts.add_user("admin", "correct-horse-battery", role="admin")
    with pytest.raises(InputError, match="大小写"):
        accounts.add_user("ADMIN", "correct-horse-battery", role="admin")
    assert [u.username for u in accounts.list_users()] == ["admin"]


def test_a_password_longer_than_the_form_takes_is_refused(team) -> None:  # type: ignore[no-untyped-def]
    accounts = open_accounts(team)
    with pytest.raises(InputError, match=str(MAX_LENGTH)):
        accounts.add_user("long", "x" * (MAX_LENGTH + 1))
    accounts.add_user("long", "x" * MAX_LENGTH)  # exactly what the form takes still signs in
    assert accounts.sign_in("long", "x" * MAX_LENGTH).username == "long"


def test_user_add_on_the_cli_refuses_a_too_long_password(limited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = limited(["user", "add", "bob", "--password-stdin"], stdin=b"y" * 1200 + b"\n",
                  env={"DRAFTER_HOME": str(tmp_path / "h")}, timeout=60)
    assert run.returncode == 2 and "1000" in run.stderr and "Traceback" not in run.output, run.output


def test_a_sign_in_form_cannot_be_replayed_for_a_second_session(team, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from drafter.settings import REPO_ROOT

    monkeypatch.syspath_prepend(str(REPO_ROOT))  # drafter_ui sits beside app.py, not in src/
    from drafter_ui import web_auth

    # routes() marks the process as serving the sign-in page; undo that for the tests after this one
    monkeypatch.setattr(web_auth, "_active", web_auth._active)

    open_accounts(team).add_user("carol", "correct-horse-battery")
    client = TestClient(Starlette(routes=web_auth.routes()), base_url="http://127.0.0.1")
    page = client.get(web_auth.SIGNIN)
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"form_token": token, "username": "carol", "password": "correct-horse-battery"}
    client.cookies.set("drafter_signin_form", token)
    first = client.post(web_auth.SIGNIN, data=form, follow_redirects=False)
    assert first.status_code == 303 and web_auth.COOKIE in first.cookies
    replay = TestClient(Starlette(routes=web_auth.routes()), base_url="http://127.0.0.1")
    replay.cookies.set("drafter_signin_form", token)  # the captured post, sent again from elsewhere
    second = replay.post(web_auth.SIGNIN, data=form, follow_redirects=False)
    assert second.status_code == 400 and "页面已过期" in second.text
    assert web_auth.COOKIE not in second.cookies

