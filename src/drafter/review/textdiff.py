"""Diffing two strings of Chinese text: by words (jieba), refined to characters.

Chinese has no spaces, so a line diff is useless and a character diff is noisy:
the texts are aligned word by word (:func:`jieba.lcut`), and each replaced run of
words is re-diffed character by character, so a one-character edit shows as
exactly that character.

:class:`difflib.SequenceMatcher` does that matching; its cost grows with the
number of token pairs that could match (``Σ count_old(w) · count_new(w)``), which is
small for a report's section but quadratic for a long or repetitive text. Past
:data:`_EXACT_PAIRS` the texts are first anchored by :mod:`drafter.review.anchors`
— lines, then sentences, then words occurring once on each side — and only the
windows between anchors (each under :data:`_GAP_PAIRS`) go to the matcher; a window
still too large is shown as replaced as a whole. Time stays about linear in the
input and the result is exact for normal reports.

>>> [(op.op, op.old, op.new) for op in diff_strings("选拔干部4人", "选拔干部5人")]
[('equal', '选拔干部', '选拔干部'), ('replace', '4', '5'), ('equal', '人', '人')]
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from .anchors import gaps, matching_runs

__all__ = [
    "DiffOp",
    "Granularity",
    "diff_strings",
    "diff_tokens",
    "inline_diff",
    "match_pairs",
    "ops_similarity",
    "similarity_of",
    "tokenize",
]

Granularity = Literal["word", "char"]

# A replaced run of words is refined to characters when the two runs are this alike.
_REFINE_RATIO = 0.3
# Token pairs that could match (see the module doc) up to which the matcher runs on
# a whole text, and on one window between anchors. A 3,500-character section of a
# report has about 20,000; a repetitive one of that length about 600,000.
_EXACT_PAIRS = 200_000
_GAP_PAIRS = 50_000


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


def match_pairs(a: list[str] | str, b: list[str] | str) -> int:
    """How many (i, j) have ``a[i] == b[j]``: the work :class:`SequenceMatcher` may do."""
    count_b = Counter(b)
    return sum(n * count_b[k] for k, n in Counter(a).items() if k in count_b)


def _refine(old: str, new: str) -> list[DiffOp]:
    """A replaced run of words, split into character-level operations if alike."""
    if match_pairs(old, new) > _GAP_PAIRS:
        return [DiffOp("replace", old, new)]
    sm = SequenceMatcher(None, old, new, autojunk=False)
    if sm.ratio() < _REFINE_RATIO:
        return [DiffOp("replace", old, new)]
    return [DiffOp(tag, old[i1:i2], new[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes()]  # type: ignore[arg-type]


def _matched(a: list[str], b: list[str], granularity: Granularity) -> list[DiffOp]:
    """The matcher on two token lists, replaced runs of words refined to characters."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        o, n = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "replace" and granularity == "word":
            ops.extend(_refine(o, n))
        else:
            ops.append(DiffOp(tag, o, n))  # type: ignore[arg-type]
    return ops


def _pieces(tokens: list[str], level: int) -> list[list[str]]:
    """Tokens grouped into lines (level 0), sentences (1) or left one by one (2)."""
    if level == 2:
        return [[t] for t in tokens]
    ends = "\n" if level == 0 else "\n。！？；!?;"
    out: list[list[str]] = []
    cur: list[str] = []
    for t in tokens:
        cur.append(t)
        if t and t[-1] in ends:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _anchored(a_tokens: list[str], b_tokens: list[str], granularity: Granularity, level: int) -> list[DiffOp]:
    """Anchor on lines (level 0), sentences (1) or words (2); diff the windows between."""
    a, b = _pieces(a_tokens, level), _pieces(b_tokens, level)
    ka, kb = ["".join(p) for p in a], ["".join(p) for p in b]
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in gaps(matching_runs(ka, kb), len(a), len(b)):
        if tag != "gap":
            ops.append(DiffOp(tag, "".join(ka[i1:i2]), "".join(kb[j1:j2])))  # type: ignore[arg-type]
            continue
        ta = [t for p in a[i1:i2] for t in p]
        tb = [t for p in b[j1:j2] for t in p]
        if match_pairs(ta, tb) <= _GAP_PAIRS:
            ops.extend(_matched(ta, tb, granularity))
        elif level < 2:
            ops.extend(_anchored(ta, tb, granularity, level + 1))
        else:
            ops.append(DiffOp("replace", "".join(ta), "".join(tb)))
    return ops


def _merge(ops: list[DiffOp]) -> list[DiffOp]:
    """Join neighbouring operations of the same kind; drop empty ones (linear time)."""
    runs: list[tuple[str, list[str], list[str]]] = []
    for op in ops:
        if not op.old and not op.new:
            continue
        if runs and runs[-1][0] == op.op:
            runs[-1][1].append(op.old)
            runs[-1][2].append(op.new)
        else:
            runs.append((op.op, [op.old], [op.new]))
    return [DiffOp(tag, "".join(o), "".join(n)) for tag, o, n in runs]  # type: ignore[arg-type]


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
    return diff_tokens(tokenize(old, granularity), tokenize(new, granularity), granularity=granularity)


def diff_tokens(a: list[str], b: list[str], *, granularity: Granularity = "word") -> list[DiffOp]:
    """:func:`diff_strings` of ``"".join(a)`` and ``"".join(b)``, already tokenized."""
    if a == b:
        return [DiffOp("equal", "".join(a), "".join(b))] if a else []
    if not a or not b:
        return [DiffOp("insert" if a == [] else "delete", "".join(a), "".join(b))]
    if match_pairs(a, b) <= _EXACT_PAIRS:
        return _merge(_matched(a, b, granularity))
    return _merge(_anchored(a, b, granularity, 0))


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
