"""Open the team server's accounts on the configured database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .accounts import Accounts
from .engine import get_engine
from .web_sessions import WebSessions

__all__ = ["open_accounts", "open_web_sessions"]


def open_accounts(settings: Any) -> Accounts:
    """Accounts on ``settings.db_url`` with the sign-in limits from *settings*."""
    return Accounts(
        get_engine(settings.db_url),
        max_attempts=settings.login_max_attempts,
        window=timedelta(minutes=settings.login_lockout_minutes),
    )


def open_web_sessions(settings: Any) -> WebSessions:
    """Browser sign-in sessions (``server.py``) with the expiry from *settings*."""
    return WebSessions(
        get_engine(settings.db_url),
        open_accounts(settings),
        idle=timedelta(minutes=settings.session_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
    )
