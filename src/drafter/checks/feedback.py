"""Last year's feedback left unanswered, and 民主评议 rates that do not add up (issue 24).

* ``feedback-unanswered`` (warning, category ``policy``): a feedback item of the sheet
  (or, on the review desk, of last year's 审核表) that the report never takes up, or
  takes up only with a 〔待补〕 marker: 「上年度反馈的“干部交流力度不够”问题未见整改情况」.
  An item counts as taken up when a sentence of the report carries its words (the
  item's text, or at least 60 % of its character pairs) without a 〔待补〕 marker.
* ``feedback-link`` (error): a rectification entry answering an item the sheet lacks.
* ``appraisal-sum`` (error, category ``figure``): the 好/较好/一般/差 rates of one
  民主评议 do not add up to 100 %.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..facts.feedback import FeedbackItem, appraisal_problems
from ..facts.sheet import FactSheet
from ..text.finding import Finding, Locator
from ..text.markers import MISSING_RE

__all__ = ["check_feedback", "is_answered", "unanswered_findings"]

_SENTENCE_RE = re.compile(r"[^。；！？\n]+")
_STRIP_RE = re.compile(r"[\s“”\"'‘’「」、，,。；;：:（）()]")


def _pairs(s: str) -> set[str]:
    s = _STRIP_RE.sub("", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def is_answered(text: str, item: str) -> bool:
    """Whether some sentence of ``text`` takes up ``item`` (and is not a 〔待补〕 marker)."""
    want = _pairs(item)
    core = _STRIP_RE.sub("", item)
    for m in _SENTENCE_RE.finditer(text):
        sentence = m.group()
        if MISSING_RE.search(sentence):
            continue
        flat = _STRIP_RE.sub("", sentence)
        if core and core in flat:
            return True
        if want and len(want & _pairs(sentence)) >= 0.6 * len(want):
            return True
    return False


def unanswered_findings(loc: Locator, items: Sequence[FeedbackItem]) -> list[Finding]:
    """One finding per item the text leaves unanswered (at its marker, else at the end)."""
    text = loc.doc.text
    parts = [text[s.start:s.end] for s in loc.doc.walk() if loc.elements.get(id(s)) == "rectification"]
    scope = "\n".join(parts) if parts else text  # the 整改 part when the report has one
    out = []
    for item in items:
        if is_answered(scope, item.text):
            continue
        at = text.find(f"“{item.text}”")
        start, end = (at, at + len(item.text) + 2) if at >= 0 else (len(text.rstrip()), len(text.rstrip()))
        f = loc.make("policy", "feedback-unanswered", "warning",
                     f"上年度反馈的“{item.text}”问题未见整改情况"
                     f"{'（出处：' + item.source + '）' if item.source else ''}：请在整改部分逐项说明整改措施和成效。",
                     start, end)
        f.source = item.source
        out.append(f)
    return out


def check_feedback(loc: Locator, facts: FactSheet) -> list[Finding]:
    """Feedback findings of a whole report checked with its fact sheet."""
    out = unanswered_findings(loc, facts.feedback)
    for n, target in sorted((facts.rectification_answers or {}).items()):
        if not 1 <= target <= len(facts.feedback):
            out.append(loc.make("policy", "feedback-link", "error",
                                f"数据表中整改情况第{n}项对应上年度反馈第{target}项，但上年度反馈只有"
                                f"{len(facts.feedback)}项：请改正对应的序号。", 0, 0))
    for problem in appraisal_problems(facts.appraisal):
        out.append(loc.make("figure", "appraisal-sum", "error", f"数据表中{problem}：请核对民主评议结果。", 0, 0))
    return out
