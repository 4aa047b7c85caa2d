"""The drafting engine's data: sources, section drafts, drafts and callbacks.

A :class:`Draft` is a title and its top-level :class:`SectionDraft` s in order (the
opening first, with no heading). Each section carries its body text (native plain
text, including its ``（一）…`` subheading lines), the sources it used
(provenance), the checker's findings, the backend that wrote it and — for a
regenerated section — the instruction given. ``Draft.text()`` is the report in its
native form, which ``drafter check`` reads back unchanged.

Progress reaches a front end through :class:`DraftCallbacks` (the app implements
it; core code never imports streamlit). :class:`NullCallbacks` is the no-op base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from ..text.finding import Finding

if TYPE_CHECKING:
    from ..facts.sheet import FactSheet

__all__ = [
    "SectionCheck",
    "Draft",
    "DraftCallbacks",
    "NullCallbacks",
    "SectionDraft",
    "Source",
    "finding_from_dict",
    "finding_to_dict",
]

#: The checks run on a section as it is written: (heading line + body, sheet, genre) → findings.
SectionCheck = Callable[[str, "FactSheet", str], list[Finding]]

Status = Literal["ok", "failed"]


@dataclass
class Source:
    """A passage offered beside a section as 参考写法: ``id`` is the short citation id (``S1``).

    ``title`` names the report it comes from as “单位 · 年度 · 标题”: another unit's
    report, whose wording may be borrowed and whose facts never are.
    """

    id: str
    source: str
    heading: str
    text: str
    title: str = ""


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """A finding as plain JSON-able data."""
    return {k: getattr(f, k) for k in _FINDING_FIELDS}


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(**{k: d[k] for k in _FINDING_FIELDS if k in d})


_FINDING_FIELDS = ("category", "code", "severity", "message", "line", "start", "end", "text", "element", "section")


@dataclass
class SectionDraft:
    """One top-level section of a draft (``level`` 0 is the opening, without heading)."""

    id: str
    element: str
    heading: str
    level: int
    text: str
    sources: list[Source] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    backend: str = "composer"
    status: Status = "ok"
    error: str | None = None
    instruction: str | None = None
    #: what each sentence rests on (``SentenceBasis.to_dict()`` rows; see :mod:`.basis`)
    basis: list[dict[str, Any]] = field(default_factory=list)

    def block(self) -> str:
        """Heading line (if any) and body, as it stands in the report."""
        parts = [self.heading] if self.heading else []
        if self.text.strip():
            parts.append(self.text.strip("\n"))
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["findings"] = [finding_to_dict(f) for f in self.findings]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SectionDraft:
        data = dict(d)
        data["sources"] = [Source(**s) for s in data.get("sources", [])]
        data["findings"] = [finding_from_dict(f) for f in data.get("findings", [])]
        data["basis"] = list(data.get("basis") or [])
        return cls(**data)


@dataclass
class Draft:
    """A drafted report: title and top-level sections; ``history`` keeps old versions."""

    title: str
    sections: list[SectionDraft] = field(default_factory=list)
    history: dict[str, list[SectionDraft]] = field(default_factory=dict)
    salutation: str | None = None
    #: The outline it was drafted from (``Outline.to_dict()``), for regeneration.
    outline: dict[str, Any] | None = None
    #: Sources kept out of retrieval (the leave-one-out benchmark).
    exclude_sources: list[str] | None = None
    #: What the writer should know (a highlight placed in another part …).
    notices: list[str] = field(default_factory=list)
    #: The 落款 block: ``[reporting body, date]`` lines (the export writes the same).
    signature: list[str] = field(default_factory=list)
    #: The closing line after the last part (「特此报告。」 for a report).
    closing: str | None = None

    def text(self) -> str:
        """The native plain text: title line, then heading lines and paragraphs."""
        lines = [self.title]
        if self.salutation:
            lines.append(self.salutation)
        for s in self.sections:
            block = s.block()
            if block:
                lines.append(block)
        if self.closing and self.sections:
            lines.append(self.closing)
        lines.extend(self.signature)  # the 落款 block closes the text
        return "\n".join(lines) + "\n"

    def section(self, section_id: str) -> SectionDraft:
        """The section with ``section_id`` (KeyError naming it if absent)."""
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"草稿中没有编号为“{section_id}”的部分")

    @property
    def failed(self) -> list[SectionDraft]:
        return [s for s in self.sections if s.status == "failed"]

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.sections for f in s.findings]

    def replace_section(self, new: SectionDraft) -> Draft:
        """A new Draft with ``new`` in place of the section with its id; the old one goes to history."""
        old = self.section(new.id)
        history = {k: list(v) for k, v in self.history.items()}
        history.setdefault(new.id, []).append(old)
        sections = [new if s.id == new.id else s for s in self.sections]
        return replace(self, sections=sections, history=history)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "salutation": self.salutation,
            "sections": [s.to_dict() for s in self.sections],
            "history": {k: [s.to_dict() for s in v] for k, v in self.history.items()},
            "outline": self.outline,
            "exclude_sources": self.exclude_sources,
            "notices": list(self.notices),
            "signature": list(self.signature),
            "closing": self.closing,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Draft:
        return cls(
            title=d["title"],
            salutation=d.get("salutation"),
            sections=[SectionDraft.from_dict(s) for s in d.get("sections", [])],
            history={k: [SectionDraft.from_dict(s) for s in v] for k, v in (d.get("history") or {}).items()},
            outline=d.get("outline"),
            exclude_sources=d.get("exclude_sources"),
            notices=list(d.get("notices") or []),
            signature=list(d.get("signature") or []),
            closing=d.get("closing"),
        )


@runtime_checkable
class DraftCallbacks(Protocol):
    """What a front end hears while a draft is written (all methods may be called from worker threads)."""

    def on_section_start(self, section_id: str, heading: str) -> None: ...

    def on_token(self, section_id: str, text: str) -> None: ...

    def on_section_done(self, section: SectionDraft) -> None: ...

    def on_section_error(self, section_id: str, error: Exception) -> None: ...


class NullCallbacks:
    """Callbacks that do nothing; subclass and override what you need."""

    def on_section_start(self, section_id: str, heading: str) -> None:
        return None

    def on_token(self, section_id: str, text: str) -> None:
        return None

    def on_section_done(self, section: SectionDraft) -> None:
        return None

    def on_section_error(self, section_id: str, error: Exception) -> None:
        return None
