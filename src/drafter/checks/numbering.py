"""Heading numbers and ``一是……二是……`` enumerations.

* gaps (``一、二、四、``), repeats and disorder among siblings at any level;
* numbers that carry on from the previous parent instead of restarting
  (``一、（一）（二） 二、（三）``);
* skipped levels (``（1）`` directly under ``二、`` as in sample 003);
* enumerations that skip (``一是……三是``), repeat or run backwards.

Works on a fragment too: a text that starts at ``（一）`` is not a level skip.
"""

from __future__ import annotations

import itertools

from ..text.doctree import Enumeration, Section, int_to_chinese
from ..text.finding import Finding, Locator

__all__ = ["check_numbering"]

_LEVEL_NAMES = {1: "一级标题“一、”", 2: "二级标题“（一）”", 3: "三级标题“1.”", 4: "四级标题“（1）”"}


def _fmt(s: Section, value: int) -> str:
    if s.level in (1, 2):
        n = int_to_chinese(value)
    else:
        n = str(value)
    return {
        "一、": f"{n}、",
        "（一）": f"（{n}）",
        "1.": f"{n}.",
        "1、": f"{n}、",
        "（1）": f"（{n}）",
    }.get(s.style, f"{n}、")


def _runs(children: list[Section]) -> list[list[Section]]:
    """Numbered children grouped by level (a level-4 list between level-3 items is its own run)."""
    by_level: dict[int, list[Section]] = {}
    for c in children:
        if c.implicit or c.value is None:
            continue
        by_level.setdefault(c.level, []).append(c)
    return list(by_level.values())


def _check_run(loc: Locator, run: list[Section], previous_last: int | None) -> list[Finding]:
    out: list[Finding] = []
    first = run[0]
    if first.value != 1:
        if previous_last is not None and first.value == previous_last + 1:
            out.append(
                loc.make(
                    "numbering", "numbering-no-restart", "error",
                    f"“{first.marker}”接续了上一部分的编号：换了上级标题后应从“{_fmt(first, 1)}”重新编号。",
                    first.heading_start, first.heading_start + len(first.marker),
                )
            )
        else:
            out.append(
                loc.make(
                    "numbering", "numbering-start", "error",
                    f"这一组标题从“{first.marker}”开始：应从“{_fmt(first, 1)}”开始编号。",
                    first.heading_start, first.heading_start + len(first.marker),
                )
            )
    for prev, cur in itertools.pairwise(run):
        pv, cv = prev.value or 0, cur.value or 0
        span = (cur.heading_start, cur.heading_start + len(cur.marker))
        if cv == pv + 1:
            continue
        if cv == pv:
            code, msg = "numbering-repeat", f"标题编号“{cur.marker}”重复：应为“{_fmt(cur, pv + 1)}”，其后的编号依次顺延。"
        elif cv > pv + 1:
            missing = "、".join(_fmt(cur, v) for v in range(pv + 1, min(cv, pv + 4)))
            code, msg = "numbering-gap", f"标题编号从“{prev.marker}”跳到“{cur.marker}”，缺少“{missing}”：请改为“{_fmt(cur, pv + 1)}”并顺延。"
        else:
            code, msg = "numbering-order", f"标题编号“{cur.marker}”排在“{prev.marker}”之后，顺序颠倒：应为“{_fmt(cur, pv + 1)}”。"
        out.append(loc.make("numbering", code, "error", msg, *span))
    return out


def _check_styles(loc: Locator, run: list[Section]) -> list[Finding]:
    """Siblings at one level written in two styles (``1.`` and ``1、``)."""
    out: list[Finding] = []
    style0 = run[0].style
    for s in run[1:]:
        if s.style != style0:
            out.append(
                loc.make(
                    "numbering", "numbering-style", "warning",
                    f"同一组标题编号样式不一致：“{run[0].marker}”与“{s.marker}”，请统一为“{_fmt(run[0], s.value or 1)}”的写法。",
                    s.heading_start, s.heading_start + len(s.marker),
                )
            )
    return out


def _check_enumerations(loc: Locator, items: list[Enumeration]) -> list[Finding]:
    out: list[Finding] = []
    prev: Enumeration | None = None
    for e in items:
        if prev is None or e.value == 1:
            if prev is None and e.value != 1:
                out.append(
                    loc.make(
                        "numbering", "enumeration-start", "warning",
                        f"列举从“{e.number}是”开始，前面没有“一是”：请补上前面的条目或改为“一是”。",
                        e.start, e.end,
                    )
                )
            prev = e
            continue
        expected = int_to_chinese(prev.value + 1) + "是"
        if e.value == prev.value:
            out.append(loc.make("numbering", "enumeration-repeat", "error",
                                f"列举“{e.number}是”重复出现：这里应为“{expected}”，其后依次顺延。", e.start, e.end))
        elif e.value > prev.value + 1:
            out.append(loc.make("numbering", "enumeration-gap", "error",
                                f"列举从“{prev.number}是”跳到“{e.number}是”：这里应为“{expected}”。", e.start, e.end))
        elif e.value < prev.value:
            out.append(loc.make("numbering", "enumeration-order", "error",
                                f"列举“{e.number}是”排在“{prev.number}是”之后，顺序颠倒：这里应为“{expected}”。", e.start, e.end))
        prev = e
    return out


def check_numbering(loc: Locator) -> list[Finding]:
    """Numbering findings for the whole document (or fragment)."""
    doc = loc.doc
    out: list[Finding] = []
    # top-level runs: only the shallowest level present is a real list (a fragment
    # that starts at （一） is not a level skip)
    tops = [s for s in doc.sections if not s.implicit and s.value is not None]
    if tops:
        min_level = min(s.level for s in tops)
        run = [s for s in tops if s.level == min_level]
        out += _check_run(loc, run, None)
        out += _check_styles(loc, run)

    def visit(parents: list[Section]) -> None:
        # cousins at one depth: a child list that continues the previous parent's numbers
        last_by_level: dict[int, int] = {}
        next_parents: list[Section] = []
        for parent in parents:
            for run in _runs(parent.children):
                level = run[0].level
                out.extend(_check_run(loc, run, last_by_level.get(level)))
                out.extend(_check_styles(loc, run))
                last_by_level[level] = run[-1].value or 0
            flagged: set[int] = set()
            for child in parent.children:
                if child.level > parent.level + 1 and not parent.implicit and child.level not in flagged:
                    flagged.add(child.level)  # one finding per list, at its first heading
                    skipped = "、".join(_LEVEL_NAMES[lv] for lv in range(parent.level + 1, child.level))
                    out.append(
                        loc.make(
                            "numbering", "numbering-level-skip", "warning",
                            f"以“{child.marker}”开头的标题直接排在“{parent.label[:20]}”之下，跳过了{skipped}："
                            f"请改用{_LEVEL_NAMES[parent.level + 1]}的编号，或补上中间一级标题。",
                            child.heading_start, child.heading_start + len(child.marker),
                        )
                    )
            next_parents.extend(parent.children)
        if next_parents:
            visit(next_parents)

    visit(list(doc.sections))

    # enumerations: per section's own paragraphs (and the opening)
    out += _check_enumerations(loc, [e for p in doc.opening for e in p.enumerations])
    for s in doc.walk():
        out += _check_enumerations(loc, [e for p in s.paragraphs for e in p.enumerations])
    return out
