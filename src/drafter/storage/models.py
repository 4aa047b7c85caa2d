"""SQLAlchemy tables: reports, fact sheets, drafts and section versions.

Nothing here is ever updated in place except a report's bookkeeping columns
(names, ``updated_at``, the outline) and a fact sheet revision its own writer is
still editing in one sitting (``save_facts(replace_revision=…)``, only while it is
the latest): fact sheets and section versions are appended, so two writers on one
report never overwrite each other. The newest row
is what the app shows; older rows stay reachable.

No column holds settings or credentials: an API key has nowhere to go.

The same tables work on SQLite and PostgreSQL: free text (names, headings,
authors, section ids) is unbounded ``TEXT`` on both (PostgreSQL enforces
``VARCHAR(n)`` widths, SQLite ignores them), timestamps are naive UTC
(``TIMESTAMP WITHOUT TIME ZONE``), NUL characters, which PostgreSQL text cannot
hold and no report needs, are dropped on the way in, and ids are never reused
after a delete (``AUTOINCREMENT`` on SQLite, sequences on PostgreSQL) so a link
to a deleted report never opens another one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["Base", "DraftRow", "FactSheetRow", "PlainText", "ReportRow", "SectionVersionRow", "utcnow"]


def utcnow() -> datetime:
    """Naive UTC now (SQLite keeps no time zone; every timestamp here is UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


class PlainText(TypeDecorator[str]):
    """Unbounded text without NUL characters (PostgreSQL text cannot store U+0000)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if isinstance(value, str) and "\x00" in value:
            return value.replace("\x00", "")
        return value


class Base(DeclarativeBase):
    """Declarative base of drafter's tables."""


#: ids grow only (SQLite would otherwise hand a deleted row's id to the next row)
_NO_REUSE = {"sqlite_autoincrement": True}


class ReportRow(Base):
    """One report: one per unit and year (``key``), unnamed ones get a unique key."""

    __tablename__ = "reports"
    __table_args__ = (_NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(PlainText, unique=True)
    unit: Mapped[str] = mapped_column(PlainText, default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(PlainText, default="")
    outline_json: Mapped[str | None] = mapped_column(PlainText, nullable=True)
    outline_rev: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FactSheetRow(Base):
    """One saved state of a report's fact sheet, valid or not (appended; edited only by its own sitting)."""

    __tablename__ = "fact_sheets"
    __table_args__ = (UniqueConstraint("report_id", "revision"), _NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    data_json: Mapped[str] = mapped_column(PlainText)
    yaml: Mapped[str] = mapped_column(PlainText, default="")
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    problems_json: Mapped[str] = mapped_column(PlainText, default="[]")
    author: Mapped[str] = mapped_column(PlainText, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DraftRow(Base):
    """One drafting run of a report (生成全文): its title, outline and backend."""

    __tablename__ = "drafts"
    __table_args__ = (_NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(PlainText, default="")
    outline_json: Mapped[str | None] = mapped_column(PlainText, nullable=True)
    order_json: Mapped[str] = mapped_column(PlainText, default="[]")
    backend: Mapped[str] = mapped_column(PlainText, default="")
    author: Mapped[str] = mapped_column(PlainText, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SectionVersionRow(Base):
    """One version of one section: every generation and every edit is a new row."""

    __tablename__ = "section_versions"
    __table_args__ = (
        UniqueConstraint("draft_id", "section_id", "version"),
        Index("ix_section_versions_draft_section", "draft_id", "section_id"),
        _NO_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    section_id: Mapped[str] = mapped_column(PlainText)
    version: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[int] = mapped_column(Integer, default=1)
    element: Mapped[str] = mapped_column(PlainText, default="")
    heading: Mapped[str] = mapped_column(PlainText, default="")
    text: Mapped[str] = mapped_column(PlainText, default="")
    kind: Mapped[str] = mapped_column(String(20), default="generated")
    backend: Mapped[str] = mapped_column(PlainText, default="")
    instruction: Mapped[str | None] = mapped_column(PlainText, nullable=True)
    sources_json: Mapped[str] = mapped_column(PlainText, default="[]")
    findings_json: Mapped[str] = mapped_column(PlainText, default="[]")
    #: the 事实依据表 rows of this version (NULL for versions saved before it existed)
    basis_json: Mapped[str | None] = mapped_column(PlainText, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="ok")
    error: Mapped[str | None] = mapped_column(PlainText, nullable=True)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(PlainText, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
