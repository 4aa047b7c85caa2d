"""SQLAlchemy tables: reports, fact sheets, drafts and section versions.

Nothing here is ever updated in place except a report's bookkeeping columns
(names, ``updated_at``, the outline): fact sheets and section versions are
appended, so two writers on one report never overwrite each other. The newest row
is what the app shows; older rows stay reachable.

No column holds settings or credentials: an API key has nowhere to go.
"""

from __future__ import annotations

from datetime import datetime, timezone

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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "DraftRow", "FactSheetRow", "ReportRow", "SectionVersionRow", "utcnow"]


def utcnow() -> datetime:
    """Naive UTC now (SQLite keeps no time zone; every timestamp here is UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of drafter's tables."""


class ReportRow(Base):
    """One report: one per unit and year (``key``), unnamed ones get a unique key."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    unit: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(String(400), default="")
    outline_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    outline_rev: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FactSheetRow(Base):
    """One saved state of a report's fact sheet, valid or not (appended, never edited)."""

    __tablename__ = "fact_sheets"
    __table_args__ = (UniqueConstraint("report_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    data_json: Mapped[str] = mapped_column(Text)
    yaml: Mapped[str] = mapped_column(Text, default="")
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    problems_json: Mapped[str] = mapped_column(Text, default="[]")
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DraftRow(Base):
    """One drafting run of a report (生成全文): its title, outline and backend."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(400), default="")
    outline_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    order_json: Mapped[str] = mapped_column(Text, default="[]")
    backend: Mapped[str] = mapped_column(String(50), default="")
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SectionVersionRow(Base):
    """One version of one section: every generation and every edit is a new row."""

    __tablename__ = "section_versions"
    __table_args__ = (
        UniqueConstraint("draft_id", "section_id", "version"),
        Index("ix_section_versions_draft_section", "draft_id", "section_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    section_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[int] = mapped_column(Integer, default=1)
    element: Mapped[str] = mapped_column(String(50), default="")
    heading: Mapped[str] = mapped_column(String(400), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="generated")
    backend: Mapped[str] = mapped_column(String(50), default="")
    instruction: Mapped[str | None] = mapped_column(Text, nullable=True)
    sources_json: Mapped[str] = mapped_column(Text, default="[]")
    findings_json: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[str] = mapped_column(String(20), default="ok")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
