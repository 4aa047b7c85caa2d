"""Traditional characters folded to simplified ones, for matching only.

A report written in traditional characters (``總體情況``) must match the same
headings, keywords and formulations as one in simplified characters. :func:`fold`
converts with OpenCC (the ``opencc`` wheel carries its dictionaries: it works
offline) and always returns a string of the same length, character for character,
so an offset found in the folded text is an offset in the original: findings
point at the characters the user wrote.

>>> fold("一、總體情況")
'一、总体情况'
>>> has_traditional("一、总体情况")
False

Before that, :func:`fold_compat` maps the look-alikes a PDF text layer or a font
substitution leaves in a text — Kangxi radicals (U+2F00–U+2FDF, ``⼲⼯⼈⼀``), CJK
radicals (U+2E80–U+2EFF) and CJK compatibility ideographs (U+F900–U+FAFF,
U+2F800–U+2FA1F) — to the ordinary characters by NFKC, one character for one, so
``⼀、总体情况`` is the heading ``一、总体情况``. Ingestion applies it to every text it
reads (PDF, .docx, plain text); :func:`fold` applies it too.

>>> fold_compat("⼀、⼲部⼯作")
'一、干部工作'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

__all__ = ["fold", "fold_compat", "has_traditional"]

_COMPAT = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def _compat_char(m: re.Match[str]) -> str:
    out = unicodedata.normalize("NFKC", m.group(0))
    return out if len(out) == 1 else m.group(0)


def fold_compat(text: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs as ordinary characters (same length)."""
    if text.isascii() or not _COMPAT.search(text):
        return text
    return _COMPAT.sub(_compat_char, text)


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def fold(text: str) -> str:
    """``text`` with traditional characters made simplified; same length as ``text``.

    OpenCC converts phrases as well as characters; where a phrase would change the
    length of a line (rare), that line is folded character by character instead.
    """
    if text.isascii():
        return text
    text = fold_compat(text)
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    lines = []
    for line in text.split("\n"):
        out = _converter().convert(line)
        lines.append(out if len(out) == len(line) else "".join(_fold_char(c) for c in line))
    return "\n".join(lines)


def has_traditional(text: str) -> bool:
    """True if folding changes ``text`` (it holds traditional characters)."""
    return fold(text) != text
