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
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["fold", "has_traditional"]


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
