"""The checks run on one section as the drafting chain writes it.

The drafting chain does not import the checker (checks come after drafting in the
pipeline); the entry points hand this function to :class:`~drafter.drafting.engine.DraftEngine`.
"""

from __future__ import annotations

from ..facts.sheet import FactSheet
from ..text.finding import Finding
from . import check_text

__all__ = ["SECTION_CHECKS", "check_section"]

#: Checker categories run on each section as it is written.
SECTION_CHECKS = frozenset({"placeholder", "figure", "basis", "numbering"})


def check_section(block: str, facts: FactSheet, genre: str) -> list[Finding]:
    """Findings on one section's block (heading line + body); offsets are into ``block``."""
    result = check_text(block, facts=facts, genre=genre, categories=set(SECTION_CHECKS))
    first = block.split("\n", 1)[0]
    return [
        f
        for f in result.findings
        if not (f.code == "numbering-start" and f.line == 1 and first.startswith(f.text or "\0"))
    ]
