"""The document model: one section tree for parsed reports and for drafts.

A report is a title, opening paragraphs and sections at the four GB/T 9704 heading
levels (``一、`` ``（一）`` ``1.`` ``（1）``). Every node keeps character offsets
(``start``, ``end``) into :attr:`Document.text`, the source text with line endings
normalised to ``\\n`` (nothing else is changed, so offsets stay true for the checker).

>>> doc = parse("标题\\n一、情况\\n正文。\\n（一）做法。一是甲。二是乙。")
>>> [s.label for s in doc.walk()]
['一、情况', '（一）做法']

The checker, drafting engine, comparison view and exporter all work on this type;
:meth:`Document.to_text` writes the native plain-text form that :func:`parse` reads back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "Paragraph",
    "Enumeration",
    "Section",
    "Document",
    "parse",
    "normalize_newlines",
    "chinese_to_int",
    "int_to_chinese",
    "LEVEL_STYLES",
    "match_heading",
    "HeadingMatch",
]

_CN_DIGITS = "零〇一二三四五六七八九"
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_NUM = "[一二三四五六七八九十百零〇两]+"


def chinese_to_int(text: str) -> int | None:
    """Value of a Chinese numeral up to 999 (一 → 1, 十二 → 12, 二十 → 20)."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_VALUE:
            current = _CN_VALUE[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def int_to_chinese(n: int) -> str:
    """Chinese numeral for 1..999 as written in headings (11 → 十一, 20 → 二十, 105 → 一百零五)."""
    if n <= 0 or n > 999:
        raise ValueError("heading numbers run from 1 to 999")
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + digits[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    if ones:
        out += digits[ones]
    return out


# Heading styles per level: (regex for the number marker, formatter).
# Level 3 accepts "1." "1．" and the non-standard "1、" (the checker flags the mix).
_HEADING_PATTERNS: list[tuple[int, str, re.Pattern[str]]] = [
    (1, "一、", re.compile(rf"(?P<num>{_CN_NUM})、")),
    (2, "（一）", re.compile(rf"[（(](?P<num>{_CN_NUM})[）)]")),
    (3, "1.", re.compile(r"(?P<num>\d{1,2})[.．](?!\d)")),
    (3, "1、", re.compile(r"(?P<num>\d{1,2})、")),
    (4, "（1）", re.compile(r"[（(](?P<num>\d{1,2})[）)]")),
]

#: How a number is written at each level in the native form.
LEVEL_STYLES = {1: "{cn}、", 2: "（{cn}）", 3: "{n}.", 4: "（{n}）"}

# An inline heading ends at the first full stop when the sentence is short enough
# to be a heading: "（一）坚持党管干部，强化政治标准把关。一是……".
_MAX_INLINE_TITLE = 40
_MAX_LINE_TITLE = 60
_ENUM_RE = re.compile(rf"(?:(?<=^)|(?<=[。；;：:！？!?，,\s”」]))(?P<num>{_CN_NUM})是")
_CLOSING_RE = re.compile(r"^(下一步|下步)")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes (offsets stay meaningful)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class HeadingMatch:
    """A heading number found at the start of a line."""

    level: int
    style: str  # "一、" "（一）" "1." "1、" "（1）"
    number: str  # as written: "二", "3"
    value: int | None
    marker_end: int  # offset (relative to the stripped line) after the number marker


def match_heading(line: str) -> HeadingMatch | None:
    """The heading number at the start of ``line`` (already left-stripped), if any."""
    for level, style, pattern in _HEADING_PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        rest = line[m.end() :].lstrip()
        if not rest:
            return None
        num = m.group("num")
        value = int(num) if num.isdigit() else chinese_to_int(num)
        if value is None or value == 0:
            continue
        if level == 3 and style == "1、" and value > 50:
            continue
        return HeadingMatch(level, style, num, value, m.end())
    return None


@dataclass
class Enumeration:
    """An inline ``一是……二是……`` item inside a paragraph."""

    number: str
    value: int
    start: int
    end: int  # end of the "N是" marker


@dataclass
class Paragraph:
    """A run of body text (one source line, or the body part of an inline heading)."""

    text: str
    start: int
    end: int
    enumerations: list[Enumeration] = field(default_factory=list)


@dataclass
class Section:
    """A heading and everything under it.

    ``level`` is 1–4 (GB/T 9704); ``number`` is the numeral as written (None for an
    implicit, unnumbered closing section such as a trailing 下一步 paragraph);
    ``title`` is the heading text without its number and final stop.
    """

    level: int
    number: str | None
    value: int | None
    title: str
    start: int
    end: int
    heading_start: int
    heading_end: int
    style: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    parent: Section | None = field(default=None, repr=False, compare=False)
    implicit: bool = False
    element: str | None = None  # spec element id, set by the drafter or checker

    @property
    def label(self) -> str:
        """The heading as a reader sees it: ``二、严肃认真做好选人用人工作``."""
        if self.number is None:
            return self.title
        return self.marker + self.title

    @property
    def marker(self) -> str:
        if self.number is None:
            return ""
        style = self.style or LEVEL_STYLES[self.level]
        return {
            "一、": f"{self.number}、",
            "（一）": f"（{self.number}）",
            "1.": f"{self.number}.",
            "1、": f"{self.number}、",
            "（1）": f"（{self.number}）",
        }.get(style, f"{self.number}、")

    @property
    def path(self) -> list[Section]:
        """Ancestors from the top-level section down to this one."""
        chain: list[Section] = []
        node: Section | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def heading_path(self) -> str:
        """``二、…… > （一）……``: where this section sits, as one string."""
        return " > ".join(s.label for s in self.path)

    @property
    def body(self) -> str:
        """The section's own paragraphs (not its children), joined by newlines."""
        return "\n".join(p.text for p in self.paragraphs)

    def walk(self) -> Iterator[Section]:
        """This section and every descendant, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_paragraphs(self) -> Iterator[Paragraph]:
        """Own paragraphs, then each child's, in document order."""
        for s in self.walk():
            yield from s.paragraphs

    def text_of(self, source: str) -> str:
        """The section's full span in ``source`` (heading to the next sibling)."""
        return source[self.start : self.end]

    def heading_line(self) -> str:
        return self.label


@dataclass
class Document:
    """A parsed report or a draft.

    ``title`` is the title line if there is one; ``salutation`` a speech's opening
    address (``同志们：``); ``opening`` the paragraphs before the first heading.
    """

    text: str
    title: Paragraph | None = None
    salutation: Paragraph | None = None
    opening: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        """Every section at every level, in document order."""
        for s in self.sections:
            yield from s.walk()

    def headings(self) -> list[Section]:
        return list(self.walk())

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every body paragraph (opening first), in document order."""
        yield from self.opening
        for s in self.sections:
            yield from s.all_paragraphs()

    def section_at(self, offset: int) -> Section | None:
        """The deepest section whose span contains ``offset``."""
        found: Section | None = None
        for s in self.walk():
            if s.start <= offset < s.end:
                found = s
        return found

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return self.text.count("\n", 0, max(0, offset)) + 1

    def find(self, path: str) -> Section | None:
        """A section by label (``二、…``), title, number path (``2/1``) or heading path."""
        path = path.strip()
        if re.fullmatch(r"\d+(/\d+)*", path):
            nodes: list[Section] = self.sections
            current: Section | None = None
            for part in path.split("/"):
                idx = int(part) - 1
                if not 0 <= idx < len(nodes):
                    return None
                current = nodes[idx]
                nodes = current.children
            return current
        for s in self.walk():
            if path in (s.label, s.title, s.heading_path):
                return s
        for s in self.walk():
            if s.label.startswith(path) or s.title.startswith(path):
                return s
        return None

    def outline(self) -> list[dict[str, object]]:
        """The headings as plain data: level, number, title, line."""
        return [
            {
                "level": s.level,
                "number": s.number,
                "title": s.title,
                "line": self.line_of(s.heading_start),
                "implicit": s.implicit,
            }
            for s in self.walk()
        ]

    def to_text(self) -> str:
        """The native plain-text form (title line, then one line per heading/paragraph)."""
        lines: list[str] = []
        if self.title is not None:
            lines.append(self.title.text)
        if self.salutation is not None:
            lines.append(self.salutation.text)
        lines.extend(p.text for p in self.opening)

        def emit(s: Section) -> None:
            if not s.implicit:
                lines.append(s.label)
            lines.extend(p.text for p in s.paragraphs)
            for c in s.children:
                emit(c)

        for s in self.sections:
            emit(s)
        return "\n".join(lines) + "\n"


def _find_enumerations(text: str, base: int) -> list[Enumeration]:
    found: list[Enumeration] = []
    for m in _ENUM_RE.finditer(text):
        value = chinese_to_int(m.group("num"))
        if value is None or value == 0 or value > 20:
            continue
        # "一是" right after a digit or inside a word like "统一是" is not an item
        if m.start() > 0 and text[m.start() - 1] in "统唯单同专":
            continue
        found.append(Enumeration(m.group("num"), value, base + m.start(), base + m.end()))
    return found


def _make_paragraph(text: str, start: int) -> Paragraph:
    return Paragraph(text, start, start + len(text), _find_enumerations(text, start))


def _looks_like_title(line: str) -> bool:
    if len(line) > 50 or match_heading(line):
        return False
    if line[-1] in "。；：:！？!?，,":
        return False
    return True


def _split_inline_heading(rest: str) -> tuple[str, str]:
    """Split ``坚持党管干部，强化把关。一是……`` into title and body."""
    for stop in ("。", "！", "？"):
        idx = rest.find(stop)
        if 0 < idx <= _MAX_INLINE_TITLE and idx < len(rest) - 1:
            return rest[:idx], rest[idx + 1 :]
    if len(rest) <= _MAX_LINE_TITLE:
        return rest.rstrip("。"), ""
    return rest[:0], rest  # no usable title: whole line is body


def parse(text: str) -> Document:
    """Parse report text into a :class:`Document`. Never raises on any string."""
    text = normalize_newlines(text)
    doc = Document(text=text)
    stack: list[Section] = []
    seen_heading = False
    offset = 0
    first_content = True
    for raw in text.split("\n"):
        line_start = offset
        offset += len(raw) + 1
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = line_start + lead
        end = start + len(stripped)

        hm = match_heading(stripped)
        if hm is None and first_content and _looks_like_title(stripped) and not (
            stripped.endswith(("：", ":")) and len(stripped) <= 8
        ):
            doc.title = Paragraph(stripped, start, end)
            first_content = False
            continue
        if hm is None and not seen_heading and doc.salutation is None and (
            stripped.endswith(("：", ":")) and len(stripped) <= 24 and not doc.opening
        ):
            doc.salutation = Paragraph(stripped, start, end)
            first_content = False
            continue
        first_content = False

        if hm is not None:
            rest_raw = stripped[hm.marker_end :]
            rest = rest_raw.lstrip()
            rest_start = start + hm.marker_end + (len(rest_raw) - len(rest))
            title, body = _split_inline_heading(rest)
            if not title and body:
                # a numbered line that is all body: still a heading, with an empty title
                title = ""
            section = Section(
                level=hm.level,
                number=hm.number,
                value=hm.value,
                title=title,
                start=start,
                end=end,
                heading_start=start,
                heading_end=rest_start + len(title) + (1 if body and title else 0),
                style=hm.style,
            )
            if not body:
                section.heading_end = end
            while stack and stack[-1].level >= hm.level:
                stack.pop()
            if stack:
                section.parent = stack[-1]
                stack[-1].children.append(section)
            else:
                doc.sections.append(section)
            stack.append(section)
            seen_heading = True
            if body:
                body_start = end - len(body)
                section.paragraphs.append(_make_paragraph(body, body_start))
            continue

        para = _make_paragraph(stripped, start)
        if seen_heading and _CLOSING_RE.match(stripped) and stack:
            top = stack[0]
            if not _is_closing_title(top.title):
                implicit = Section(
                    level=1,
                    number=None,
                    value=None,
                    title=_closing_title(stripped),
                    start=start,
                    end=end,
                    heading_start=start,
                    heading_end=start,
                    implicit=True,
                )
                implicit.paragraphs.append(para)
                doc.sections.append(implicit)
                stack = [implicit]
                continue
        if stack:
            stack[-1].paragraphs.append(para)
        else:
            doc.opening.append(para)

    _close_spans(doc)
    return doc


_CLOSING_TITLES = ("下一步", "下步", "打算", "改进", "努力方向", "工作思路", "今后")


def _is_closing_title(title: str) -> bool:
    return any(k in title for k in _CLOSING_TITLES)


def _closing_title(line: str) -> str:
    m = _CLOSING_RE.match(line)
    return m.group(1) if m else "下一步"


def _close_spans(doc: Document) -> None:
    """Extend each section's ``end`` to just before its next sibling or ancestor's sibling."""

    def last_end(s: Section) -> int:
        ends = [s.heading_end, s.end]
        ends += [p.end for p in s.paragraphs]
        ends += [last_end(c) for c in s.children]
        return max(ends)

    def fix(sections: list[Section]) -> None:
        for s in sections:
            fix(s.children)
            s.end = last_end(s)

    fix(doc.sections)
