"""套话 learned, not listed: wording many units share is standard, a rare shared passage is a copy.

Every report's clauses are cut into :data:`G`-character *passage grams* (normalised
characters, as :mod:`drafter.similarity.shingles` gives them). The document frequency
of a gram is the number of distinct *units* whose reports hold it, over the batch and
the knowledge base together (a unit's report of this year and of last year count
once). A gram held by at least :data:`MIN_DF` units is common wording — the genre's
套话, a template everybody follows — and its characters are masked like canonical
formulations (:attr:`Prepared.common`): they neither make a clause copied nor count in
a 重复率 (查重 against the knowledge base, own-report reuse). What is left are the
passages few units share; two reports sharing them is what the review desk reports
(:func:`rare_pairs` proposes those pairs, completely and in an order-free way: by the
grams, never by file order). A pair's *score* does not use the batch's common wording:
it rests on fixed standard wording only (:mod:`drafter.similarity.pairs`), so the same
pair scores the same alone and in any batch.

The threshold is an absolute count of units, not a share of the batch, so a passage
is judged the same in a batch of 14 and of 1,000 once it is as common as
:data:`MIN_DF` units make it.

>>> w = learn(reports)                       # doctest: +SKIP
>>> w.apply(reports)                         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .shingles import Prepared, _unit_core

__all__ = ["G", "MIN_DF", "Wording", "gram_hashes", "learn", "rare_pairs", "unit_id"]

#: Passage gram length (normalised characters): long enough to be a phrase, not a word.
G = 10
#: A gram held by this many units' reports is common wording (套话).
MIN_DF = 5
#: A clause this much covered by common grams is 套话 as a whole.
COMMON_SHARE = 0.5
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_BASE = np.uint64(1_000_033)


def unit_id(p: Prepared) -> str:
    """What counts as one unit for document frequency: its unit name's core, else its text."""
    if p.unit:
        return "u:" + _unit_core(p.unit)
    return "h:" + str(p.meta.get("hash") or p.key)


def gram_hashes(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, hashes)`` of every :data:`G`-gram inside one clause, canonical text left out."""
    cached = getattr(p, "_grams", None)
    if isinstance(cached, tuple) and cached[2] == len(p.norm):
        return cached[0], cached[1]
    n = len(p.norm) - G + 1
    if n <= 0:
        z = np.zeros(0, np.int64)
        out = (z, np.zeros(0, np.uint64))
        p._grams = (*out, len(p.norm))  # type: ignore[attr-defined]
        return out
    codes = np.frombuffer(p.norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, np.uint64)
    for j in range(G):
        h = h * _BASE + codes[j : j + n]
    h = h * _MIX
    h ^= h >> np.uint64(29)
    ok = np.zeros(n, bool)
    for a, b in p.clauses:
        if b - a >= G:
            ok[a : b - G + 1] = True
    if p.canonical.any():
        c = np.concatenate(([0], np.cumsum(p.canonical, dtype=np.int64)))
        ok &= (c[G:] - c[:-G]) == 0
    pos = np.flatnonzero(ok)
    out = (pos, h[pos])
    p._grams = (*out, len(p.norm))  # type: ignore[attr-defined]
    return out


@dataclass
class Wording:
    """The grams common to many units (sorted), and how many units were seen."""

    common: np.ndarray
    rare: np.ndarray  # grams held by 2 … MIN_DF-1 units
    units: int
    min_df: int = MIN_DF

    def mask(self, p: Prepared) -> np.ndarray:
        """Characters of ``p``'s clauses that are mostly common wording (whole clauses).

        A clause is 套话 when common grams cover at least :data:`COMMON_SHARE` of its
        characters; then the whole clause is masked, else none of it: a rare passage
        keeps its few common phrases, so copying it is still seen whole.
        """
        pos, h = gram_hashes(p)
        out = np.zeros(len(p.norm), bool)
        if len(self.common) == 0 or len(pos) == 0:
            return out
        i = np.searchsorted(self.common, h)
        i[i >= len(self.common)] = 0
        hit = pos[self.common[i] == h]
        if not len(hit):
            return out
        d = np.zeros(len(p.norm) + 1, np.int32)
        np.add.at(d, hit, 1)
        np.add.at(d, hit + G, -1)
        covered = np.concatenate(([0], np.cumsum(np.cumsum(d[:-1]) > 0, dtype=np.int64)))
        for a, b in p.clauses:
            if b > a and covered[b] - covered[a] >= COMMON_SHARE * (b - a):
                out[a:b] = True
        return out

    def apply(self, reports: Sequence[Prepared]) -> None:
        """Set each report's :attr:`Prepared.common` mask."""
        for p in reports:
            p.common = self.mask(p)


def learn(reports: Sequence[Prepared], *, min_df: int = MIN_DF) -> Wording:
    """Document frequency (by unit) of every passage gram of ``reports``."""
    ids: dict[str, int] = {}
    hs: list[np.ndarray] = []
    us: list[np.ndarray] = []
    for p in reports:
        uid = ids.setdefault(unit_id(p), len(ids))
        _pos, h = gram_hashes(p)
        h = np.unique(h)
        hs.append(h)
        us.append(np.full(len(h), uid, np.int64))
    if not hs:
        z = np.zeros(0, np.uint64)
        return Wording(z, z, 0, min_df)
    h = np.concatenate(hs)
    u = np.concatenate(us)
    order = np.lexsort((u, h))
    h, u = h[order], u[order]
    first = np.ones(len(h), bool)
    first[1:] = (h[1:] != h[:-1]) | (u[1:] != u[:-1])
    h = h[first]
    grams, counts = np.unique(h, return_counts=True)
    return Wording(grams[counts >= min_df], grams[(counts >= 2) & (counts < min_df)], len(ids), min_df)


#: Fewest rare grams two reports share to be scored as a pair.
MIN_SHARED = 2


def rare_pairs(reports: Sequence[Prepared], wording: Wording, *, min_shared: int = MIN_SHARED) -> set[tuple[int, int]]:
    """Pairs ``(i < j)`` of different units sharing at least ``min_shared`` rare grams.

    Complete for what is reported: a passage of :data:`G` characters two reports share
    and fewer than :data:`MIN_DF` units hold is a rare gram, so any pair with copied text
    between them is proposed, whatever the batch's size or order.
    """
    if len(wording.rare) == 0 or len(reports) < 2:
        return set()
    hs: list[np.ndarray] = []
    ds: list[np.ndarray] = []
    uid = [unit_id(p) for p in reports]
    for i, p in enumerate(reports):
        _pos, h = gram_hashes(p)
        h = np.unique(h)
        j = np.searchsorted(wording.rare, h)
        j[j >= len(wording.rare)] = 0
        h = h[wording.rare[j] == h]
        hs.append(h)
        ds.append(np.full(len(h), i, np.int64))
    h = np.concatenate(hs)
    d = np.concatenate(ds)
    order = np.lexsort((d, h))
    h, d = h[order], d[order]
    bounds = np.flatnonzero(h[1:] != h[:-1]) + 1
    counts: dict[tuple[int, int], int] = {}
    for grp in np.split(d, bounds):
        if len(grp) < 2:
            continue
        docs = grp.tolist()
        for x in range(len(docs)):
            for y in range(x + 1, len(docs)):
                a, b = docs[x], docs[y]
                if uid[a] != uid[b]:
                    counts[(a, b)] = counts.get((a, b), 0) + 1
    return {k for k, v in counts.items() if v >= min_shared}
