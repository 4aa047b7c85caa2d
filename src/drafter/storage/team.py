"""Open the team server's accounts on the configured database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .accounts import Accounts
from .engine import get_engine

__all__ = ["open_accounts"]


def open_accounts(settings: Any) -> Accounts:
    """Accounts on ``settings.db_url`` with the sign-in limits from *settings*."""
    return Accounts(
        get_engine(settings.db_url),
        max_attempts=settings.login_max_attempts,
        window=timedelta(minutes=settings.login_lockout_minutes),
    )
