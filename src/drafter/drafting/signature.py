"""The 落款 block that ends a draft: the reporting body and the date.

The same two lines the exporters put under the text (:class:`drafter.export.Signature`):
the sheet's ``signer`` (or the reporting body's full name, from the unit type) and
its ``date`` written as GB/T 9704 writes it (``2026年1月10日``) when the sheet gives one.
"""

from __future__ import annotations

from ..facts.sheet import FactSheet
from ..text.frame import CLOSING, DATE_MISSING, Signature, format_date

__all__ = ["closing_for", "signature_for", "signature_lines", "split_signature"]


def signature_for(facts: FactSheet) -> Signature:
    """The export's signature for ``facts`` (the 〔待补：成文日期〕 marker where no date is entered)."""
    placeholder = "" if facts.genre == "speech" else DATE_MISSING
    return Signature(unit=facts.signature_unit, date=facts.date, date_placeholder=placeholder)


def signature_lines(facts: FactSheet) -> list[str]:
    """``["中共江源市水务局党组", "2026年1月10日"]`` (``〔待补：成文日期〕`` when no date is entered)."""
    if facts.date is not None:
        return [facts.signature_unit, format_date(facts.date)]
    return [facts.signature_unit] if facts.genre == "speech" else [facts.signature_unit, DATE_MISSING]


def closing_for(genre: str) -> str | None:
    """「特此报告。」 for a report; a speech has no closing line."""
    return CLOSING if genre == "report" else None


def split_signature(text: str, facts: FactSheet | None) -> tuple[str, Signature | None]:
    """``text`` without a trailing 落款 block matching ``facts``, and that block as a Signature."""
    if facts is None:
        return text, None
    lines = signature_lines(facts)
    tail = "\n".join(lines)
    stripped = text.rstrip("\n")
    if stripped.endswith(tail):
        body = stripped[: len(stripped) - len(tail)].rstrip("\n") + "\n"
        return body, signature_for(facts)
    return text, None
