"""Checking what the user wrote, not a cleaned-up copy: reflow and folding with a way back.

:func:`prepare` reflows hard-wrapped text (:mod:`drafter.kb.reflow`) and folds
traditional characters (:mod:`drafter.text.fold`) so headings, keywords and paired
marks match; :func:`restore` then puts every finding back on the source: offsets,
line numbers and text are those of the text as given (a span across a joined line
break includes the break), the quoted parts of its message are in the user's own
characters. The parsed document is restored to the user's characters
too (its offsets are those of the reflowed text).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..kb.reflow import Reflowed, reflow
from ..text.doctree import Document
from ..text.finding import Finding, Locator
from ..text.fold import fold

__all__ = ["Prepared", "SourceLocator", "prepare", "restore"]

_QUOTED = re.compile(r"“([^“”]{1,80})”")


@dataclass(frozen=True)
class Prepared:
    """The source text, its reflowed form (with offsets back) and the folded form checked."""

    source: str
    flow: Reflowed
    folded: str

    @property
    def changed(self) -> bool:
        return self.flow.changed or self.folded != self.flow.text


def prepare(source: str) -> Prepared:
    """Reflow then fold ``source`` (newlines already normalised)."""
    flow = reflow(source)
    return Prepared(source, flow, fold(flow.text))


class SourceLocator(Locator):
    """A locator for the reflowed document whose line numbers are those of the source."""

    def __init__(self, doc: Document, elements: dict[int, str] | None, prep: Prepared) -> None:
        super().__init__(doc, elements)
        self._prep = prep
        starts = [0]
        pos = prep.source.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = prep.source.find("\n", pos + 1)
        self._source_starts = starts

    def line(self, offset: int) -> int:
        return bisect_right(self._source_starts, self._prep.flow.source_offset(offset))


def _unfold_quotes(message: str, prep: Prepared, near: int) -> str:
    def back(m: re.Match[str]) -> str:
        inner = m.group(1)
        hits = _find_all(prep.folded, inner)
        if not hits:
            return m.group(0)
        at = min(hits, key=lambda i: abs(i - near))
        return f"“{prep.flow.text[at : at + len(inner)]}”"

    return _QUOTED.sub(back, message)


def _find_all(text: str, part: str) -> list[int]:
    out: list[int] = []
    i = text.find(part)
    while i != -1 and len(out) < 50:
        out.append(i)
        i = text.find(part, i + 1)
    return out


def restore(doc: Document, findings: list[Finding], locator: Locator, prep: Prepared) -> SourceLocator:
    """Put ``findings`` (in place) and ``doc`` back on the user's text; the new locator."""
    original = prep.flow.text
    labels: dict[str, str] = {}
    for s in doc.walk():
        old = s.label
        if s.title:
            at = prep.folded.find(s.title, s.heading_start)
            if at != -1:
                s.title = original[at : at + len(s.title)]
        labels[old] = s.label
    for p in doc.paragraphs():
        p.text = original[p.start : p.end]
    for extra in (doc.title, doc.salutation):
        if extra is not None:
            extra.text = original[extra.start : extra.end]
    doc.text = original
    src_loc = SourceLocator(doc, locator.elements, prep)
    for f in findings:
        near = f.start
        f.message = _unfold_quotes(f.message, prep, near)
        if f.section:
            f.section = " > ".join(labels.get(part, part) for part in f.section.split(" > "))
        f.start, f.end = prep.flow.source_span(f.start, f.end)
        f.text = prep.source[f.start : f.end]
        f.line = src_loc.line(near)
    return src_loc
