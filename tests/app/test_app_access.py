"""The team server in the app (AppTest): sign-in, each person sees only their units' reports.

A writer of unit A cannot open unit B's report by the sidebar or by guessing
``?report=N``; a reviewer reads but cannot write; an admin manages accounts and reads
the audit log; and without sign-in the app refuses to serve on a non-loopback address.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config as st_config
from team_cast import UNIT_A, UNIT_B, seed_team  # type: ignore[import-not-found]

from drafter.settings import get_settings
from drafter.storage import Repository, get_engine
from drafter.storage.team import open_accounts


@pytest.fixture
def team(app_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A team server database with one report per unit and four accounts."""
    monkeypatch.setenv("DRAFTER_AUTH", "password")
    s = get_settings()
    return seed_team(Repository(get_engine(s.db_url)), open_accounts(s))


def sign_in(at, username: str, password: str):  # type: ignore[no-untyped-def]
    at.text_input(key="signin_user").input(username)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def sidebar_reports(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.label for b in at.sidebar.button if b.key and b.key.startswith("open_")]


def test_sign_in_required_and_wrong_password_refused(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = new_session()
    assert not at.tabs  # nothing but the sign-in form
    assert at.text_input(key="signin_password").value == ""
    at = sign_in(at, "wang", "not-the-password")
    assert any("账号或密码不正确" in e.value for e in at.error)
    assert not at.tabs
    assert not at.exception


def test_writer_sees_only_own_unit_even_with_a_guessed_report_id(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(new_session({"report": str(team[UNIT_B])}), "wang", "password-a")
    assert not at.exception
    labels = sidebar_reports(at)
    assert labels and all(UNIT_A in label for label in labels)
    assert not any(UNIT_B in label for label in labels)
    # the guessed id of B's report did not open it: the form holds A's report
    assert at.text_input(key="f_unit").value == UNIT_A
    assert at.query_params.get("report") != str(team[UNIT_B])
    # typing another unit's name into one's own report is refused with a Chinese message
    at.text_input(key="f_unit").input(UNIT_B).run()
    assert any("本单位" in e.value for e in at.error)
    repo = Repository(get_engine(get_settings().db_url))
    assert repo.get_report(team[UNIT_A]).unit == UNIT_A  # type: ignore[union-attr]
    # the author of saved work is the signed-in person's real name
    at.text_input(key="f_unit").input(UNIT_A).run()
    at.text_input(key="f_region").input("江源市").run()
    latest = repo.latest_facts(team[UNIT_A])
    assert latest is not None and latest.data.get("region") == "江源市"
    assert latest.author == "王文"


def test_reviewer_reads_assigned_unit_only(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(new_session(), "zhao", "password-r")
    assert not at.exception
    labels = sidebar_reports(at)
    assert labels and all(UNIT_B in label for label in labels)
    assert any("审核人" in i.value for i in at.info)
    assert not [b for b in at.sidebar.button if b.key == "new_report"]


def test_admin_manages_accounts_and_reads_the_audit_log(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(new_session(), "root", "password-x")
    assert not at.tabs  # the admin sees every unit's reports: the start page lets them choose
    at.button(key=f"start_open_{team[UNIT_A]}").click().run()
    assert "管理" in [t.label for t in at.tabs]
    at.session_state["nav"] = "管理"
    at = at.run()
    assert not at.exception
    frames = [df.value for df in at.dataframe]
    users = frames[0]
    assert set(users["账号"]) == {"wang", "li", "zhao", "root"}
    audit = frames[-1]
    assert "登录" in set(audit["操作"])


def test_sign_out_ends_the_session(team, new_session) -> None:  # type: ignore[no-untyped-def]
    at = sign_in(new_session(), "wang", "password-a")
    assert at.tabs
    at.sidebar.button(key="sign_out").click().run()
    assert not at.tabs
    assert at.text_input(key="signin_user").value == ""


def test_local_mode_refuses_a_non_loopback_address(app_home: Path, new_session) -> None:  # type: ignore[no-untyped-def]
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = new_session()
    finally:
        st_config.set_option("server.address", before)
    assert not at.tabs
    assert any("DRAFTER_AUTH" in e.value for e in at.error)
    # on loopback the local single-user mode works as before
    assert new_session().tabs
