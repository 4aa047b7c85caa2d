"""Which section of the old text corresponds to which of the new: order-preserving alignment.

Every section (at every level, plus the opening before the first heading) is a
:class:`Unit`. Units whose whole content is equal and unique on both sides are
paired first (:func:`drafter.review.anchors.matching_runs`, n log n); the windows of
units between those anchors are aligned by a dynamic programme maximising the
summed pair scores, which weigh spec element, heading similarity and body
similarity, so a renamed or renumbered section still pairs with its counterpart.

Bounded work: similarities are exact longest-common-subsequence ratios
(:mod:`rapidfuzz`, bit-parallel) over word tokens, or for two very long sections the
overlap of their word counts; a window wider than :data:`_WINDOW` units is cut into
consecutive sub-windows, each aligned alone, their width shrinking so that no more
than about :data:`_PAIR_BUDGET` pairs are scored in all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from ..text.doctree import Section
from .anchors import gaps, matching_runs
from .textdiff import tokenize

__all__ = ["Unit", "align"]

# A pair of sections scoring below this is never aligned (they become removed + added).
_MIN_PAIR_SCORE = 0.35
_TITLE_WEIGHT = 0.35
_ELEMENT_BONUS = 0.15
_LEVEL_PENALTY = 0.6
# Elements several sections share (the practice sections): a match says less.
_COMMON_ELEMENTS = frozenset({"practices", "other"})
# Windows up to _WINDOW × _WINDOW units are aligned whole; about this many pairs are scored at most.
_WINDOW = 40
_PAIR_BUDGET = 300_000
# Token-length product above which two bodies are compared by word counts, not LCS.
_LCS_CELLS = 50_000_000
_TITLE_CHARS = 200


@dataclass
class Unit:
    """One section (or the opening) as the alignment sees it."""

    heading: str
    title: str
    content: str
    level: int
    element: str | None
    section: Section | None
    is_opening: bool = False
    _tokens: list[str] | None = field(default=None, repr=False)
    _code: str | None = field(default=None, repr=False)
    _bag: Counter[str] | None = field(default=None, repr=False)

    @property
    def tokens(self) -> list[str]:
        """The content's word tokens (computed once; the diff reuses them)."""
        if self._tokens is None:
            self._tokens = tokenize(self.content)
        return self._tokens

    def code(self, vocab: dict[str, str]) -> str:
        """The content's word tokens, one character per distinct word (for rapidfuzz)."""
        if self._code is None:
            chars = []
            for t in self.tokens:
                c = vocab.get(t)
                if c is None:
                    n = len(vocab)
                    c = vocab[t] = chr(0xE000 + n if n < 0x1900 else 0x10000 + n % 0xF0000)
                chars.append(c)
            self._code = "".join(chars)
        return self._code

    def bag(self, vocab: dict[str, str]) -> Counter[str]:
        if self._bag is None:
            self._bag = Counter(self.code(vocab))
        return self._bag


def _body_similarity(a: Unit, b: Unit, vocab: dict[str, str]) -> float:
    ca, cb = a.code(vocab), b.code(vocab)
    if len(ca) * len(cb) <= _LCS_CELLS:
        return Indel.normalized_similarity(ca, cb)
    ba, bb = a.bag(vocab), b.bag(vocab)
    common = sum(min(n, bb[k]) for k, n in ba.items() if k in bb)
    return 2.0 * common / (len(ca) + len(cb))


def pair_score(a: Unit, b: Unit, vocab: dict[str, str]) -> float:
    """How well two sections correspond (0 when they must not be paired)."""
    if a.is_opening or b.is_opening:
        return 1.0 if a.is_opening and b.is_opening else 0.0
    if a.content == b.content:
        score = 1.0
    else:
        title = Indel.normalized_similarity(a.title[:_TITLE_CHARS], b.title[:_TITLE_CHARS])
        bodies = (a.content[len(a.title) :].strip(), b.content[len(b.title) :].strip())
        if not any(bodies):
            score = title
        else:
            score = _TITLE_WEIGHT * title + (1 - _TITLE_WEIGHT) * _body_similarity(a, b, vocab)
    if a.element and b.element:
        if a.element != b.element:
            score -= _ELEMENT_BONUS
        elif a.level == b.level == 1 and a.element not in _COMMON_ELEMENTS:
            score += 2 * _ELEMENT_BONUS  # the one 存在问题 / 下一步 section of each report
        else:
            score += _ELEMENT_BONUS
    if a.level != b.level:
        score *= _LEVEL_PENALTY
    elif a.section is not None and b.section is not None and a.section.number == b.section.number:
        score += 0.01  # a tie-breaker only
    return score if score >= _MIN_PAIR_SCORE else 0.0


Pairs = list[tuple[int | None, int | None]]


def _best(old: list[Unit], new: list[Unit], i0: int, i1: int, j0: int, j1: int,
          vocab: dict[str, str]) -> Pairs:
    """Order-preserving alignment of old[i0:i1] with new[j0:j1] maximising the summed scores."""
    n, m = i1 - i0, j1 - j0
    scores = [[pair_score(old[i0 + i], new[j0 + j], vocab) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            cand = max(best[i + 1][j], best[i][j + 1])
            if scores[i][j] > 0:
                cand = max(cand, scores[i][j] + best[i + 1][j + 1])
            best[i][j] = cand
    pairs: Pairs = []
    i = j = 0
    while i < n and j < m:
        if scores[i][j] > 0 and best[i][j] == scores[i][j] + best[i + 1][j + 1]:
            pairs.append((i0 + i, j0 + j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((i0 + i, None))
            i += 1
        else:
            pairs.append((None, j0 + j))
            j += 1
    pairs.extend((i0 + k, None) for k in range(i, n))
    pairs.extend((None, j0 + k) for k in range(j, m))
    return pairs


def align(old: list[Unit], new: list[Unit]) -> Pairs:
    """Pairs ``(i, j)`` of aligned units in order; ``(i, None)`` removed, ``(None, j)`` added."""
    vocab: dict[str, str] = {}
    keys_old = [(u.is_opening, u.level, u.content) for u in old]
    keys_new = [(u.is_opening, u.level, u.content) for u in new]
    side = max(2, min(_WINDOW, _PAIR_BUDGET // max(1, len(old) + len(new))))
    pairs: Pairs = []
    for tag, i1, i2, j1, j2 in gaps(matching_runs(keys_old, keys_new), len(old), len(new)):
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "delete":
            pairs.extend((i, None) for i in range(i1, i2))
        elif tag == "insert":
            pairs.extend((None, j) for j in range(j1, j2))
        elif (i2 - i1) * (j2 - j1) <= _WINDOW * _WINDOW:
            pairs.extend(_best(old, new, i1, i2, j1, j2, vocab))
        else:  # a wide window: consecutive sub-windows of about `side` units each way
            k = -(-max(i2 - i1, j2 - j1) // side)
            for c in range(k):
                a0, a1 = i1 + c * (i2 - i1) // k, i1 + (c + 1) * (i2 - i1) // k
                b0, b1 = j1 + c * (j2 - j1) // k, j1 + (c + 1) * (j2 - j1) // k
                pairs.extend(_best(old, new, a0, a1, b0, b1, vocab))
    return pairs
