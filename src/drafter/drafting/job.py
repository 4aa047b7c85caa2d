"""One section to write or rewrite: what the chain hands a section writer."""

from __future__ import annotations

from dataclasses import dataclass

from ..facts.sheet import FactSheet
from .outline import Outline, OutlineSection
from .similarity import DraftMemory
from .types import SectionDraft

__all__ = ["SectionJob"]


@dataclass
class SectionJob:
    """One section to write (or rewrite)."""

    node: OutlineSection
    heading: str
    facts: FactSheet
    outline: Outline
    instruction: str | None = None
    previous: SectionDraft | None = None
    variant: int = 0
    exclude_sources: list[str] | None = None
    #: what the rest of the draft says (the composer repeats none of it); None = nothing known
    memory: DraftMemory | None = None
