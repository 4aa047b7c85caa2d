"""Headings a model repeats inside its answer, taken out of the section body.

A section's heading line is written by drafter (``一、总体情况``); the model writes
only the body. Models still echo it — first, in the middle, with another number or
with Markdown — and a top-level heading inside a body trips the numbering check.
:func:`strip_echoed_headings` drops every body line that is

* the section's own heading, with or without its number (``一、总体情况``,
  ``总体情况``, ``总体情况：``), or the report's title;
* shaped like a top-level heading (``三、下一步打算`` — a Chinese numeral, ``、`` and
  a short phrase with no sentence punctuation), which never belongs in a body:
  bodies use ``（一）`` subheadings and ``一是……`` enumerations.

>>> strip_echoed_headings("一、总体情况\\n全年提拔12人。\\n二、主要做法", "一、总体情况")
'全年提拔12人。'
"""

from __future__ import annotations

import re

__all__ = ["strip_echoed_headings"]

_NUMBER = re.compile(r"^[一二三四五六七八九十百]+[、.．]\s*")
_TOP_HEADING = re.compile(r"^[一二三四五六七八九十百]+、[^，。；：,;:！？!?]{1,40}$")
_TRAILING = "。：:；; "


def _bare(line: str) -> str:
    return _NUMBER.sub("", line).strip(_TRAILING)


def strip_echoed_headings(text: str, heading: str, title: str | None = None) -> str:
    """``text`` without lines that repeat ``heading`` (or ``title``) or look like a top-level heading."""
    own = _bare(heading) if heading else ""
    report = (title or "").strip(_TRAILING)
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        bare = _bare(stripped)
        if stripped and (
            (own and bare == own)
            or (report and stripped.strip(_TRAILING) == report)
            or _TOP_HEADING.match(stripped)
        ):
            continue
        kept.append(line)
    return "\n".join(kept)
