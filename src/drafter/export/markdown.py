"""Markdown export: ``#`` title, ``##``–``#####`` for heading levels 1–4.

Body text is escaped so that placeholders such as ``*人`` are not read as emphasis.
:func:`read_markdown` turns such a file back into the native plain-text form that
:func:`drafter.text.doctree.parse` reads.
"""

from __future__ import annotations

import re

from ..text.doctree import Document
from .common import Signature, blocks

__all__ = ["escape_markdown", "read_markdown", "to_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_LEADING = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)")
_HEADING_LINE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_UNESCAPE = re.compile(r"\\([\\`*_\[\]<>|#~.\-+)])")


def escape_markdown(text: str) -> str:
    """Backslash-escape characters Markdown would treat as markup."""
    text = _SPECIAL.sub(r"\\\1", text)
    # "1. xxx" or "- xxx" at the start of a line would become a list
    return _LEADING.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1] + m.group(3), text)


def to_markdown(doc: Document, *, signature: Signature | None = None) -> str:
    """The document as Markdown (one blank line between blocks)."""
    out: list[str] = []
    for block in blocks(doc):
        if block.kind == "title":
            out.append("# " + escape_markdown(block.body))
        elif block.kind == "heading":
            out.append("#" * (block.level + 1) + " " + escape_markdown(block.heading))
            if block.body:
                out.append(escape_markdown(block.body))
        else:
            out.append(escape_markdown(block.body))
    if signature:
        out.extend(f'<p align="right">{escape_markdown(t)}</p>' for t in (signature.unit, signature.date_text) if t)
    return "\n\n".join(out) + "\n"


_ALIGNED = re.compile(r'^<p align="right">(.*)</p>$')


def read_markdown(markdown: str) -> str:
    """Native text from Markdown: heading marks dropped, escapes undone, one block per line."""
    lines: list[str] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _HEADING_LINE.match(line)
        if m:
            line = m.group(2)
        aligned = _ALIGNED.match(line)
        if aligned:
            line = aligned.group(1)
        lines.append(_UNESCAPE.sub(r"\1", line))
    return "\n".join(lines) + "\n"
