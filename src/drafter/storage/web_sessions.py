"""Browser sign-ins that survive a reload: a random token in an HttpOnly cookie.

The team server (``server.py``) signs a person in on its own page and gives the
browser a 256-bit random token; the database keeps only the token's SHA-256, the
account name and two times. A session ends when the person signs out, after
``session_idle_minutes`` without use or ``session_max_hours`` after sign-in, or
when the account is deactivated (:meth:`WebSessions.who` asks the accounts again
on every use, so a changed role or unit applies at once).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .account_models import WebSessionRow
from .accounts import Accounts, Principal
from .engine import retry_locked, writer_engine
from .models import utcnow

__all__ = ["WebSessions"]

#: ``seen_at`` is written at most this often (not on every rerun of the page).
_TOUCH = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class WebSessions:
    """Sign-in sessions of browsers, on the accounts' database."""

    def __init__(self, engine: Engine, accounts: Accounts, *, idle: timedelta, max_age: timedelta) -> None:
        # every transaction here writes (or may): begun as a writer, so concurrent sign-ins queue
        self._session = sessionmaker(writer_engine(engine), expire_on_commit=False)
        self.accounts = accounts
        self.idle = idle
        self.max_age = max_age

    def start(self, username: str, *, now: datetime | None = None) -> str:
        """A new session for *username*; returns the token for the cookie (kept nowhere else)."""
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        def store() -> None:
            with self._session.begin() as s:
                s.execute(delete(WebSessionRow).where(WebSessionRow.created_at < now - self.max_age))
                s.add(WebSessionRow(token_hash=_hash(token), username=username, created_at=now, seen_at=now))

        retry_locked(store)
        return token

    def who(self, token: str | None, *, now: datetime | None = None) -> tuple[Principal | None, str]:
        """The signed-in person of *token* and, when there is none, why (Chinese; '' for no token)."""
        if not token or not isinstance(token, str):
            return None, ""
        now = now or utcnow()
        with self._session.begin() as s:
            row = s.get(WebSessionRow, _hash(token))
            if row is None:
                return None, "登录已失效，请重新登录。"
            if now - row.created_at > self.max_age:
                s.delete(row)
                return None, "登录已超过最长时限，请重新登录。"
            if now - row.seen_at > self.idle:
                s.delete(row)
                minutes = self.idle.total_seconds() / 60
                return None, f"超过 {minutes:g} 分钟未操作，已自动退出，请重新登录。"
            if now - row.seen_at > _TOUCH:
                row.seen_at = now
            username = row.username
        who = self.accounts.principal(username)
        if who is None:
            self.end(token)
            return None, "账号已停用，请联系管理员。"
        return who, ""

    def end(self, token: str | None) -> str | None:
        """End the session of *token*; returns its account name (None if there was none)."""
        if not token:
            return None
        with self._session.begin() as s:
            row = s.get(WebSessionRow, _hash(token))
            if row is None:
                return None
            username = row.username
            s.delete(row)
            return username
