"""Text that every writer (python-docx, SQLite, PostgreSQL, the page) accepts.

Word's Shift+Enter arrives as ``\\x0b``, a paste from a PDF brings ``\\x0c`` or NUL,
a file name decoded with ``surrogateescape`` brings a lone surrogate (``\\udcff``).
python-docx refuses the control characters, SQLite refuses to encode the
surrogate, PostgreSQL refuses NUL. :func:`clean_control` makes text safe for all of
them in one linear pass:

* line and page breaks (``\\x0b``, ``\\x0c``, ``\\x85``, ``\\u2028``, ``\\u2029``) become ``\\n``;
* other C0/C1 control characters and NUL are dropped (tab, newline and CR stay);
* lone surrogates become ``\\ufffd`` (the replacement character).

>>> clean_control("第一行\\x0b第二行\\x00。\\udcff")
'第一行\\n第二行。\\ufffd'
"""

from __future__ import annotations

import re

__all__ = ["clean_control", "has_control"]

_TABLE: dict[int, str | None] = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
_TABLE.update({c: None for c in range(0x7F, 0xA0)})
_TABLE.update({0x0B: "\n", 0x0C: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n", 0xFFFE: None, 0xFFFF: None})
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def clean_control(text: str) -> str:
    """``text`` without control characters or lone surrogates (breaks kept as ``\\n``)."""
    if not _BAD.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text.translate(_TABLE))


def has_control(text: str) -> bool:
    """True if :func:`clean_control` would change ``text``."""
    return bool(_BAD.search(text))
