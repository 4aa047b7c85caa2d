"""A report's own numbers that contradict each other (no fact sheet needed).

Two kinds, both found with the checker's own count reader
(:func:`drafter.checks.figures.find_counts`):

* ``numbers-total`` — a total smaller than its parts: ``共选拔任用干部12人，其中提拔8人、
  进一步使用3人、职级晋升5人`` (8 + 3 + 5 = 16 > 12). The parts are the counts of the same
  unit after ``其中`` in the same sentence.
* ``numbers-twice`` — the same count stated twice with two values: ``职级晋升12人`` in the
  overview and ``职级晋升15人`` later. A count is named by the words just before it in
  its clause, its optional qualifiers dropped (「提拔正职干部」 and 「提拔乡科级正职领导干部」
  are one figure); digits other than dates stay in the label (「35岁以下」); sentences
  comparing years (上年, 同比, 较…) are left alone.

>>> [f.code for f in number_contradictions("共提拔干部5人，其中正职3人、副职4人。")]
['numbers-total']
"""

from __future__ import annotations

import re

from ..checks.figures import Count, find_counts
from ..text.doctree import normalize_newlines, parse
from ..text.finding import Finding, Locator

__all__ = ["number_contradictions"]

_SENT_END = "。！？；\n"
_CLAUSE_CUT = re.compile(r"[，,、；;：:（）()“”《》\s]")
_FILLER = re.compile(r"^(?:我[局市县区镇校院委部厅司办]|本单位|本部门|局党组|党组|党委|其中|共|共计|合计|总计|累计|全年|全局|今年|本年度|年内|年度内|先后|分别|另有|此外|同时|并)+")
_TAIL = re.compile(r"(?:共|共计|合计|总计|累计|达到?|为|了|有|计)+$")
_COMPARE = ("上年", "去年", "上一年", "同比", "较", "比", "增加", "减少", "增长", "下降", "以来", "累计")
_TOTAL_CUE = re.compile(r"(?:共|共计|合计|总计|总数)[^，。；]{0,20}$")


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    lo = max(text.rfind(c, 0, pos) for c in _SENT_END) + 1
    his = [i for i in (text.find(c, pos) for c in _SENT_END) if i != -1]
    return lo, min(his) if his else len(text)


def _label(text: str, c: Count) -> str:
    """The words naming a count: its clause up to the number, fillers stripped."""
    lo = c.start
    while lo > 0 and not _CLAUSE_CUT.match(text[lo - 1]) and text[lo - 1] not in _SENT_END:
        lo -= 1
    label = _FILLER.sub("", text[lo : c.start])
    label = _TAIL.sub("", label)
    # dates go (2025年提拔… is 提拔…); other digits are part of the label (35岁以下)
    return re.sub(r"\d+(?:年度?|月|日)", "", label)


#: Words that name the same figure more or less fully: 「提拔正职干部」 = 「提拔乡科级正职领导干部」.
_QUALIFIERS = re.compile(r"乡科级|县处级|厅局级|领导|职务|层次|人员|同志|干部")


def _key(label: str) -> str:
    """A count's label with its optional qualifiers dropped, for matching rewordings."""
    return _QUALIFIERS.sub("", label) or label


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else f"{v:g}"


def number_contradictions(text: str, loc: Locator | None = None) -> list[Finding]:
    """Totals smaller than their parts, and one count stated with two values."""
    text = normalize_newlines(text)
    loc = loc or Locator(parse(text))
    counts = [c for c in find_counts(text) if c.unit != "%"]
    out: list[Finding] = []

    # totals and their parts
    for i, c in enumerate(counts):
        lo, hi = _sentence_bounds(text, c.start)
        if not _TOTAL_CUE.search(text[lo : c.start]):
            continue
        k = text.find("其中", c.end, hi)
        if k == -1:
            continue
        parts = [d for d in counts[i + 1 :] if k < d.start < hi and d.unit == c.unit]
        if not parts:
            continue
        total = sum(d.value for d in parts)
        if total > c.value:
            shown = "＋".join(d.text for d in parts)
            out.append(loc.make(
                "consistency", "numbers-total", "error",
                f"总数“{c.text}”小于其中各项之和（{shown}＝{_fmt(total)}{c.unit}）：请核对总数和分项。",
                c.start, parts[-1].end,
            ))

    # the same count, two values
    seen: dict[tuple[str, str], tuple[Count, str]] = {}
    for c in counts:
        lo, hi = _sentence_bounds(text, c.start)
        sentence = text[lo:hi]
        if any(w in sentence for w in _COMPARE) or len(set(re.findall(r"(?:19|20)\d{2}年", sentence))) > 1:
            continue
        label = _label(text, c)
        if len(label) < 4:
            continue
        key = (_key(label), c.unit)
        got = seen.get(key)
        if got is None:
            seen[key] = (c, label)
            continue
        first, first_label = got
        if first.value != c.value:
            before = f"“{first_label}{first.text}”" if first_label != label else f"“{first.text}”"
            out.append(loc.make(
                "consistency", "numbers-twice", "warning",
                f"“{label}”前文写作{before}（第{loc.line(first.start)}行），此处为“{c.text}”："
                "同一数字前后不一致，请核对。",
                c.start, c.end,
            ))
    out.sort(key=lambda f: f.start)
    return out
