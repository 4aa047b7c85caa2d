"""The frame of an official document that is not its body: 主送, 特此报告, the signature (落款) and dates.

Shared by drafting (the draft's own frame) and export (the GB/T 9704 layout). A report
reads: title; 主送 (``江源市委组织部：``); opening ending 「现将…报告如下：」; the parts;
「特此报告。」; 落款; 成文日期 — or :data:`DATE_MISSING` where the sheet gives none.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from ..errors import InputError

__all__ = ["CLOSING", "DATE_MISSING", "Signature", "format_date", "parse_date"]

#: The closing line of a report (请示 and 通报 close otherwise).
CLOSING = "特此报告。"
#: The date line of a draft whose sheet has no 成文日期 (the missing-fact marker).
DATE_MISSING = "〔待补：成文日期〕"


@dataclass(frozen=True)
class Signature:
    """The signature block under the text: issuing unit and date (either may be absent)."""

    unit: str | None = None
    date: _dt.date | None = None
    #: written where the date goes when there is none yet (the 〔待补：成文日期〕 marker)
    date_placeholder: str = ""

    def __bool__(self) -> bool:
        return bool(self.unit) or self.date is not None or bool(self.date_placeholder)

    @property
    def date_text(self) -> str:
        return format_date(self.date) if self.date else self.date_placeholder


def format_date(date: _dt.date) -> str:
    """A date in Arabic numerals as GB/T 9704 writes it: ``2026年1月5日``."""
    return f"{date.year}年{date.month}月{date.day}日"


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> _dt.date:
    """``2026-01-05`` (or ``2026年1月5日``) → date; :class:`InputError` when invalid."""
    m = _DATE_RE.fullmatch(text.strip())
    if m:
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise InputError(f"日期“{text}”无效，请按 YYYY-MM-DD 填写，例如 2026-01-05 (invalid date)")
