"""Plain-text export: the native form (one line per heading or paragraph).

A heading that was run-in with its first paragraph stays run-in (``（一）标题。正文``),
so :func:`drafter.text.doctree.parse` reads the file back to the same outline.
"""

from __future__ import annotations

from ..text.doctree import Document
from .common import Signature, blocks

__all__ = ["to_plain_text"]


def to_plain_text(doc: Document, *, signature: Signature | None = None) -> str:
    """The document as UTF-8 text lines; a signature block goes after a blank line."""
    lines: list[str] = []
    for block in blocks(doc):
        if block.kind == "heading":
            lines.append(block.heading + (block.stop + block.body if block.body else ""))
        else:
            lines.append(block.body)
    if signature:
        lines.append("")
        lines.extend(t for t in (signature.unit, signature.date_text) if t)
    return "\n".join(lines) + "\n"
