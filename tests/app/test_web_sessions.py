"""Browser sign-in sessions of the team server (server.py): token hashed, expiry, deactivation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from team_cast import UNIT_A  # type: ignore[import-not-found]

from drafter.storage import dispose_engines, get_engine
from drafter.storage.account_models import WebSessionRow
from drafter.storage.accounts import Accounts
from drafter.storage.models import utcnow
from drafter.storage.web_sessions import WebSessions


def test_sessions_start_expire_and_end(db_url: str) -> None:  # type: ignore[no-untyped-def]
    engine = get_engine(db_url)
    accounts = Accounts(engine)
    accounts.add_user("wang", "password-a", role="writer", units=[UNIT_A], display_name="王文")
    sessions = WebSessions(engine, accounts, idle=timedelta(minutes=30), max_age=timedelta(hours=8))
    now = utcnow()
    token = sessions.start("wang", now=now)
    assert len(token) >= 40
    with Session(engine) as s:  # only the token's hash is stored
        stored = s.scalars(select(WebSessionRow.token_hash)).all()
    assert stored and token not in stored and all(len(h) == 64 for h in stored)

    who, why = sessions.who(token, now=now + timedelta(minutes=10))
    assert who is not None and who.username == "wang" and who.units == frozenset({UNIT_A}) and why == ""
    assert sessions.who(None) == (None, "") and sessions.who("forged")[0] is None
    # used every 10 minutes it lives on, until the maximum age
    for minutes in (20, 40, 60, 80):
        assert sessions.who(token, now=now + timedelta(minutes=minutes))[0] is not None
    who, why = sessions.who(token, now=now + timedelta(hours=8, minutes=1))
    assert who is None and "最长时限" in why
    assert sessions.who(token, now=now + timedelta(hours=8, minutes=2))[0] is None  # gone for good

    idle = sessions.start("wang", now=now)
    who, why = sessions.who(idle, now=now + timedelta(minutes=31))
    assert who is None and "30 分钟未操作" in why

    ended = sessions.start("wang", now=now)
    assert sessions.end(ended) == "wang" and sessions.who(ended, now=now)[0] is None
    assert sessions.end(ended) is None

    # a deactivated account's sessions stop at once
    live = sessions.start("wang", now=now)
    accounts.set_active("wang", False)
    who, why = sessions.who(live, now=now)
    assert who is None and "停用" in why
    dispose_engines()
