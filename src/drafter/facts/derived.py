"""Numbers the program computes from what the writer entered: totals and merged items.

A draft may state a total the writer did not type (正职21人、副职46人 → 共67人) or
merge items alike in form (four 培训班 highlights → 「分别培训30、25、28、31人，共114人」).
Both are computed here, once, so the composer that writes them, the checker that
holds the draft's numbers against the sheet, and the grounding measures agree.

* :func:`figure_totals` — groups of two or more count figures whose labels differ only
  in the middle (``提拔正科级领导干部`` / ``提拔副科级领导干部``) and share a unit;
* :func:`alike_groups` — texts that are the same once their numbers are masked, merged
  by :func:`merge_alike` into one sentence that keeps every number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .sheet import FactSheet, Figure, _fmt

__all__ = [
    "AlikeGroup", "FigureShare", "FigureTotal", "alike_groups", "derived_numbers", "figure_shares", "figure_totals",
    "merge_alike", "part_names",
]

_VERBS = ("提拔", "选拔任用", "选拔", "任用", "进一步使用", "选任", "晋升", "交流", "调整", "推荐", "考察", "培训")


@dataclass(frozen=True)
class FigureTotal:
    """``共提拔乡科级领导干部67人，其中正职21人、副职46人``."""

    label: str  # 提拔乡科级领导干部
    parts: tuple[tuple[str, Figure], ...]  # (正职, figure) …
    unit: str

    @property
    def value(self) -> float:
        return sum(f.value for _, f in self.parts)

    @property
    def keys(self) -> list[str]:
        return [f.key or "" for _, f in self.parts]

    @property
    def phrase(self) -> str:
        return f"{_fmt(self.value)}{self.unit}"

    def sentence(self) -> str:
        """The total and its parts, without end stop."""
        parts = "、".join(f"{name}{f.phrase}" for name, f in self.parts)
        label = self.label
        for verb in _VERBS:
            if label.startswith(verb):
                return f"共{label}{self.phrase}，其中{parts}"
        return f"{label}共{self.phrase}，其中{parts}"


def _common_prefix(labels: Sequence[str]) -> str:
    first = labels[0]
    n = 0
    while n < len(first) and all(len(x) > n and x[n] == first[n] for x in labels):
        n += 1
    return first[:n]


def _common_suffix(labels: Sequence[str]) -> str:
    return _common_prefix([x[::-1] for x in labels])[::-1]


def _total_for(figs: list[Figure]) -> FigureTotal | None:
    labels = [f.label.strip() for f in figs]
    if len(set(labels)) != len(labels):
        return None
    prefix = _common_prefix(labels)
    suffix = _common_suffix([x[len(prefix):] for x in labels])
    middles = [x[len(prefix): len(x) - len(suffix)] for x in labels]
    if not prefix or not any(prefix.startswith(v) for v in _VERBS) or any(not m for m in middles):
        return None
    if all(m in ("正", "副") for m in middles) and suffix.startswith("职"):
        names = [m + "职" for m in middles]
        return FigureTotal(prefix + suffix[1:], tuple(zip(names, figs, strict=True)), figs[0].unit)
    if all(m in ("正", "副") for m in middles) and "级" in suffix[:4]:
        level = suffix[: suffix.index("级") + 1]
        names = [m + level for m in middles]
        return FigureTotal(prefix + suffix, tuple(zip(names, figs, strict=True)), figs[0].unit)
    if all(m in "一二三四" and len(m) == 1 for m in middles) and suffix.startswith("级") and len(suffix) > 1:
        # 晋升一级主任科员 / 晋升二级主任科员 → 共晋升主任科员14人，其中一级6人、二级8人
        names = [m + "级" for m in middles]
        return FigureTotal(prefix + suffix[1:], tuple(zip(names, figs, strict=True)), figs[0].unit)
    if all(m[0] in "正副" for m in middles) and len({m[1:] for m in middles}) == 1:
        return FigureTotal(prefix + middles[0][1:] + suffix, tuple(zip(middles, figs, strict=True)), figs[0].unit)
    return None


def figure_totals(figures: Sequence[Figure]) -> list[FigureTotal]:
    """Totals the program may state: per unit, figures (two or more, counts) whose labels differ only in 正/副."""
    out: list[FigureTotal] = []
    used: set[str] = set()
    counts = [f for f in figures if f.unit != "%"]
    for i, fig in enumerate(counts):
        if fig.key in used:
            continue
        group = [fig]
        for other in counts[i + 1:]:
            if other.key in used or other.unit != fig.unit:
                continue
            if _total_for([*group, other]) is not None:
                group.append(other)
        if len(group) >= 2:
            total = _total_for(group)
            if total is not None:
                out.append(total)
                used.update(f.key or "" for f in group)
    return out


# ---- shares of a computed total -----------------------------------------------------
#: words that make a figure a subset of the cadres a total counts (age, way of selection)
_SUBSET_RE = re.compile(r"\d+岁(?:以下|左右)|年轻|女|党外|公开竞聘|竞聘上岗")
_LEVEL_RE = re.compile(r"乡科级|县处级|厅局级|科级|处级|中层")
_SAME_UNIT = {"人": "人", "名": "人"}


@dataclass(frozen=True)
class FigureShare:
    """``其中35岁以下4名，占提拔科级领导干部总数的28.6%``: an entered part of a computed total."""

    figure: Figure
    total: FigureTotal

    @property
    def value(self) -> float:
        return round(self.figure.value / self.total.value * 100, 1)

    @property
    def phrase(self) -> str:
        return f"{_fmt(self.value)}%"

    def clause(self) -> str:
        """``占提拔科级领导干部总数的28.6%`` (no end stop)."""
        return f"占{self.total.label}总数的{self.phrase}"


def figure_shares(figures: Sequence[Figure]) -> list[FigureShare]:
    """Entered figures that count a part of a computed total (35岁以下, 公开竞聘 … of the same
    cadres), with their share of it; both numbers are on the sheet, so the share is traceable."""
    out: list[FigureShare] = []
    totals = figure_totals(figures)
    in_total = {k for t in totals for k in t.keys}
    for fig in figures:
        if fig.unit == "%" or fig.key in in_total or not _SUBSET_RE.search(fig.label):
            continue
        for total in totals:
            if _SAME_UNIT.get(fig.unit) != _SAME_UNIT.get(total.unit) or not 0 < fig.value < total.value:
                continue
            level = _LEVEL_RE.search(total.label)
            verb = next((v for v in _VERBS if total.label.startswith(v)), None)
            if (level and level.group() in fig.label) or (verb and fig.label.startswith(verb)):
                out.append(FigureShare(fig, total))
                break
    return out


# ---- items alike in form ------------------------------------------------------------
_NUM = re.compile(r"\d+(?:\.\d+)?")
_COUNT_UNITS = ("人次", "人", "名", "项", "个", "家", "次", "批")


@dataclass(frozen=True)
class AlikeGroup:
    """Texts equal once their numbers are masked (``第#期…培训#人``)."""

    texts: tuple[str, ...]

    def merged(self) -> str:
        return merge_alike(self.texts)

    def totals(self) -> list[tuple[float, str]]:
        """``[(114, "人")]``: the sums the merged sentence states."""
        return _merge(self.texts)[1]


def _skeleton(text: str) -> str:
    return _NUM.sub("#", text.strip().rstrip("。；;，,"))


def alike_groups(texts: Sequence[str]) -> list[AlikeGroup]:
    """Groups (two or more) of ``texts`` alike in form, in first-seen order; singletons left out."""
    by_skel: dict[str, list[str]] = {}
    for t in texts:
        skel = _skeleton(t)
        if "#" in skel:
            by_skel.setdefault(skel, []).append(t)
    return [AlikeGroup(tuple(v)) for v in by_skel.values() if len(v) >= 2 and len(set(v)) == len(v)]


def _merge(texts: Sequence[str]) -> tuple[str, list[tuple[float, str]]]:
    clean = [t.strip().rstrip("。；;，,") for t in texts]
    skel = _skeleton(clean[0])
    values = [[m.group() for m in _NUM.finditer(t)] for t in clean]
    pieces = skel.split("#")
    n = len(clean)
    out = pieces[0]
    totals: list[tuple[float, str]] = []
    for slot in range(len(pieces) - 1):
        after = pieces[slot + 1]
        column = [v[slot] for v in values]
        before_text = out
        if len(set(column)) == 1:
            out += column[0] + after
            continue
        if after.startswith("月") or after.startswith("日"):
            # a date that differs between the items: dropped, with what is bound to it
            out = re.sub(r"(?:于|在)?$", "", before_text)
            rest = after[1:]
            rest = re.sub(r"^(?:份|中旬|上旬|下旬)?", "", rest)
            out += rest
            continue
        if before_text.endswith("第") and after[:1] in ("期", "批", "次", "轮", "届"):
            out = before_text[:-1] + f"{n}" + after
            continue
        unit = next((u for u in _COUNT_UNITS if after.startswith(u)), None)
        if unit is not None:
            clause_start = max(before_text.rfind(c) for c in "，；：、") + 1
            verb = before_text[clause_start:]
            total = sum(float(x) for x in column)
            totals.append((total, unit))
            out = before_text[:clause_start] + f"分别{verb}{'、'.join(column)}{unit}，共{_fmt(total)}{unit}" + after[len(unit):]
            continue
        out += "、".join(column) + after
    return out, totals


def merge_alike(texts: Sequence[str]) -> str:
    """One sentence (no end stop) keeping every number of ``texts`` alike in form.

    ``3月举办第1期能力提升培训班，培训30人`` ×4 → ``举办4期能力提升培训班，分别培训30、25、28、31人，共114人``.
    """
    return _merge(texts)[0]


def derived_numbers(facts: FactSheet) -> list[tuple[float, str, str]]:
    """``(value, unit, label)`` of every number the program may state beyond the entered ones."""
    out: list[tuple[float, str, str]] = []
    for total in figure_totals(facts.figures):
        out.append((total.value, total.unit, total.label))
    texts = [h.text for h in facts.highlights]
    for group in alike_groups(texts):
        merged = group.merged()
        for value, unit in group.totals():
            out.append((value, unit, merged))
        m = re.search(r"(\d+)(期|批|次|轮|届)", merged)
        if m:
            out.append((float(m.group(1)), m.group(2), merged))
    for share in figure_shares(facts.figures):
        out.append((share.value, "%", f"{share.figure.label}{share.clause()}"))
    out.extend(_definition_numbers(facts))
    return out


def _definition_numbers(facts: FactSheet) -> list[tuple[float, str, str]]:
    """Numbers a ticked practice's definition states (公示期不少于五个工作日): the rule's, not the unit's."""
    from .units import catalogue

    out: list[tuple[float, str, str]] = []
    cn = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
    for item in facts.practices:
        p = catalogue().practice(item.id)
        if p is None or p.definition is None or not p.definition.applies(facts.resolved_unit_type):
            continue
        for m in re.finditer(r"(\d+|[一二两三四五六七八九十])\s*(个|项|名|人|次)", p.definition.text):
            raw = m.group(1)
            out.append((float(raw) if raw.isdigit() else float(cn[raw]), m.group(2), p.definition.text))
    return out


def part_names(facts: FactSheet) -> list[tuple[str, Figure]]:
    """``("正科级", figure)``: how a total's sentence names each entered part (「其中正科级4人」)."""
    return [(name, fig) for total in figure_totals(facts.figures) for name, fig in total.parts]
