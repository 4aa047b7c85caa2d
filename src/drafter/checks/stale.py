"""Stale copy: text carried over from an older report.

* sentences of at least :data:`MIN_SENTENCE` characters (after removing
  punctuation and whitespace) that appear word for word in an older report —
  one hash per normalised sentence, so checking is linear in both texts;
  consecutive copied sentences in one paragraph become one finding;
* years that belong to the older report: the year an older report is about,
  appearing in the new one when the new report is about another year
  (outside a 上年度整改 passage, where last year is named on purpose).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from ..text.finding import Finding, Locator

__all__ = ["MIN_SENTENCE", "OlderReport", "check_stale", "older_report", "report_year", "sentences"]

#: Shortest normalised sentence counted as a copy.
MIN_SENTENCE = 20
_SENT_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_DROP_RE = re.compile(r"[\W_]+", re.UNICODE)
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")
_RECTIFY_CUES = ("整改", "评议", "反馈", "上年", "去年", "上一年", "同比", "相比", "较")


def _norm(s: str) -> str:
    return _DROP_RE.sub("", s)


def _key(s: str) -> bytes:
    return hashlib.blake2b(s.encode("utf-8"), digest_size=12).digest()


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised text) of every sentence in ``text``."""
    out: list[tuple[int, int, str]] = []
    for m in _SENT_RE.finditer(text):
        n = _norm(m.group())
        if n:
            lead = len(m.group()) - len(m.group().lstrip())
            out.append((m.start() + lead, m.end(), n))
    return out


def report_year(text: str) -> int | None:
    """The year a report is about: the first year in its title/opening, else the most frequent."""
    head = text[:400]
    m = _YEAR_RE.search(head)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR_RE.findall(text))
    return years.most_common(1)[0][0] if years else None


@dataclass
class OlderReport:
    """An older report reduced to what the stale check needs."""

    name: str
    year: int | None
    hashes: frozenset[bytes]


def older_report(name: str, text: str) -> OlderReport:
    """Hash the sentences of an older report."""
    keys = frozenset(_key(n) for _, _, n in sentences(text) if len(n) >= MIN_SENTENCE)
    return OlderReport(name, report_year(text), keys)


def _in_rectification(loc: Locator, offset: int) -> bool:
    sec = loc.section(offset)
    return sec is not None and loc.elements.get(id(sec)) == "rectification"


def check_stale(loc: Locator, older: list[OlderReport], year: int | None = None) -> list[Finding]:
    """Copied sentences and old years; ``year`` is the new report's year (fact sheet)."""
    text = loc.doc.text
    out: list[Finding] = []
    if not older:
        return out
    # copied sentences
    run: list[tuple[int, int, str]] = []  # (start, end, name) of consecutive copies

    def flush() -> None:
        if not run:
            return
        s, e, name = run[0][0], run[-1][1], run[0][2]
        n = len(run)
        what = "这句话" if n == 1 else f"这{n}句话"
        out.append(loc.make(
            "stale", "stale-copy", "warning",
            f"{what}与旧报告《{name}》一字不差：请结合本年度的实际情况改写，避免照搬往年材料。",
            s, e,
        ))
        run.clear()

    for s, e, n in sentences(text):
        hit = None
        if len(n) >= MIN_SENTENCE:
            k = _key(n)
            hit = next((o.name for o in older if k in o.hashes), None)
        if hit is None:
            flush()
            continue
        if run and ("\n" in text[run[-1][1] : s] or run[-1][2] != hit):
            flush()
        run.append((s, e, hit))
    flush()

    # old years
    new_year = year if year is not None else report_year(text)
    old_years = {o.year: o.name for o in older if o.year is not None and o.year != new_year}
    if new_year is None or not old_years:
        return out
    for m in _YEAR_RE.finditer(text):
        y = int(m.group(1))
        if y not in old_years:
            continue
        # the sentence around the year (bounded, so a text without stops stays linear)
        lo_bound, hi_bound = max(0, m.start() - 200), min(len(text), m.end() + 200)
        lo = max(text.rfind("。", lo_bound, m.start()), text.rfind("\n", lo_bound, m.start()), lo_bound - 1) + 1
        ends = [i for i in (text.find("。", m.end(), hi_bound), text.find("\n", m.end(), hi_bound)) if i != -1]
        sentence = text[lo : min(ends) if ends else hi_bound]
        if any(c in sentence for c in _RECTIFY_CUES) or _in_rectification(loc, m.start()):
            continue
        out.append(loc.make(
            "stale", "stale-year", "warning",
            f"“{y}年”是旧报告《{old_years[y]}》的年度，本报告写的是{new_year}年：请核对是否沿用了旧稿的年份。",
            m.start(), m.end() + 1,
        ))
    return out


