"""Tables of the team server: people, the units they may see, sign-in attempts, the audit log.

Only used when the app runs in server mode (``DRAFTER_AUTH``); a local single-user
install has these tables empty. Passwords are stored only as argon2 hashes
(:mod:`drafter.storage.passwords`); the audit log is append-only (nothing in
drafter updates or deletes its rows).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import _NO_REUSE, Base, PlainText, utcnow

__all__ = ["AuditRow", "LoginAttemptRow", "ReportOwnerRow", "UserRow", "UserUnitRow", "WebSessionRow"]


class UserRow(Base):
    """One person who can sign in: a writer, a reviewer or an admin."""

    __tablename__ = "users"
    __table_args__ = (_NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(PlainText, unique=True)
    display_name: Mapped[str] = mapped_column(PlainText, default="")
    role: Mapped[str] = mapped_column(String(20), default="writer")
    password_hash: Mapped[str | None] = mapped_column(PlainText, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class UserUnitRow(Base):
    """A unit a person may see: a writer's own unit(s), a reviewer's assigned units."""

    __tablename__ = "user_units"
    __table_args__ = (UniqueConstraint("user_id", "unit"), _NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(PlainText)


class ReportOwnerRow(Base):
    """Who created a report (so a writer keeps a report before its unit is typed)."""

    __tablename__ = "report_owners"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(PlainText)


class LoginAttemptRow(Base):
    """One failed sign-in (for rate limiting across app processes)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_user_at", "username", "at"), _NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(PlainText)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditRow(Base):
    """Who did what to which report, when (append-only)."""

    __tablename__ = "audit_log"
    __table_args__ = (_NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(PlainText, default="")
    action: Mapped[str] = mapped_column(String(40))
    report_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str] = mapped_column(PlainText, default="")


class WebSessionRow(Base):
    """A browser's sign-in on the team server (``server.py``): only the token's SHA-256 is kept."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(PlainText, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
