"""Export a document as GB/T 9704 .docx, Markdown or plain text.

>>> from drafter.text.doctree import parse
>>> from drafter.export import export_text
>>> export_text(parse("标题\\n一、情况\\n正文。"), "txt")
'标题\\n一、情况\\n正文。\\n'

:func:`export_file` picks the format from the file suffix (``.docx``, ``.md``,
``.txt``). Refusing a draft that still has errors is the caller's job (the CLI and
the app run the checker first, see :mod:`drafter.cli.export`).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..text.doctree import Document
from ..text.textsafe import clean_control
from .common import Block, Signature, blocks, format_date, parse_date
from .markdown import read_markdown, to_markdown
from .text import to_plain_text

__all__ = [
    "FORMATS",
    "Block",
    "Signature",
    "blocks",
    "build_docx",
    "docx_bytes",
    "export_bytes",
    "export_file",
    "export_text",
    "format_date",
    "parse_date",
    "read_markdown",
    "to_docx",
    "to_markdown",
    "to_plain_text",
]

_DOCX = ("build_docx", "docx_bytes", "to_docx")


def __getattr__(name: str) -> object:
    """The .docx writers, imported on first use (python-docx takes 0.1–0.2 s to import;
    drafting needs only :class:`Signature` from this package)."""
    if name in _DOCX:
        from . import docx as _docx

        return getattr(_docx, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Suffix → format name.
FORMATS = {".docx": "docx", ".md": "md", ".markdown": "md", ".txt": "txt"}


def _format_of(target: str | Path) -> str:
    suffix = Path(target).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"不支持导出为“{suffix or Path(target).name}”，请使用 .docx、.md 或 .txt 结尾的文件名"
            " (unsupported output format)"
        )
    return FORMATS[suffix]


def export_text(doc: Document, fmt: str, *, signature: Signature | None = None) -> str:
    """Markdown (``md``) or plain text (``txt``) as a string."""
    if fmt == "md":
        return clean_control(to_markdown(doc, signature=signature))
    if fmt == "txt":
        return clean_control(to_plain_text(doc, signature=signature))
    raise InputError(f"“{fmt}”不是文本格式，请选择 md 或 txt (not a text format)")


def export_bytes(doc: Document, fmt: str, *, signature: Signature | None = None) -> bytes:
    """The file content for ``fmt`` (``docx``, ``md`` or ``txt``; text is UTF-8).

    A .docx of more than :data:`~drafter.text.limits.MAX_EXPORT_PARAGRAPHS`
    paragraphs is refused (an :class:`InputError`): each costs python-docx about
    half a millisecond, and a report has a few hundred.
    """
    if fmt == "docx":
        from ..text.limits import check_paragraphs
        from .docx import docx_bytes

        check_paragraphs(doc.text)
        return docx_bytes(doc, signature=signature)
    return export_text(doc, fmt, signature=signature).encode("utf-8")


def export_file(doc: Document, target: str | Path, *, signature: Signature | None = None) -> Path:
    """Write ``doc`` to ``target`` in the format its suffix names; returns the path."""
    path = Path(target)
    data = export_bytes(doc, _format_of(path), signature=signature)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
