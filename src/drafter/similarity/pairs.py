"""Similar pairs in a batch without comparing every pair: rare shared passages.

Wording many units share is learned first (:mod:`drafter.similarity.common`: passage
grams held by :data:`~drafter.similarity.common.MIN_DF` units or more are 套话 and
masked). Two reports of different units sharing rare grams are a candidate pair — a
complete list of the pairs with copied text between them, independent of file names,
order and batch size — and only those are scored exactly with
:func:`drafter.similarity.copies.find_copies`, each report against its candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .common import Wording, learn, rare_pairs
from .copies import DupResult, SourceIndex, find_copies
from .shingles import Prepared, same_unit

__all__ = ["MIN_PAIR_CHARS", "Pair", "candidate_pairs", "similar_pairs"]

#: Fewest shared characters (normalised, standard wording left out) that make a pair: one
#: short clause two reports happen to share is no evidence of copying.
MIN_PAIR_CHARS = 40


@dataclass
class Pair:
    """Two reports of a batch and how much text they share."""

    a: str
    b: str
    similarity: float  # the larger of the two shares
    a_from_b: float  # share of a's text found in b
    b_from_a: float
    passages: int = 0  # shared passages (copied spans on the side with more)
    a_spans: list[Any] = field(default_factory=list, repr=False)
    b_spans: list[Any] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "similarity": round(self.similarity, 4),
                "a_from_b": round(self.a_from_b, 4), "b_from_a": round(self.b_from_a, 4),
                "passages": self.passages}


def candidate_pairs(reports: Sequence[Prepared], wording: Wording | None = None) -> set[tuple[int, int]]:
    """Pairs (i < j) of different units sharing rare passages."""
    wording = wording or learn(reports)
    return rare_pairs(reports, wording)


def similar_pairs(
    reports: Sequence[Prepared],
    *,
    min_similarity: float = 0.05,
    cross_unit_only: bool = True,
    results: dict[int, DupResult] | None = None,
    wording: Wording | None = None,
) -> list[Pair]:
    """Pairs of reports sharing rare passages, most similar first.

    ``wording`` is the batch's learned common wording (learned from ``reports`` and
    applied to them when not given). ``results``, when given, receives each report's
    :class:`DupResult` against its candidates.
    """
    if wording is None:
        wording = learn(reports)
        wording.apply(reports)
    cands = rare_pairs(reports, wording)
    if cross_unit_only:  # a unit's own reports are 对照's business
        cands = {(i, j) for i, j in cands if not same_unit(reports[i].unit, reports[j].unit)}
    partners: dict[int, list[int]] = {}
    for i, j in cands:
        partners.setdefault(i, []).append(j)
        partners.setdefault(j, []).append(i)
    share: dict[tuple[int, int], float] = {}
    got: dict[tuple[int, int], int] = {}
    spans: dict[tuple[int, int], list[Any]] = {}
    for i, js in partners.items():
        res = find_copies(reports[i], SourceIndex([reports[j] for j in sorted(js)]))
        if results is not None:
            results[i] = res
        for j in js:
            key = reports[j].key
            got[(i, j)] = res.matched.get(key, 0)
            share[(i, j)] = got[(i, j)] / res.chars if res.chars else 0.0
            spans[(i, j)] = [s for s in res.spans if s.source_key == key]
    out: list[Pair] = []
    for i, j in sorted(cands):
        ab, ba = share.get((i, j), 0.0), share.get((j, i), 0.0)
        sim = max(ab, ba)
        if sim >= min_similarity and max(got.get((i, j), 0), got.get((j, i), 0)) >= MIN_PAIR_CHARS:
            sa, sb = spans.get((i, j), []), spans.get((j, i), [])
            out.append(Pair(reports[i].key, reports[j].key, sim, ab, ba, max(len(sa), len(sb)), sa, sb))
    out.sort(key=lambda p: (-p.similarity, min(p.a, p.b), max(p.a, p.b)))
    return out
