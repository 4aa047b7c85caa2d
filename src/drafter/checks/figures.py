"""Counts in the text, held against the fact sheet.

:func:`find_counts` extracts every count — Arabic or Chinese numerals followed by
人/名/人次/项/个/期/家/次/批/% (and 百分之N) — with the words around it.
:func:`match_count` decides whether one count is *supported* by an entered figure
(or by a number written in the highlights, problems, plans or rectification),
*contradicts* the figure its words name, or is *unsupported*.

Not counts: years and dates (``2023年``, ``3月``), ordinals (``第2批``), ages
(``40岁``), set phrases (“四个意识” 两个确立 一报告两评议 1书4表 两项法规 …),
a number that merely counts the list before it (``政治忠诚、…、政治自律等5个方面``),
and ``一个``/``一次``/``一批`` (idiom, not a claim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..facts.derived import derived_numbers, part_names
from ..facts.sheet import FactSheet, Figure
from ..text.doctree import chinese_to_int
from ..text.finding import Finding, Locator

__all__ = [
    "SET_PHRASES",
    "Count",
    "CountMatch",
    "check_figures",
    "fact_numbers",
    "find_counts",
    "match_count",
]

_CN = "零〇一二三四五六七八九十百两"
_UNITS = "人次|人|名|项|个|期|家|次|批|起|件|成|%|％"
_COUNT_RE = re.compile(
    rf"(?P<pct>百分之(?P<pctnum>[{_CN}点]+))"
    rf"|(?P<num>\d+(?:\.\d+)?|[{_CN}]+)\s?(?P<mult>[万千])?\s?(?P<approx>余|多|来)?\s?(?P<unit>{_UNITS})"
)
#: Words before a count that make it approximate from below: 近八成, 约300人, 将近100人.
_NEAR_BEFORE = ("将近", "接近", "大约", "近", "约")
#: Set phrases built from a numeral and a measure word: never counts.
SET_PHRASES = (
    "两个维护", "两个确立", "四个意识", "四个自信", "四个全面", "四个一", "两个责任", "两个务必",
    "三个务必", "两个大局", "两个结合", "两个先行", "两个毫不动摇", "五个过硬", "三个区分开来",
    "两项法规", "两个方面", "三个方面", "四个方面", "五个方面", "两个层面", "一报告两评议",
    "两评议", "三会一课", "两学一做", "三严三实", "四风", "四个不直接分管", "两中心一站",
    "四下基层", "四项监督制度", "三项机制", "两个一百年", "四个服务", "五个一", "三个一",
    "八项规定", "三重一大", "三个一批", "两个作用", "六个一", "一岗双责", "三项制度",
)
_IDIOM_AFTER = ("方面", "层面", "维度", "意识", "自信", "维护", "确立", "全面", "务必", "责任",
                "结合", "大局", "一", "是", "性", "字", "心", "到位", "坚持", "必须", "过硬")
_BOUNDARY = "，。；：！？,;:!?\n、（）()“”\"《》"


@dataclass
class Count:
    """A count written in the text: ``4人`` with its value, unit and surroundings."""

    value: float
    unit: str  # normalised: 人 名 人次 项 个 期 家 次 批 %
    start: int
    end: int
    text: str
    label_context: str  # words naming the count: the clause before and after it
    before: str = ""
    after: str = ""
    #: "" exact; "over" (1000余人, 十多个: more than the number); "near" (近八成, 约300人: about it)
    approx: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value, "unit": self.unit, "start": self.start, "end": self.end,
            "text": self.text, "label_context": self.label_context,
        }


@dataclass
class CountMatch:
    """How a count relates to the fact sheet."""

    status: str  # supported | contradicted | unsupported
    figure: Figure | None = None  # the figure it states or names
    source: str = ""  # the label or free text that supports or names it
    candidates: list[Figure] = field(default_factory=list)


def _cn_value(text: str) -> float | None:
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = chinese_to_int(whole.replace("两", "二")) if whole else 0
        digits = "".join(str(chinese_to_int(c)) for c in frac if chinese_to_int(c) is not None)
        if w is None or not digits:
            return None
        return float(f"{w}.{digits}")
    v = chinese_to_int(text)
    return float(v) if v is not None else None


def _list_count_before(before: str) -> int:
    """``政治忠诚、政治定力、…、政治自律等`` → 5 (items of the list the number sums up)."""
    if not before.endswith("等"):
        return -1
    clause = re.split(r"[，。；：！？,;:!?\n（）()]", before[:-1])[-1]
    if "、" not in clause:
        return -1
    return clause.count("、") + 1


def _context(text: str, start: int, end: int, floor: int = 0) -> tuple[str, str]:
    """The words naming a count: back to the clause start, a list comma or the previous count."""
    lo = max(0, start - 30, floor)
    before = text[lo:start]
    cut = max(before.rfind(c) for c in "，。；：！？,;:!?\n、")
    before = before[cut + 1 :] if cut >= 0 else before
    after = text[end : end + 16]
    stop = min((i for i, c in enumerate(after) if c in "，。；：！？,;:!?\n、（("), default=len(after))
    return before, after[:stop]


def _in_set_phrase(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` lies inside one of :data:`SET_PHRASES`."""
    for p in SET_PHRASES:
        lo = max(0, start - len(p) + 1)
        i = text.find(p, lo, end + len(p) - 1)
        while i != -1 and i < end:
            if i < end and i + len(p) > start:
                return True
            i = text.find(p, i + 1, end + len(p) - 1)
    return False


def find_counts(text: str) -> list[Count]:
    """Every count in ``text``, in order (see the module docstring for what is skipped)."""
    out: list[Count] = []
    for m in _COUNT_RE.finditer(text):
        start, end = m.start(), m.end()
        if m.group("pct"):
            value = _cn_value(m.group("pctnum"))
            if value is None:
                continue
            unit = "%"
            chinese = True
        else:
            num = m.group("num")
            unit = m.group("unit").replace("％", "%")
            chinese = not num[0].isdigit()
            if unit == "成" and (m.group("mult") or m.group("approx") or not chinese and "." in num):
                continue
            if chinese:
                # trim leading chars that are not part of the numeral (e.g. "百" alone is fine)
                value = _cn_value(num)
            else:
                value = float(num)
            if value is None:
                continue
            if m.group("mult"):
                value *= 10000 if m.group("mult") == "万" else 1000
            prev = text[start - 1] if start > 0 else ""
            # ordinals, codes and words: 第2批, G20次, 十几人 …
            if prev == "第" or (not chinese and (prev.isascii() and prev.isalnum() or prev == ".")):
                continue
            if chinese and prev in "第每各这那几上下":
                continue
            # a Chinese numeral glued to other characters: 统一个, 单一项 …
            if chinese:
                if _in_set_phrase(text, start, end):
                    continue
                if unit not in ("人", "名", "人次", "%"):
                    if value <= 1 or prev in "“「‘\"":
                        continue
                    if text[end : end + 2].startswith(_IDIOM_AFTER):
                        continue
        approx = ""
        if not m.group("pct"):
            if m.group("approx"):
                approx = "over"
            elif text[max(0, start - 2) : start].endswith(_NEAR_BEFORE):
                approx = "near"
            if unit == "成":  # 八成 = 80%, and never exact
                if not 1 <= value <= 10:
                    continue
                value, unit, approx = value * 10, "%", approx or "near"
        if _list_count_before(text[max(0, start - 60) : start]) == value:
            continue
        before, after = _context(text, start, end, out[-1].end if out else 0)
        out.append(Count(value, unit, start, end, text[start:end], before + after, before, after, approx))
    return out


# ---- matching -----------------------------------------------------------

_UNIT_CLASS = {"人": "人", "名": "人", "人次": "人次", "%": "%"}
_STOP = set("的了和与及在对把将被是为等共计其中名人次项个期家批")


def _unit_class(unit: str) -> str:
    return _UNIT_CLASS.get(unit, unit)


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\s\d*＊%％，。；：、“”（）()]", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1) if not (set(s[i : i + 2]) <= _STOP)}


def _similarity(label: str, context: str) -> float:
    """How strongly ``context`` names ``label``: share of the label's bigrams present."""
    lb = _bigrams(label)
    if not lb:
        return 0.0
    if label in context:
        return 1.0
    return len(lb & _bigrams(context)) / len(lb)


@dataclass
class _FactNumber:
    value: float
    unit: str
    label: str
    figure: Figure | None


def fact_numbers(facts: FactSheet) -> list[_FactNumber]:
    """Every number the writer entered: figures, and counts inside the free texts."""
    nums = [_FactNumber(f.value, f.unit, f.label, f) for f in facts.figures]
    for t in facts.free_texts():
        for c in find_counts(t):
            nums.append(_FactNumber(c.value, c.unit, t, None))
    # what the program computes from them (totals of parts, merged items) and the rules' own numbers
    for name, fig in part_names(facts):  # 「其中正科级4人」 names the figure 提拔正科级领导干部
        nums.append(_FactNumber(fig.value, fig.unit, "其中" + name, fig))
    for n, (value, unit, label) in enumerate(derived_numbers(facts), start=1):
        total = Figure(label=label, value=value, unit=unit, key=f"derived-{n}") if unit != "%" else None
        nums.append(_FactNumber(value, unit, label, total))
    return nums


_NAMED = 0.5  # a figure is "named" when at least half its label's bigrams are in the context


def _fits(value: float, count: Count) -> bool:
    """Whether an entered ``value`` is what ``count`` states (exactly, or within its approximation)."""
    n = count.value
    if count.approx == "over":  # 1000余人: 1001–1999; 十多个: 11–19
        return n < value < 2 * n
    if count.approx == "near":  # 近八成: 70–80%; 约300人: 270–330
        if count.unit == "%":
            return n - 10 <= value <= n + 5
        return 0.9 * n <= value <= 1.1 * n
    return abs(value - n) < 1e-9


def match_count(count: Count, facts: FactSheet, numbers: list[_FactNumber] | None = None) -> CountMatch:
    """Whether ``count`` is supported by, contradicts, or is missing from ``facts``."""
    numbers = numbers if numbers is not None else fact_numbers(facts)
    cls = _unit_class(count.unit)
    same_unit = [n for n in numbers if _unit_class(n.unit) == cls]
    context = count.label_context
    scored = sorted(
        ((n, _similarity(n.label, context) if n.figure is not None else _similarity(context, n.label))
         for n in same_unit),
        key=lambda x: -x[1],
    )
    equal = [(n, s) for n, s in scored if _fits(n.value, count)]
    named = [(n, s) for n, s in scored if n.figure is not None and s >= _NAMED]
    if equal:
        best_eq, eq_sim = equal[0]
        if named:
            best_named, named_sim = named[0]
            if not _fits(best_named.value, count) and named_sim > eq_sim:
                # the words name another figure more closely: compare what tells them apart
                ctx = _bigrams(context)
                own = _bigrams(best_named.label) - _bigrams(best_eq.label)
                other = _bigrams(best_eq.label) - _bigrams(best_named.label)
                if len(own & ctx) > len(other & ctx):
                    return CountMatch("contradicted", best_named.figure, best_named.label)
        return CountMatch("supported", best_eq.figure, best_eq.label)
    if named:
        best_named, _ = named[0]
        return CountMatch("contradicted", best_named.figure, best_named.label,
                          [n.figure for n, _ in named if n.figure is not None])
    return CountMatch("unsupported")


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def check_figures(loc: Locator, facts: FactSheet, *, whole: bool = False) -> list[Finding]:
    """An error for every count not supported by the fact sheet.

    With ``whole`` (a complete report, not one section) every entered figure that
    the text never states is reported too, as ``info`` at the 总体情况 heading.
    """
    out: list[Finding] = []
    numbers = fact_numbers(facts)
    stated: set[str] = set()
    for c in find_counts(loc.doc.text):
        m = match_count(c, facts, numbers)
        if m.status == "supported":
            if m.figure is not None and m.figure.key:
                stated.add(m.figure.key)
            continue
        if m.status == "contradicted" and m.figure is not None:
            out.append(loc.make(
                "figure", "figure-contradicts", "error",
                f"“{c.before[-12:]}{c.text}”与数据表不符：数据表中“{m.figure.label}”为{m.figure.phrase}。"
                "请按数据表改正，或先核对并更新数据表。",
                c.start, c.end,
            ))
        else:
            out.append(loc.make(
                "figure", "figure-unsupported", "error",
                f"数字“{c.text}”（{(c.before[-12:] + c.text + c.after[:8])}）在数据表中找不到依据："
                "请核对人事台账，在数据表中补充这一数据，或删去这个数字。",
                c.start, c.end,
            ))
    if whole:
        out += _unstated(loc, facts, stated)
    return out


def _unstated(loc: Locator, facts: FactSheet, stated: set[str]) -> list[Finding]:
    missing = [f for f in facts.figures if f.key not in stated]
    if not missing:
        return []
    overview = next((s for s in loc.doc.sections if loc.elements.get(id(s)) == "overview"), None)
    start = overview.heading_start if overview is not None else 0
    end = overview.heading_end if overview is not None else 0
    return [
        loc.make(
            "figure", "figure-unstated", "info",
            f"数据表中的“{f.label}”（{f.phrase}）在文中没有写到：如属本年度重要数据，请在总体情况中写明。",
            start, end,
        )
        for f in missing
    ]
