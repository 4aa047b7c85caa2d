"""Diffing two strings of Chinese text: by words (jieba), refined to characters.

Chinese has no spaces, so a line diff is useless and a character diff is noisy:
the texts are aligned word by word (:func:`jieba.lcut`), and each replaced run of
words is re-diffed character by character, so a one-character edit shows as
exactly that character.

>>> [(op.op, op.old, op.new) for op in diff_strings("选拔干部4人", "选拔干部5人")]
[('equal', '选拔干部', '选拔干部'), ('replace', '4', '5'), ('equal', '人', '人')]
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

__all__ = ["DiffOp", "Granularity", "diff_strings", "inline_diff", "ops_similarity", "similarity_of", "tokenize"]

Granularity = Literal["word", "char"]

# A replaced run of words is refined to characters when the two runs are this alike.
_REFINE_RATIO = 0.3


@dataclass(frozen=True)
class DiffOp:
    """One diff operation: ``equal``/``insert``/``delete``/``replace`` with both sides."""

    op: Literal["equal", "insert", "delete", "replace"]
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


class _Words:
    """A private jieba tokenizer (the global one is left alone), safe across threads."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()

    def cut(self, text: str) -> list[str]:
        with self._lock:
            return self._jieba.lcut(text, HMM=False)


@lru_cache(maxsize=1)
def _words() -> _Words:
    return _Words()


def tokenize(text: str, granularity: Granularity = "word") -> list[str]:
    """Words (jieba, newlines and punctuation kept as tokens) or characters."""
    if granularity == "char":
        return list(text)
    return _words().cut(text)


def _refine(old: str, new: str) -> list[DiffOp]:
    """A replaced run of words, split into character-level operations if alike."""
    sm = SequenceMatcher(None, old, new, autojunk=False)
    if sm.ratio() < _REFINE_RATIO:
        return [DiffOp("replace", old, new)]
    return [DiffOp(tag, old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes()]  # type: ignore[arg-type]


def _merge(ops: list[DiffOp]) -> list[DiffOp]:
    """Join neighbouring operations of the same kind; drop empty ones."""
    out: list[DiffOp] = []
    for op in ops:
        if not op.old and not op.new:
            continue
        if out and out[-1].op == op.op:
            prev = out.pop()
            op = DiffOp(op.op, prev.old + op.old, prev.new + op.new)
        out.append(op)
    return out


def diff_strings(old: str, new: str, *, granularity: Granularity = "word") -> list[DiffOp]:
    """Diff two strings word by word (refined to characters) or character by character.

    Joining every op's ``old`` gives back ``old``; joining every ``new`` gives ``new``.
    """
    if old == new:
        return [DiffOp("equal", old, new)] if old else []
    if not old:
        return [DiffOp("insert", "", new)]
    if not new:
        return [DiffOp("delete", old, "")]
    a, b = tokenize(old, granularity), tokenize(new, granularity)
    sm = SequenceMatcher(None, a, b, autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        o, n = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "replace" and granularity == "word":
            ops.extend(_refine(o, n))
        else:
            ops.append(DiffOp(tag, o, n))  # type: ignore[arg-type]
    return _merge(ops)


def ops_similarity(ops: list[DiffOp]) -> float:
    equal = sum(len(op.old) for op in ops if op.op == "equal")
    total = sum(len(op.old) + len(op.new) for op in ops)
    return 1.0 if total == 0 else 2.0 * equal / total


def similarity_of(old: str, new: str) -> float:
    """0..1: twice the characters the diff keeps, over both lengths (1 for equal texts)."""
    return ops_similarity(diff_strings(old, new))


def _trim(text: str, context: int | None, *, head: bool, tail: bool) -> str:
    """Shorten an unchanged run to ``context`` characters next to each change."""
    if context is None or len(text) <= 2 * context + 1:
        return text
    left = text[:context] if head else ""
    right = text[-context:] if tail and context else ""
    return left + "……" + right


def inline_diff(ops: list[DiffOp], *, context: int | None = None) -> str:
    """One string with ``【-删去】`` and ``【+新增】`` markers around the changes.

    With ``context``, unchanged runs keep only that many characters beside a change.
    """
    out: list[str] = []
    for k, op in enumerate(ops):
        if op.op == "equal":
            out.append(_trim(op.new, context, head=k > 0, tail=k < len(ops) - 1))
            continue
        if op.old:
            out.append(f"【-{op.old}】")
        if op.new:
            out.append(f"【+{op.new}】")
    return "".join(out)
