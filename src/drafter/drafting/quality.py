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
    "STANDING_WORDS",
    "authority_claims",
    "empty_parts_unmarked",
    "figures_not_once",
    "frame_problems",
    "self_reference_mix",
    "shared_share",
    "template_leftovers",
    "thin_subsections",
    "unstated_standing",
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
        # a practice's sentence, and the rule's own sentence after it (「按照《条例》，……」), each on its own
        + [part for p in facts.practices for part in practice_sentence(facts, p.id, profile).split("。") if part]
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


# ---- a report the unit would sign (issue 18) ---------------------------------------------
#: Standing or honours a draft may state only when the sheet gives them.
STANDING_WORDS: tuple[str, ...] = (
    "双一流", "文明单位", "文明城市", "全国先进", "示范单位", "先进集体", "五一劳动奖", "红旗单位", "标杆单位",
)
#: Parentheticals that are part of a name, never a leftover.
_NAME_PARENS = ("试行", "社区", "2019年", "街道", "含", "正处", "副处")
_PAREN_RE = re.compile(r"（([^（）\n]{1,12})）")
_SELF_WORDS = ("我局", "我厅", "我委", "我办", "我县", "我市", "我区", "我镇", "我乡", "我公司", "我校", "我院", "我所", "全校", "全院")


def frame_problems(text: str, facts: FactSheet) -> list[str]:
    """What the document frame lacks: title form, 主送, 「…报告如下：」, 「特此报告。」, 落款, 成文日期 (or its marker)."""
    from ..text.frame import CLOSING, DATE_MISSING, format_date

    lines = [x.strip() for x in text.strip("\n").splitlines() if x.strip()]
    profile = facts.profile()
    out: list[str] = []
    if not lines or lines[0] != profile.title(facts.year, facts.signature_unit):
        out.append("标题不是本类单位的形式")
    recipient = f"{facts.superior}：" if facts.superior else None
    if len(lines) < 2 or not lines[1].endswith("：") or (recipient and lines[1] != recipient):
        out.append("缺少主送机关")
    if not any(x.startswith("现将") and x.endswith("报告如下：") for x in lines[:6]):
        out.append("开头没有以“现将……报告如下：”结束")
    if len(lines) < 3 or lines[-3] != CLOSING:
        out.append("缺少“特此报告。”")
    if len(lines) < 2 or lines[-2] != facts.signature_unit:
        out.append("缺少落款")
    date = format_date(facts.date) if facts.date else DATE_MISSING
    if not lines or lines[-1] != date:
        out.append("缺少成文日期（或其待补标记）")
    return out


def template_leftovers(text: str) -> list[str]:
    """A parenthesis repeating the words just before it: 「选任处级干部（处级）」."""
    found: list[str] = []
    for m in _PAREN_RE.finditer(text):
        inner = m.group(1)
        if any(inner.startswith(p) for p in _NAME_PARENS) or "待补" in inner:
            continue
        before = text[max(0, m.start() - 14) : m.start()]
        parts = [x for x in re.split(r"[、，,]", inner) if x]
        if parts and all(x in before or x.rstrip("级") in before for x in parts):
            found.append(text[max(0, m.start() - 8) : m.end()])
    return found


def unstated_standing(text: str, facts: FactSheet) -> list[str]:
    """Standing or honours (双一流, 文明单位 …) the sheet does not give."""
    own = " ".join([facts.unit, facts.org, *facts.free_texts(), *(f.label for f in facts.figures)])
    return [w for w in STANDING_WORDS if w in text and w not in own]


def authority_claims(text: str, facts: FactSheet) -> list[str]:
    """Phrases claiming an authority the unit type lacks (its ``claims_forbidden``), outside the writer's words."""
    own = " ".join([*facts.free_texts(), *(f.label for f in facts.figures)])
    claims = facts.profile().authority.claims_forbidden
    return [c for c in claims if c in text and c not in own]


def self_reference_mix(text: str, facts: FactSheet) -> list[str]:
    """Self-references other than the unit type's one (outside names and the writer's words)."""
    own = " ".join([facts.unit, facts.org, facts.signature_unit, *facts.free_texts()])
    mine = facts.profile().self_ref
    body = "\n".join(body_sentences(text))
    return sorted({w for w in _SELF_WORDS if w != mine and w in body and w not in own})


def thin_subsections(text: str) -> list[str]:
    """Practice paragraphs of one sentence (a marker paragraph excepted): headings of those too thin."""
    from ..text.markers import MISSING_RE

    found: list[str] = []
    lines = text.splitlines()
    in_practices = False
    for i, line in enumerate(lines[:-1]):
        s = line.strip()
        if re.match(r"^[一二三四五六七八九十]+、", s):
            in_practices = not any(k in s for k in ("总体情况", "整改", "问题", "打算", "改进", "其他"))
            heading = s
        elif _SUBHEAD_RE.match(s) and in_practices:
            heading = s
        else:
            continue
        body = lines[i + 1].strip()
        if not in_practices or not body or _SUBHEAD_RE.match(body) or MISSING_RE.search(body):
            continue
        sentences = [x for x in re.split(r"(?<=。)", body) if x.strip()]
        if len(sentences) < 2:
            found.append(heading)
    return found


def figures_not_once(text: str, facts: FactSheet) -> list[str]:
    """Entered figures stated other than exactly once (as entered or as a part of a computed total)."""
    from .composer import figure_forms

    flat = text.replace("\n", "")
    out: list[str] = []
    for f in facts.figures:
        spans = sorted(
            (m.start(), m.start() + len(form))
            for form in set(figure_forms(f, facts)) if form
            for m in re.finditer(re.escape(form), flat)
        )
        clusters = 0
        end = -1
        for start, stop in spans:  # a form inside another (the phrase inside the practice's sentence) is one
            if start >= end:
                clusters += 1
            end = max(end, stop)
        if clusters != 1:
            out.append(f.label)
    return out


#: Required parts: how the heading names them, and the fact the sheet gives for them.
_REQUIRED = (
    ("总体情况", "overview"), ("干部监督", "supervision"), ("整改", "rectification"),
    ("问题", "problems"), ("打算", "plans"),
)


def empty_parts_unmarked(text: str, facts: FactSheet) -> list[str]:
    """Required parts missing, or empty in the sheet yet written without a 〔待补：…〕 marker."""
    from ..text.markers import MISSING_RE

    sections: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        if re.match(r"^[一二三四五六七八九十]+、", line.strip()):
            current = line.strip()
            sections[current] = ""
        elif current:
            sections[current] += line
    out: list[str] = []
    for word, key in _REQUIRED:
        heading = next((h for h in sections if word in h), None)
        if heading is None:
            out.append(f"缺少“{word}”部分")
            continue
        empty = {
            "overview": not facts.figures,
            "supervision": False,
            "rectification": not facts.rectification and not facts.no_prior_feedback,
            "problems": not facts.problems,
            "plans": not facts.plans,
        }[key]
        if empty and not MISSING_RE.search(sections[heading]):
            out.append(f"“{word}”部分为空却没有待补标记")
    practices = [h for h in sections if not any(w in h for w, _ in _REQUIRED)]
    if not practices:
        out.append("缺少主要做法部分")
    return out


def _unframed(text: str) -> str:
    """The text without its frame lines (主送, 「现将…如下：」, 特此报告, 落款, 成文日期)."""
    from ..text.frame import CLOSING

    lines = text.strip("\n").splitlines()
    keep = [lines[0]] if lines else []
    for i, line in enumerate(lines[1:], start=1):
        s = line.strip()
        if (i == 1 and s.endswith("：") and len(s) <= 24) or (s.startswith("现将") and s.endswith("如下：")):
            continue
        if s == CLOSING:
            break  # the 落款 and date follow
        keep.append(line)
    return "\n".join(keep)


def shared_share(a: str, b: str) -> float:
    """Share of ``a``'s body sentences that ``b`` also has (equal, or bigram similarity ≥ 0.6)."""
    from .grounding import SAME_SENTENCE

    mine = [s for s in body_sentences(_unframed(a)) if len(normalise(s)) >= 6]
    theirs = [s for s in body_sentences(_unframed(b)) if len(normalise(s)) >= 6]
    if not mine:
        return 0.0
    shared = [
        s for s in mine if any(normalise(s) == normalise(x) or similarity(s, x) >= SAME_SENTENCE for x in theirs)
    ]
    return len(shared) / len(mine)
