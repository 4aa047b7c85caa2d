"""Measures of how a draft reads, shared by the tests and ``bench/drafting.py``.

Each function takes the draft text (native form) and returns the offending
pieces, so an empty list means "clean":

* :func:`repeated_sentences` — a body sentence of 20+ characters written twice;
* :func:`foreign_specifics` — wording that belongs to another unit: another
  organ's self-reference (``我局`` in a 办公室's report), ``分局``/``局系统``,
  a province or city not the unit's, ``市委巡察``, a dated campaign
  (``主题教育``, ``疫情``);
* :func:`enumeration_problems` — a ``一是……二是……`` item too short or too
  long (outside :data:`ITEM_CHARS`) or far out of proportion to its siblings;
* :func:`heading_echoes` — a subsection whose first sentence repeats its own
  heading;
* :func:`odd_endings` — a sentence ending on a particle or conjunction
  (``……的。``), the mark of a clumsy rewrite.

Near-duplicates are in :mod:`drafter.drafting.similarity`.
"""

from __future__ import annotations

import re
from collections import Counter

from ..facts.sheet import FactSheet
from .similarity import body_sentences, normalise, similarity

__all__ = [
    "ITEM_CHARS",
    "PROVINCES",
    "enumeration_problems",
    "foreign_specifics",
    "heading_echoes",
    "odd_endings",
    "repeated_sentences",
    "user_texts",
]

#: Acceptable length (characters) of one ``一是……`` item written by the drafter.
ITEM_CHARS = (8, 110)
#: Longest item ÷ shortest item above which an enumeration reads lopsided.
ITEM_RATIO = 9.0

PROVINCES: tuple[str, ...] = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)
_OTHER_ORGAN_WORDS = ("分局", "局系统", "全系统", "本系统", "市委巡察", "巡察组", "区**局")
_EVENT_WORDS = ("主题教育", "疫情", "新冠", "开局之年", "作风建设年", "党史学习教育", "周年")
_SELF_RE = re.compile(r"我(?:局|市|区|县|委|办|院|厅|部|省)")
_ENUM_ITEM_RE = re.compile(r"([一二三四五六七八九十]+)是(.+?)(?=[一二三四五六七八九十]+是|$)")
_SUBHEAD_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)](.+)$")
_ODD_END_RE = re.compile(r"[的和与及对在把将并或、，]。")


def user_texts(facts: FactSheet) -> list[str]:
    """The fact sheet's own wording (highlights, problems, plans, rectification, figure labels).

    Pass it as ``exempt`` to :func:`~drafter.drafting.similarity.near_duplicate_pairs`:
    two sentences both carrying the user's words are the user's, not the drafter's.
    """
    from .composer import practice_sentence

    profile = facts.profile()
    return (
        facts.free_texts()
        + [f.label for f in facts.figures]
        + [practice_sentence(facts, p.id, profile) for p in facts.practices]
        + [facts.signature_unit]
    )


def repeated_sentences(text: str, min_chars: int = 20) -> list[str]:
    """Body sentences of ``min_chars``+ characters that occur more than once."""
    counts = Counter(s.rstrip("。；") for s in body_sentences(text) if len(normalise(s)) >= min_chars)
    return [s for s, n in counts.items() if n > 1]


def foreign_specifics(text: str, facts: FactSheet) -> list[str]:
    """Words in ``text`` that name another unit, place or year's campaign."""
    own = " ".join(x for x in (facts.unit, facts.org, facts.superior or "", facts.region or "") if x)
    found: list[str] = []
    body = "\n".join(body_sentences(text))
    mine = facts.profile().self_ref
    for m in _SELF_RE.finditer(body):
        if m.group() != mine:
            found.append(m.group())
    for word in _OTHER_ORGAN_WORDS + _EVENT_WORDS:
        if word in body and word not in own:
            found.append(word)
    for place in PROVINCES:
        if place in body and place not in own:
            found.append(place)
    return sorted(set(found))


def enumeration_problems(text: str) -> list[str]:
    """``一是……`` items outside :data:`ITEM_CHARS`, or lopsided lists (longest/shortest > ITEM_RATIO)."""
    problems: list[str] = []
    lo, hi = ITEM_CHARS
    for line in text.splitlines():
        if "一是" not in line:
            continue
        start = line.index("一是")
        items = [m.group(2).rstrip("。；") for m in _ENUM_ITEM_RE.finditer(line[start:])]
        # the last item may carry the paragraph's closing sentence
        if items:
            items[-1] = items[-1].split("。")[0]
        lengths = [len(normalise(i)) for i in items]
        for item, n in zip(items, lengths, strict=True):
            if n < lo or n > hi:
                problems.append(f"{n}字：{item[:30]}")
        if len(lengths) > 1 and min(lengths) and max(lengths) / min(lengths) > ITEM_RATIO:
            problems.append(f"长短悬殊（{max(lengths)}/{min(lengths)}）：{line[:30]}")
    return problems


def heading_echoes(text: str, threshold: float = 0.5) -> list[str]:
    """Subsections whose first body sentence (or its first clause) repeats the heading."""
    lines = text.splitlines()
    found: list[str] = []
    for i, line in enumerate(lines[:-1]):
        m = _SUBHEAD_RE.match(line.strip())
        if not m:
            continue
        heading = m.group(1).rstrip("。")
        body = lines[i + 1]
        first = body.split("。")[0]
        clause = re.split(r"[，；]", re.sub(r"^[一二三四五六七八九十]+是", "", first))[0]
        if normalise(clause) == normalise(heading) or similarity(first, heading) >= threshold:
            found.append(f"{heading} → {first[:30]}")
        for item in re.findall(r"[一二三四五六七八九十]+是([^，。；]+)", body):
            if normalise(item) and normalise(item) in normalise(heading):
                found.append(f"{heading} → {item}")
    return found


def odd_endings(text: str) -> list[str]:
    """Sentences that end on a particle, conjunction or comma."""
    return [s for s in body_sentences(text) if _ODD_END_RE.search(s)]
