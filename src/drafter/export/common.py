"""What every exporter shares: the block sequence of a document and the signature.

A :class:`~drafter.text.doctree.Document` is flattened into :class:`Block` items in
reading order (title, salutation, body paragraphs, headings at levels 1–4). A
heading written run-in with its first paragraph in the source (``（一）坚持党管干部。
一是……``, the usual form at levels 2–4) keeps that form as one block with a body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..text.doctree import Document, Section
from ..text.frame import Signature, format_date, parse_date

__all__ = ["Block", "Signature", "blocks", "format_date", "parse_date", "text_width", "title_lines"]

BlockKind = Literal["title", "salutation", "body", "heading"]
_STOPS = "。！？"


@dataclass(frozen=True)
class Block:
    """One paragraph of output. ``heading`` is the label (``二、……``); ``body`` its text."""

    kind: BlockKind
    body: str = ""
    heading: str = ""
    level: int = 0
    stop: str = ""  # the full stop that ends a run-in heading, as written

    @property
    def run_in(self) -> bool:
        return self.kind == "heading" and bool(self.body)


def text_width(text: str) -> float:
    """Width in character cells: a CJK character is 1, an ASCII character 0.5."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


def _run_in(doc: Document, s: Section) -> tuple[bool, str]:
    """Whether the heading shares its line with the first paragraph, and its stop."""
    if s.implicit or not s.paragraphs:
        return False, ""
    first = s.paragraphs[0]
    if first.start < s.heading_start or "\n" in doc.text[s.heading_start : first.start]:
        return False, ""
    between = doc.text[s.heading_start : first.start].rstrip()
    stop = between[-1] if between and between[-1] in _STOPS else ""
    return True, stop


def blocks(doc: Document) -> list[Block]:
    """The document as output paragraphs, in reading order."""
    out: list[Block] = []
    if doc.title is not None:
        out.append(Block("title", doc.title.text))
    if doc.salutation is not None:
        out.append(Block("salutation", doc.salutation.text))
    out.extend(Block("body", p.text) for p in doc.opening)

    def emit(s: Section) -> None:
        paragraphs = list(s.paragraphs)
        if not s.implicit:
            run_in, stop = _run_in(doc, s)
            if run_in:
                first = paragraphs.pop(0)
                out.append(Block("heading", first.text, s.label, s.level, stop))
            else:
                out.append(Block("heading", "", s.label, s.level))
        out.extend(Block("body", p.text) for p in paragraphs)
        for child in s.children:
            emit(child)

    for s in doc.sections:
        emit(s)
    return out


# Where a long title may break: before a year or 关于, after the reporting body,
# before the genre phrase (GB/T 9704: a title breaks where the words stay whole).
_TITLE_BREAKS = re.compile(
    r"(?=(?:19|20)\d{2}年)|(?=关于)|(?<=党组)|(?<=党委)|(?<=常委会)|(?<=委员会)|(?=干部选拔任用)"
)


def title_lines(title: str, max_width: float = 20.0) -> list[str]:
    """A title split into lines at a word boundary when it is too long for one line.

    ``max_width`` is in title characters (2号 on a 156 mm line: 20). The break giving
    the most even lines is chosen; with no usable boundary the title stays whole
    (and the word processor wraps it).
    """
    if text_width(title) <= max_width:
        return [title]
    best: tuple[float, int] | None = None
    for m in _TITLE_BREAKS.finditer(title):
        i = m.start()
        if not 0 < i < len(title):
            continue
        first, second = text_width(title[:i]), text_width(title[i:])
        if max(first, second) > max_width:
            continue
        score = abs(first - second)
        if best is None or score < best[0]:
            best = (score, i)
    if best is None:
        return [title]
    return [title[: best[1]], title[best[1] :]]
