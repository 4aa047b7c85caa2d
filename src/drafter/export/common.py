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
# Second choice, when none of the above gives lines that fit: between other whole words
# of the genre (never inside 报告, 工作, 情况 …).
_WORD_BREAKS = re.compile(
    r"(?<=年度)|(?<=关于)|(?=选人用人)|(?=工作(?:情况)?的?(?:专项)?报告)|(?=(?:专项|工作)?(?:情况)?的?报告$)"
    r"|(?<=[局委办府院厅部处室会站所心])(?=[^的，、）)局委办府院厅部处室会站所心])"
)
#: Room kept at the end of each title line: 2号 小标宋 digits and punctuation are wider
#: than the half a character counted by :func:`text_width`, and a line filled to the last
#: cell is wrapped by the word processor (「……工作报 / 告」).
_TITLE_SLACK = 1.5


def _best_break(title: str, pattern: re.Pattern[str], limit: float) -> tuple[float, int] | None:
    best: tuple[float, int] | None = None
    for m in pattern.finditer(title):
        i = m.start()
        if not 1 < i < len(title) - 1:  # never a line of one character
            continue
        first, second = text_width(title[:i]), text_width(title[i:])
        if max(first, second) > limit:
            continue
        # balanced lines (梯形或菱形): the most even split, a longer second line preferred on a tie
        score = abs(first - second) + (0.25 if first > second else 0.0)
        if best is None or score < best[0]:
            best = (score, i)
    return best


def title_lines(title: str, max_width: float = 20.0) -> list[str]:
    """A title split into lines at a word boundary when it is too long for one line.

    ``max_width`` is in title characters (2号 on a 156 mm line: 20); a title that comes
    within :data:`_TITLE_SLACK` of it is split too, so the word processor never wraps a
    word (「报 / 告」). The break giving the most even lines (GB/T 9704: 梯形或菱形) is
    chosen among the title's phrase boundaries, then among other word boundaries; a
    title too long for two lines is split again the same way.
    """
    limit = max_width - _TITLE_SLACK
    if text_width(title) <= limit:
        return [title]
    best = _best_break(title, _TITLE_BREAKS, limit) or _best_break(title, _WORD_BREAKS, limit)
    if best is None:
        # three lines or more: the first line up to a boundary that fits, the rest again
        cuts = [m.start() for p in (_TITLE_BREAKS, _WORD_BREAKS) for m in p.finditer(title)]
        fitting = [i for i in cuts if 1 < i < len(title) - 1 and text_width(title[:i]) <= limit]
        if not fitting:
            return [title]
        i = max(fitting)
        return [title[:i], *title_lines(title[i:], max_width)]
    return [title[: best[1]], title[best[1] :]]
