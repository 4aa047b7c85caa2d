"""The 整改 part answers each of last year's feedback items (issue 24).

:func:`rectification_items` gives the composer's rectification part its items: one per
feedback item of the sheet — the writer's entries that answer it (``answers: n``), or a
〔待补：对上年度反馈“…”的整改情况〕 marker when none does —, then the entries that answer
no item. :func:`appraisal_sentence` states last year's 民主评议 rates as entered.
"""

from __future__ import annotations

from collections.abc import Callable

from ..facts.feedback import APPRAISAL_GRADES, answers_of
from ..facts.sheet import FactSheet
from ..text.markers import missing

__all__ = ["appraisal_sentence", "feedback_marker", "rectification_items"]


def feedback_marker(text: str) -> str:
    """〔待补：对上年度反馈“干部交流力度不够”的整改情况〕"""
    return missing(f"对上年度反馈“{text}”的整改情况")


def rectification_items(facts: FactSheet, clause: Callable[[str], str] = str) -> list[str]:
    """The rectification part's items, each feedback item answered or marked."""
    out: list[str] = []
    for n, item in enumerate(facts.feedback, start=1):
        answers = [clause(a) for a in answers_of(facts, n)]
        body = "，".join(a for a in answers if a) if answers else feedback_marker(item.text)
        out.append(f"针对上年度反馈的“{item.text}”问题，{body}")
    linked = set((facts.rectification_answers or {}).keys())
    out += [clause(t.text) for n, t in enumerate(facts.rectification, start=1) if n not in linked]
    return [x for x in out if x]


def _pct(v: float) -> str:
    return f"{v:g}%"


def appraisal_sentence(facts: FactSheet) -> str:
    """「上年度民主评议中，对年度干部选拔任用工作评价“好”的占85.2%、“较好”的占12.1%……」 ('' if none)."""
    if facts.appraisal is None:
        return ""
    parts = []
    for name, rates in facts.appraisal.parts():
        said = [f"“{g}”的占{_pct(v)}" for g, v in zip(APPRAISAL_GRADES, rates.rates().values(), strict=True)
                if v is not None]
        parts.append(f"对{name}评价{'、'.join(said)}")
    return ("上年度民主评议中，" + "；".join(parts)) if parts else ""
