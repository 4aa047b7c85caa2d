"""Joining lines that were broken inside a sentence (PDF text layers, e-mail copies).

Text copied out of a PDF or a mail client is hard-wrapped every 25–30 characters, so
a heading match, a paired ``《…》`` or a sentence can be split across lines.
:func:`reflow` finds the wrap width (the length most lines share) and joins a line
to the next when it fills that width; a line shorter than the width ends its
paragraph. Blank lines, headings (``一、`` ``（一）`` ``1.`` ``（1）``) starting a
line and a short title stay where they are, so real paragraph breaks, headings
and ``一是`` items that began their own line are kept. Text that is not
hard-wrapped (no common width) is left as it is, except that a line starting with
punctuation that can never start a line (``，。、）》”``) is joined to the one before.

The result keeps, for every character, its offset in the source
(:meth:`Reflowed.source_offset`), so a finding in the reflowed text still points
at the characters the user wrote.

>>> r = reflow("一、总体情况\\n我局严格执行《党政领导干部选拔任用\\n工作条例》，选拔干部*人。\\n")
>>> r.text
'一、总体情况\\n我局严格执行《党政领导干部选拔任用工作条例》，选拔干部*人。\\n'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from ..text.doctree import match_heading

__all__ = ["Reflowed", "reflow", "wrap_width"]

#: Characters that cannot begin a line under Chinese line-breaking rules.
_NO_LINE_START = "，。、；：？！）》〉】〕」』”’…—·%％,.;:?!)]"
_SENTENCE_ENDS = "。！？；：!?;:"
#: Lines shorter than this are not used to find the wrap width.
_MIN_SAMPLE = 8
#: Hard wraps seen in practice: 16 (a phone) to about 45 characters (an A4 PDF line);
#: a "common width" outside this range is a run of similar paragraphs, not a wrap.
_WRAP_RANGE = (12, 60)


@dataclass(frozen=True)
class Reflowed:
    """Reflowed text and, for each of its characters, the offset in the source."""

    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is len(source)
    joined: int = 0  # line breaks removed
    width: int | None = None  # the wrap width found (characters), None if not wrapped

    @property
    def changed(self) -> bool:
        return self.joined > 0 or len(self.origin) - 1 != len(self.text)

    def source_offset(self, offset: int) -> int:
        """The source offset of reflowed offset ``offset`` (clamped to the text)."""
        return self.origin[max(0, min(offset, len(self.origin) - 1))]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source ``(start, end)`` of the reflowed span ``start:end``."""
        if end <= start:
            s = self.source_offset(start)
            return s, s
        return self.source_offset(start), self.source_offset(end - 1) + 1

    def reflowed_offset(self, source: int) -> int:
        """The reflowed offset of a source offset (the next kept character)."""
        return max(0, bisect_right(self.origin, source - 1)) if source > 0 else 0


def _display(line: str) -> int:
    """Width in half-character units: ASCII 1, everything else 2."""
    return sum(1 if ord(c) < 128 else 2 for c in line)


def wrap_width(lines: list[str]) -> tuple[int, int] | None:
    """``(characters, display width)`` most lines are wrapped at, or None if not wrapped."""
    sample = [ln for ln in lines if len(ln) >= _MIN_SAMPLE]
    if len(sample) < 4:
        return None
    # the widest lines fill the width; a line a character or two short still counts
    chars = Counter(len(ln) for ln in sample)
    top = max(chars)
    for width in sorted(chars, reverse=True):
        near = sum(n for w, n in chars.items() if width - 1 <= w <= width + 1)
        longer = sum(n for w, n in chars.items() if w > width + 1)
        in_range = _WRAP_RANGE[0] <= width <= _WRAP_RANGE[1]
        if in_range and near >= 3 and near >= 0.3 * len(sample) and longer <= 0.1 * len(sample):
            full = [ln for ln in sample if width - 1 <= len(ln) <= width + 1]
            # a wrap falls anywhere in a sentence; lines of one length that mostly end a
            # sentence are a list of short paragraphs (一是……。二是……。), not a wrap
            if sum(ln[-1] in _SENTENCE_ENDS for ln in full) > 0.5 * len(full):
                return None
            return width, max(_display(ln) for ln in full)
        if top - width > 4:
            break
    return None


def _is_full(line: str, width: tuple[int, int]) -> bool:
    chars, display = width
    return len(line) >= chars - 1 or _display(line) >= display - 3


_ENUM_START = re.compile(r"^[一二三四五六七八九十]{1,2}是")
_OPENERS = {"《": "》", "（": "）", "“": "”", "【": "】", "〈": "〉", "(": ")"}


def _inside_pair(line: str) -> bool:
    """The line leaves a ``《`` ``（`` ``“`` … open (a title or aside broken across lines)."""
    depth = {o: 0 for o in _OPENERS}
    closers = {c: o for o, c in _OPENERS.items()}
    for ch in line:
        if ch in depth:
            depth[ch] += 1
        elif ch in closers and depth[closers[ch]] > 0:
            depth[closers[ch]] -= 1
    return any(depth.values())


def _title_continues(nxt: str) -> bool:
    """The next line finishes a heading's or title's wording (not a body paragraph)."""
    if _ENUM_START.match(nxt):
        return False
    stop = min((i for i in (nxt.find("。"), nxt.find("！"), nxt.find("？")) if i >= 0), default=-1)
    return 0 <= stop <= 20 if stop >= 0 else len(nxt) <= 20


def _joinable(prev: str, nxt: str, width: tuple[int, int] | None, *, title: bool,
              items_start_lines: bool) -> bool:
    if nxt[0] in _NO_LINE_START:
        return True
    if match_heading(nxt) is not None:
        return False
    if _inside_pair(prev) and prev[-1] not in "。！？；：" and any(c in nxt for c in _OPENERS.values()):
        return True
    if width is None or not _is_full(prev, width):
        return False
    heading = match_heading(prev) is not None and not re.search(r"[。！？]|[，、；：]$", prev)
    if heading or (title and not re.search(r"[，。！？；：]", prev)):
        # a heading or title filling the line: joined only if the next line ends its wording
        return _title_continues(nxt)
    if prev[-1] in "。！？" and _ENUM_START.match(nxt) and items_start_lines:
        # a full line ending a sentence, then 二是: a new line if this text starts items on lines
        return False
    return True


def _items_start_lines(lines: list[str], width: tuple[int, int] | None) -> bool:
    """Whether this text writes 一是/二是 items at line starts rather than inside paragraphs.

    Counted where it is certain: an item after a short line starts a line; an item
    after a stop in the middle of a line is inline.
    """
    at_start = inline = 0
    for prev, line in zip([""] + lines, lines):
        if _ENUM_START.match(line) and prev and (width is None or not _is_full(prev, width)):
            at_start += 1
        inline += len(re.findall(r"[。；！？][一二三四五六七八九十]{1,2}是", line))
    return at_start > inline


def reflow(text: str) -> Reflowed:
    """Join the lines of ``text`` (newlines already ``\\n``) broken inside a paragraph."""
    lines = text.split("\n")
    stripped = [ln.strip() for ln in lines]
    width = wrap_width([s for s in stripped if s])
    items_start_lines = _items_start_lines([s for s in stripped if s], width)
    first = next((i for i, s in enumerate(stripped) if s), -1)
    out: list[str] = []
    origin: list[int] = []
    joined = 0
    pos = 0
    prev: str | None = None  # the previous line, None after a blank line
    for i, raw in enumerate(lines):
        line_start = pos
        pos += len(raw) + 1
        s = stripped[i]
        if s and prev is not None and _joinable(
            prev, s, width, title=i - 1 == first, items_start_lines=items_start_lines
        ):
            # drop the line break and the continuation's indent
            out.pop()
            origin.pop()
            joined += 1
            lead = len(raw) - len(raw.lstrip())
            if lead == 1 and raw[0] == " " and out and out[-1] not in " \t\u3000":
                lead = 0  # one plain space is the text's own (大局 促进), not an indent
            body, body_start = raw[lead:], line_start + lead
        else:
            body, body_start = raw, line_start
        out.extend(body)
        origin.extend(range(body_start, body_start + len(body)))
        if i < len(lines) - 1:
            out.append("\n")
            origin.append(line_start + len(raw))
        prev = s or None
    origin.append(len(text))
    return Reflowed("".join(out), tuple(origin), joined, width[0] if width else None)
