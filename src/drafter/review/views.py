"""Reviewer views over one draft: where each number comes from, and stale copy.

:func:`numbers_view` lists every count in the text (``4人``, ``37.5%``) next to the
fact-sheet figure it states, or ``None`` when no entered figure supports it.
:func:`stale_spans` turns the checker's ``stale`` findings (sentences carried over
word for word from the older report, years that belong to it) into spans to
highlight; :func:`highlight_html` marks any such spans in escaped HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ..facts.sheet import FactSheet
from ..text.doctree import normalize_newlines

__all__ = ["NumberRef", "StaleSpan", "highlight_html", "numbers_view", "stale_spans"]



@dataclass
class NumberRef:
    """One count in the draft and where it comes from.

    ``status`` is the checker's verdict (``supported`` / ``contradicted`` /
    ``unsupported``); ``figure`` names the fact-sheet figure (or the highlight text)
    that supports the number, None when nothing does; for a contradicted number
    ``named`` is the figure its words name (whose value differs).
    """

    number: str
    value: float
    unit: str
    context: str
    start: int
    end: int
    line: int
    status: str = "unsupported"
    figure: str | None = None
    named: str | None = None

    @property
    def supported(self) -> bool:
        return self.figure is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StaleSpan:
    """A span to highlight as stale copy, with the checker's explanation."""

    start: int
    end: int
    line: int
    text: str
    code: str
    message: str
    severity: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def numbers_view(text: str, facts: FactSheet | None = None) -> list[NumberRef]:
    """Every count in ``text`` with the fact-sheet figure that supports it.

    Counts are found and matched by the checker (:func:`drafter.checks.figures.find_counts`
    and :func:`~drafter.checks.figures.match_count`), so this view and the figure
    findings always agree. Without a fact sheet every count is unsupported.
    """
    from ..checks.figures import fact_numbers, find_counts, match_count

    text = normalize_newlines(text)
    numbers = fact_numbers(facts) if facts is not None else []
    out: list[NumberRef] = []
    for c in find_counts(text):
        ref = NumberRef(
            number=c.text,
            value=c.value,
            unit=c.unit,
            context=c.before + c.text + c.after,
            start=c.start,
            end=c.end,
            line=text.count("\n", 0, c.start) + 1,
        )
        if facts is not None:
            m = match_count(c, facts, numbers)
            ref.status = m.status
            label = m.figure.label if m.figure is not None else (m.source or None)
            if m.status == "supported":
                ref.figure = label
            elif m.status == "contradicted":
                ref.named = label
        out.append(ref)
    return out


def _findings_of(result_or_findings: Any) -> Iterable[Any]:
    return getattr(result_or_findings, "findings", result_or_findings) or []


def stale_spans(result_or_findings: Any) -> list[StaleSpan]:
    """The checker's ``stale`` findings as non-overlapping spans, in text order.

    Accepts a ``CheckResult`` (anything with ``.findings``) or a list of findings.
    """
    spans = sorted(
        (
            StaleSpan(f.start, f.end, f.line, f.text, f.code, f.message, f.severity)
            for f in _findings_of(result_or_findings)
            if f.category == "stale" and f.end > f.start
        ),
        key=lambda s: (s.start, -s.end),
    )
    merged: list[StaleSpan] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            continue  # inside (or overlapping) a span already shown
        merged.append(span)
    return merged


_MARK_STYLE = "background:#fff3b0;border-bottom:2px solid #d4a72c;"


def highlight_html(text: str, spans: Iterable[StaleSpan | NumberRef]) -> str:
    """``text`` as escaped HTML with each span wrapped in ``<mark>`` (title = why)."""
    text = normalize_newlines(text)
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue
        out.append(html.escape(text[pos : span.start]))
        if isinstance(span, StaleSpan):
            why = span.message
        else:
            why = f"来源：{span.figure}" if span.figure else (
                f"与数据表“{span.named}”不符" if span.named else "数据表中没有这个数"
            )
        out.append(
            f'<mark title="{html.escape(why, quote=True)}" style="{_MARK_STYLE}">'
            f"{html.escape(text[span.start : span.end])}</mark>"
        )
        pos = span.end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")
