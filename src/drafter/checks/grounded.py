"""无依据: a sentence naming something the fact sheet does not give.

Numbers are the figure check's (``figure-unsupported``); this check adds the named
things — an activity or programme in “…” or a document in 《…》 — that neither the
sheet (highlights, notes, problems, plans, rectification) nor standard wording
(canonical formulations, rules' titles, the phrase bank) gives. The matcher is
:class:`drafter.drafting.basis.BasisMatcher`, the one behind the 事实依据表.
"""

from __future__ import annotations

import re

from ..drafting.basis import BasisMatcher, split_sentences
from ..facts.sheet import FactSheet
from ..text.finding import Finding, Locator

__all__ = ["check_grounded"]


def check_grounded(loc: Locator, facts: FactSheet, matcher: BasisMatcher | None = None) -> list[Finding]:
    """A warning per named thing the sheet lacks, at the name itself."""
    matcher = matcher or BasisMatcher(facts)
    text = loc.doc.text
    out: list[Finding] = []
    for start, _end, sentence in split_sentences(text):
        sb = matcher.sentence(sentence, start=start)
        for name in sb.unsupported:
            inner = name[1:-1]
            if name.startswith("“") and _is_count(inner):
                continue  # counts are the figure check's
            at = sentence.find(inner)
            s = start + max(0, at - 1) if at >= 0 else start
            e = s + len(inner) + 2 if at >= 0 else start + len(sentence)
            out.append(loc.make(
                "basis", "basis-unsupported", "warning",
                f"无依据：{name}未见于数据表。如确有此项工作，请在数据表（亮点或做法说明）中补充；否则删去。",
                s, e,
            ))
    return out


def _is_count(inner: str) -> bool:
    return bool(_COUNT.fullmatch(inner))


_COUNT = re.compile(r"[\d.零〇一二三四五六七八九十百两]+\s?[万千]?\s?\S{1,2}")
