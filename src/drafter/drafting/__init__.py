"""The drafting engine: outline → per-section chain (retrieve → prompt → model → parse → check).

Public API (the web app and the CLI use exactly this)::

    from drafter.drafting import DraftEngine, Draft, SectionDraft, Source, NullCallbacks
"""

from __future__ import annotations

from .engine import DraftEngine, numbered_headings
from .outline import Outline, OutlineSection, build_outline
from .types import Draft, DraftCallbacks, NullCallbacks, SectionDraft, Source

__all__ = [
    "Draft",
    "DraftCallbacks",
    "DraftEngine",
    "NullCallbacks",
    "Outline",
    "OutlineSection",
    "SectionDraft",
    "Source",
    "build_outline",
    "numbered_headings",
]
