"""The unit of checker output: one :class:`Finding`, plus helpers to locate it.

A finding says what is wrong and what to do (in Chinese), where it is (1-based
``line``, character offsets ``start``/``end`` into the checked text after
:func:`~drafter.text.doctree.normalize_newlines`), the offending ``text``, the spec
``element`` it concerns and the heading path of its ``section``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass
from typing import Literal

from .doctree import Document, Section

__all__ = ["SEVERITIES", "Finding", "Locator", "Severity"]

Severity = Literal["error", "warning", "info"]
#: Severities from worst to mildest.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass
class Finding:
    """One problem in a draft."""

    category: str  # placeholder | structure | numbering | figure | proofread | stale | policy
    code: str  # stable id, e.g. "placeholder-count"
    severity: Severity
    message: str  # Chinese: what is wrong and what to do
    line: int = 0
    start: int = 0
    end: int = 0
    text: str = ""
    element: str | None = None
    section: str = ""  # heading path ("二、…… > （一）……"), "" for the opening
    fix: str = ""  # the right text, where one is known (规范提法, current rule title …)
    source: str = ""  # where the right text comes from (document, issuer, date; a unit's list)

    def to_dict(self) -> dict[str, object]:
        """Plain data (JSON-ready)."""
        return asdict(self)


class Locator:
    """Line numbers and enclosing sections for offsets, in O(log n) each.

    ``elements`` maps ``id(section)`` to a spec element id (from
    :func:`~drafter.text.specs.assign_elements`); findings get the element of the
    section they fall in.
    """

    def __init__(self, doc: Document, elements: dict[int, str] | None = None) -> None:
        self.doc = doc
        self.elements = elements or {}
        text = doc.text
        self._line_starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self._line_starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        # sections in document order; a deeper section starts after its ancestors
        self._sections: list[Section] = list(doc.walk())
        self._starts = [s.start for s in self._sections]

    def line(self, offset: int) -> int:
        """1-based line of ``offset``."""
        return bisect_right(self._line_starts, max(0, offset))

    def section(self, offset: int) -> Section | None:
        """The deepest section containing ``offset`` (None in the opening)."""
        i = bisect_right(self._starts, offset) - 1
        while i >= 0:
            s = self._sections[i]
            if s.start <= offset < max(s.end, s.start + 1):
                return s
            # not inside this one: try its ancestors (they start earlier)
            node = s.parent
            while node is not None:
                if node.start <= offset < node.end:
                    return node
                node = node.parent
            return None
        return None

    def make(
        self,
        category: str,
        code: str,
        severity: Severity,
        message: str,
        start: int,
        end: int,
        *,
        element: str | None = None,
        section: Section | None = None,
    ) -> Finding:
        """A finding at ``start:end`` with line, text, section and element filled in."""
        text = self.doc.text
        start = max(0, min(start, len(text)))
        end = max(start, min(end, len(text)))
        sec = section if section is not None else self.section(start)
        if element is None and sec is not None:
            element = self.elements.get(id(sec))
        return Finding(
            category=category,
            code=code,
            severity=severity,
            message=message,
            line=self.line(start),
            start=start,
            end=end,
            text=text[start:end],
            element=element,
            section=sec.heading_path if sec is not None else "",
        )
