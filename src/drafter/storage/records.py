"""Plain records the repository hands out (detached from any database session)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "FactsSaved",
    "LoadedReport",
    "ReportInfo",
    "SectionVersion",
    "StoredDraft",
    "StoredFacts",
    "VersionSaved",
]


@dataclass(frozen=True)
class ReportInfo:
    """A saved report as listed: who, which year, when last touched."""

    id: int
    unit: str
    year: int | None
    title: str
    created_at: datetime
    updated_at: datetime
    valid: bool = False
    drafts: int = 0

    @property
    def label(self) -> str:
        """``广州市交通运输局 · 2025年度`` (or 未命名报告)."""
        name = self.unit or "未命名报告"
        return f"{name} · {self.year}年度" if self.year else name


@dataclass(frozen=True)
class StoredFacts:
    """One saved state of a fact sheet, exactly as the writer left it."""

    report_id: int
    revision: int
    data: dict[str, Any]
    yaml: str
    valid: bool
    problems: list[tuple[str, str]]
    author: str
    created_at: datetime


@dataclass(frozen=True)
class FactsSaved:
    """What :meth:`Repository.save_facts` did.

    ``conflict`` is the newer revision someone else saved after ``base_revision``
    (still reachable in the history); ``name_taken`` the other report that already
    holds the new unit and year (the sheet is saved, the report keeps its old name).
    """

    revision: int
    changed: bool
    conflict: StoredFacts | None = None
    name_taken: ReportInfo | None = None
    #: True when the save updated the writer's own latest revision in place (one sitting).
    coalesced: bool = False


@dataclass(frozen=True)
class SectionVersion:
    """One version of one section (generated, edited or restored)."""

    id: int
    draft_id: int
    section_id: str
    version: int
    position: int
    level: int
    element: str
    heading: str
    text: str
    kind: str
    backend: str
    instruction: str | None
    sources: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    status: str
    error: str | None
    base_version: int | None
    author: str
    created_at: datetime
    #: what each sentence rests on (``SentenceBasis.to_dict()`` rows); [] for versions from before
    basis: list[dict[str, Any]] = field(default_factory=list)

    def to_section_dict(self) -> dict[str, Any]:
        """The section in the drafting engine's ``SectionDraft.to_dict()`` shape."""
        return {
            "id": self.section_id,
            "element": self.element,
            "heading": self.heading,
            "level": self.level,
            "text": self.text,
            "sources": self.sources,
            "findings": self.findings,
            "backend": self.backend,
            "status": self.status,
            "error": self.error,
            "instruction": self.instruction,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class VersionSaved:
    """What :meth:`Repository.add_section_version` did.

    ``conflict`` is a version someone else saved after the one this edit started
    from; it stays in the history, and the new version shows because it is newest.
    """

    version: SectionVersion
    conflict: SectionVersion | None = None


@dataclass(frozen=True)
class StoredDraft:
    """A draft with the latest version of each of its sections, in order."""

    id: int
    report_id: int
    title: str
    outline: dict[str, Any] | None
    backend: str
    author: str
    created_at: datetime
    sections: list[SectionVersion] = field(default_factory=list)

    def section(self, section_id: str) -> SectionVersion | None:
        return next((s for s in self.sections if s.section_id == section_id), None)

    def text(self) -> str:
        """The report as plain text: title line, then each heading and its text."""
        parts = [self.title] if self.title else []
        for s in self.sections:
            if s.heading:
                parts.append(s.heading)
            if s.text.strip():
                parts.append(s.text.strip("\n"))
        return "\n".join(parts) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """In the drafting engine's ``Draft.to_dict()`` shape."""
        return {"title": self.title, "sections": [s.to_section_dict() for s in self.sections]}


@dataclass(frozen=True)
class LoadedReport:
    """Everything needed to reopen a report where it was left."""

    info: ReportInfo
    facts: StoredFacts | None
    outline: dict[str, Any] | None
    outline_rev: int
    draft: StoredDraft | None
