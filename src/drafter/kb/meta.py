"""What a report is: its unit, year, genre and title, read from its title and text.

Every view, finding and source names a report as “单位 · 年度 · 标题”
(:func:`display_name`), never by file name or hash. Detection is a best guess from
the text; bundled reports carry exact values in ``metadata.yaml`` and users can
correct a guess in the app or the CLI.

>>> m = detect_meta("江源市水务局党组2024年度干部选拔任用工作报告\\n\\n2024年，…")
>>> (m.unit, m.year, m.genre)
('江源市水务局党组', 2024, 'report')
>>> display_name(m)
'江源市水务局党组 · 2024年度 · 江源市水务局党组2024年度干部选拔任用工作报告'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..text.fold import fold

__all__ = ["DocMeta", "detect_meta", "display_name", "join_wrapped_title", "unit_from_filename"]

#: How a title ends in this genre (the part after the unit and year).
_TITLE_TAIL = re.compile(
    r"(?:关于)?(?:(?:19|20)\d{2}\s*年度?)?(?:的)?"
    r"(?:干部选拔任用|选人用人)(?:工作)?(?:情况)?(?:的)?(?:报告|通报|总结|自查报告|情况报告)"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
#: The reporting bodies a unit name ends with, longest first.
_BODY = re.compile(
    r"^(?P<unit>(?:中共|中国共产党)?[\u4e00-\u9fffA-Za-z0-9（）()·\-]{1,40}?"
    r"(?:党组|党委|党工委|委员会|常委会|县委|市委|区委|州委|盟委|旗委|镇党委|乡党委|支部|总支))"
)
_BODY_AFTER = re.compile(r"(?:党组|党委|党工委|常委会)")
_SELF = re.compile(r"(?:我|本)((?:局|委|部|办|厅|院|校|中心|公司|集团|镇|乡|街道)(?:党组|党委|党工委))")
_SPEECH = re.compile(r"^\s*(?:同志们|各位领导|各位同志)[：:，,]")
_MAX_TITLE = 80


@dataclass(frozen=True)
class DocMeta:
    """A report's identity. ``None`` where the text does not say."""

    unit: str | None = None
    year: int | None = None
    title: str | None = None
    genre: str = "report"

    def with_overrides(self, **values: object) -> DocMeta:
        """A copy with the given non-``None`` values (the writer's corrections)."""
        kept = {k: v for k, v in values.items() if v is not None}
        return replace(self, **kept)  # type: ignore[arg-type]


_NUM_PREFIX = re.compile(r"^[\d_\-\s.、]+")
_UNIT_END = re.compile(
    r"(?:党组|党委|党工委|委员会|常委会|局|委|办|厅|院|所|中心|公司|集团|学校|大学|学院|医院|街道|镇|乡|县|区|市)$"
)
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])")


def join_wrapped_title(text: str) -> str:
    """A title wrapped over its first two lines joined into one line.

    ``江源市水务局党组2025年度干部选拔任用`` + ``工作报告``: neither line alone is a
    title, joined they are. Anything else is returned unchanged.
    """
    lines = text.split("\n", 3)
    idx = [i for i, ln in enumerate(lines[:3]) if ln.strip()]
    if len(idx) < 2 or idx[0] != 0:
        return text
    a, b = lines[idx[0]].strip(), lines[idx[1]].strip()
    if not a or not b or len(a) + len(b) > _MAX_TITLE or _HEADING_START.match(b):
        return text
    if any(c in a + b for c in "。；！？，"):
        return text
    fa, fab = fold(a), fold(a + b)
    if _TITLE_TAIL.search(fa) or not _TITLE_TAIL.search(fab) or _TITLE_TAIL.search(fold(b)) and len(b) > 12:
        return text
    rest = "\n".join(lines[idx[1] + 1 :]) if len(lines) > idx[1] + 1 else ""
    return a + b + ("\n" + rest if rest or text.endswith("\n") else "")


def unit_from_filename(filename: str) -> str | None:
    """A unit named by a file (“03_江源市水务局2024年.docx” → 江源市水务局), or None."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", filename.replace("\\", "/").rsplit("/", 1)[-1])
    stem = _NUM_PREFIX.sub("", stem)
    stem = re.sub(r"(?:关于)?(?:(?:19|20)\d{2}\s*年度?)?(?:的)?(?:干部选拔任用|选人用人)?(?:工作)?(?:情况)?"
                  r"(?:报告|通报|总结)?(?:[（(].*[)）])?$", "", stem).strip(" _-")
    stem = re.sub(r"(?:19|20)\d{2}\s*年度?$", "", stem).strip(" _-")
    stem = re.sub(r"[_\-\s]+(?:19|20)\d{2}$", "", stem).strip(" _-")
    if 2 <= len(stem) <= 30 and _UNIT_END.search(stem) and re.fullmatch(r"[\u4e00-\u9fff（）()·]+", stem):
        return stem
    return None


def _title_line(lines: list[str]) -> str | None:
    for line in lines[:3]:
        s = line.strip()
        if not s or len(s) > _MAX_TITLE:
            continue
        f = fold(s)
        if _TITLE_TAIL.search(f) or (f.endswith(("报告", "通报")) and "。" not in f):
            return s
    return None


def _unit_from(title: str) -> str | None:
    """The unit at the head of a title, in the title's own characters."""
    folded = fold(title)
    head = _TITLE_TAIL.split(folded, maxsplit=1)[0]
    head = _YEAR.split(head, maxsplit=1)[0].strip()
    head = re.sub(r"(?:关于|的)$", "", head).strip()
    if not head:
        return None
    start = folded.find(head)
    m = _BODY.match(head)
    unit = m.group("unit") if m else (head if len(head) <= 40 else None)
    if m is not None and unit is not None:
        # “…卫生健康委员会党组”, “…市委常委会”: the body named right after the first match is part of it
        more = _BODY_AFTER.match(head, m.end())
        if more:
            unit += more.group(0)
    return title[start : start + len(unit)] if unit is not None and start >= 0 else unit


def _unit_from_text(lines: list[str]) -> str | None:
    """``我局党组`` / ``本委党委`` in the opening lines: the body the report speaks for."""
    for line in lines[:5]:
        m = _SELF.search(fold(line))
        if m:
            return m.group(1)
    return None


def detect_meta(text: str, filename: str | None = None) -> DocMeta:
    """Guess unit, year, genre and title from the first lines of *text* (and *filename*).

    Traditional characters are folded for matching; what is returned is in the
    text's own characters.
    """
    lines = [ln for ln in join_wrapped_title(text).splitlines() if ln.strip()][:40]
    genre = "speech" if lines and _SPEECH.match(lines[0]) else "report"
    title = _title_line(lines)
    if title is None and filename:
        stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", filename.replace("\\", "/").rsplit("/", 1)[-1])
        stem = _NUM_PREFIX.sub("", stem)  # 01_江源市水务局… → 江源市水务局…
        if _TITLE_TAIL.search(fold(stem)):
            title = stem
    unit = _unit_from(title) if title else None
    if unit is None and title is None:
        unit = _unit_from_text(lines)
    if unit is None and filename:
        # a generic title (关于2025年度干部选拔任用工作情况的报告): the file names the unit
        unit = unit_from_filename(filename)
    year = None
    for source in ([title] if title else []) + lines[:5]:
        m = _YEAR.search(source)
        if m:
            year = int(m.group(1))
            break
    if year is None and filename:  # “临川市财政局_2025.docx”: the file names the year
        base = _NUM_PREFIX.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1])  # 2001_… is a number
        m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", base)
        year = int(m.group(1)) if m else None
    if title and any(w in fold(title) for w in ("通报", "讲话")):
        genre = "speech"
    return DocMeta(unit=unit, year=year, title=title, genre=genre)


def display_name(meta: DocMeta, fallback: str = "未命名报告") -> str:
    """“单位 · 年度 · 标题”, leaving out what is unknown."""
    parts = [meta.unit or "单位未知", f"{meta.year}年度" if meta.year else "年度未知"]
    parts.append(meta.title or fallback)
    return " · ".join(parts)
