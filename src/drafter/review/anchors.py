"""Patience-style anchors: the runs two sequences share, found in n log n time.

Used by :mod:`drafter.review.textdiff` (lines, sentences, words of two texts) and
:mod:`drafter.review.alignment` (sections of two documents) before any quadratic
matcher runs, so that the quadratic work is confined to the small windows between
anchors. An *anchor* is an item occurring exactly once on each side; the longest
chain of anchors in the same order on both sides (a longest increasing subsequence)
is kept, each anchor is widened over the equal items next to it, and the windows
between anchors are searched again for items unique *within* them, until a work
budget proportional to the input is spent.

>>> matching_runs(list("abXcd"), list("abYcd"))
[(0, 0, 2), (3, 3, 2)]
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence

__all__ = ["gaps", "matching_runs"]

# Windows are re-searched for local anchors while the items looked at stay under
# this multiple of the input's length (keeps the worst case linear).
_WORK_FACTOR = 8


def _unique_pairs(a: Sequence[Hashable], b: Sequence[Hashable], lo_a: int, hi_a: int,
                  lo_b: int, hi_b: int) -> list[tuple[int, int]]:
    """(i, j) of the items occurring once in a[lo_a:hi_a] and once in b[lo_b:hi_b], by i."""
    count_a = Counter(a[lo_a:hi_a])
    count_b = Counter(b[lo_b:hi_b])
    where_b = {b[j]: j for j in range(lo_b, hi_b) if count_b[b[j]] == 1}
    return [(i, where_b[a[i]]) for i in range(lo_a, hi_a) if count_a[a[i]] == 1 and a[i] in where_b]


def _longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by i) whose j also increase."""
    tails: list[int] = []  # tails[k]: smallest j ending a chain of length k + 1
    tail_at: list[int] = []  # index in pairs of that chain's last pair
    back: list[int] = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        back[n] = tail_at[k - 1] if k else -1
    chain: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        chain.append(pairs[n])
        n = back[n]
    return chain[::-1]


def matching_runs(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """Runs ``(i, j, size)`` with ``a[i:i+size] == b[j:j+size]``, in order, not overlapping.

    Like :meth:`difflib.SequenceMatcher.get_matching_blocks` without the final dummy
    block, but found from unique items only, in O(n log n) time. Items between runs
    are left unmatched (the caller diffs those windows by other means).
    """
    runs: list[tuple[int, int, int]] = []
    budget = _WORK_FACTOR * (len(a) + len(b)) + 64
    stack = [(0, len(a), 0, len(b))]
    while stack:
        lo_a, hi_a, lo_b, hi_b = stack.pop()
        # equal items at both ends of the window
        while lo_a < hi_a and lo_b < hi_b and a[lo_a] == b[lo_b]:
            runs.append((lo_a, lo_b, 1))
            lo_a, lo_b = lo_a + 1, lo_b + 1
        while lo_a < hi_a and lo_b < hi_b and a[hi_a - 1] == b[hi_b - 1]:
            hi_a, hi_b = hi_a - 1, hi_b - 1
            runs.append((hi_a, hi_b, 1))
        size = (hi_a - lo_a) + (hi_b - lo_b)
        if hi_a == lo_a or hi_b == lo_b or size > budget:
            continue
        budget -= size
        chain = _longest_chain(_unique_pairs(a, b, lo_a, hi_a, lo_b, hi_b))
        if not chain:
            continue
        prev_a, prev_b = lo_a, lo_b
        for i, j in chain:
            runs.append((i, j, 1))
            stack.append((prev_a, i, prev_b, j))
            prev_a, prev_b = i + 1, j + 1
        stack.append((prev_a, hi_a, prev_b, hi_b))
    return _join(sorted(runs))


def _join(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    for i, j, k in runs:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            pi, pj, pk = out.pop()
            out.append((pi, pj, pk + k))
        else:
            out.append((i, j, k))
    return out


def gaps(runs: list[tuple[int, int, int]], n: int, m: int) -> list[tuple[str, int, int, int, int]]:
    """Opcodes ``(tag, i1, i2, j1, j2)`` like difflib's: ``equal`` runs and the windows between.

    A window is ``gap`` (items on both sides), ``delete`` or ``insert``.
    """
    out: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ri, rj, size in [*runs, (n, m, 0)]:
        if i < ri and j < rj:
            out.append(("gap", i, ri, j, rj))
        elif i < ri:
            out.append(("delete", i, ri, j, j))
        elif j < rj:
            out.append(("insert", i, i, j, rj))
        if size:
            out.append(("equal", ri, ri + size, rj, rj + size))
        i, j = ri + size, rj + size
    return out
