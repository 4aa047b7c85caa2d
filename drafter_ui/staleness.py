"""Findings that are always about the current fact sheet, and what changed since the draft.

A section's stored findings were computed with the fact sheet of the moment it
was saved. When the writer changes a figure afterwards, the text may now
contradict the sheet: :func:`live_findings` checks the text again against the
current sheet, :func:`new_mismatches` lists the figure findings that the stored
ones did not have (“数据已修改：N处与草稿不一致”), and :func:`figure_updates`
/ :func:`apply_updates` rewrite the contradicted numbers with the sheet's values.

No streamlit here: the pages cache and show what these functions return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from drafter.checks import check_text
from drafter.checks.figures import fact_numbers, find_counts, match_count
from drafter.checks.section import check_section
from drafter.drafting.types import finding_to_dict
from drafter.facts.sheet import FactSheet

__all__ = ["FigureUpdate", "apply_updates", "figure_updates", "live_findings", "new_mismatches"]


def live_findings(heading: str, text: str, sheet: FactSheet | None, genre: str = "report") -> list[dict[str, Any]]:
    """The findings of one section's text against ``sheet`` (placeholders only without a sheet)."""
    block = "\n".join(x for x in (heading, text.strip("\n")) if x)
    if sheet is None:
        found = check_text(block, genre=genre, categories={"placeholder"}).findings
    else:
        found = check_section(block, sheet, genre)
    return [finding_to_dict(f) for f in found]


def _key(f: Mapping[str, Any]) -> tuple[str, str]:
    return (str(f.get("code") or f.get("category") or ""), str(f.get("text") or ""))


def new_mismatches(stored: Iterable[Mapping[str, Any]], live: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Figure findings in ``live`` that ``stored`` (the findings when the text was saved) lacked."""
    before = {_key(f) for f in stored if f.get("category") == "figure"}
    return [f for f in live if f.get("category") == "figure" and f.get("severity") == "error"
            and _key(f) not in before]


@dataclass(frozen=True)
class FigureUpdate:
    """One number in a section's text that the sheet now gives differently."""

    start: int
    end: int
    old: str
    new: str
    label: str


def figure_updates(text: str, sheet: FactSheet) -> list[FigureUpdate]:
    """Every count in ``text`` that names a figure of ``sheet`` but states another value."""
    numbers = fact_numbers(sheet)
    out = []
    for count in find_counts(text):
        m = match_count(count, sheet, numbers)
        if m.status == "contradicted" and m.figure is not None:
            out.append(FigureUpdate(count.start, count.end, count.text, m.figure.phrase, m.figure.label))
    return out


def apply_updates(text: str, updates: Iterable[FigureUpdate]) -> str:
    """``text`` with each update's span replaced (right to left, so offsets stay valid)."""
    for u in sorted(updates, key=lambda u: u.start, reverse=True):
        if text[u.start : u.end] == u.old:
            text = text[: u.start] + u.new + text[u.end :]
    return text
