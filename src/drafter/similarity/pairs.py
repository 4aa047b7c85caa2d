"""Similar pairs in a batch without comparing every pair: rare shared passages.

Two questions, answered from different evidence:

* *Whether* two reports are a pair is the batch's call. Wording many units share is
  learned first (:mod:`drafter.similarity.common`: passage grams held by
  :data:`~drafter.similarity.common.MIN_DF` units or more are 套话); two reports of
  different units sharing rare grams are candidates (complete, independent of file names
  and order), and a candidate is a pair when what it shares beyond the batch's 套话 is
  at least ``min_similarity`` of one report and :data:`MIN_PAIR_CHARS` characters. The
  batch's 套话 can only *demote* a pair — sharing 套话 is no evidence — never move a score.
* *How much* they share is a property of the two reports alone (:func:`pair_score`): the
  share of a report's text that the other also has, standard wording taken from fixed
  sources only — the canonical formulations, the drafting phrase bank and the knowledge
  base's learned 套话 (``reference``, :func:`standard_view`). So the same pair scores the
  same reviewed alone, in a batch of 300 or of 1,000 and under any file names. (Scored
  against the batch's 套话, a pair's score moved by up to 0.16 between the pair alone and
  the pair in a batch of 1,000: how much of its text counted depended on what the other
  reports happened to share.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .common import Wording, learn, rare_pairs
from .copies import DupResult, SourceIndex, find_copies
from .shingles import Prepared, same_unit

__all__ = ["MIN_PAIR_CHARS", "Pair", "candidate_pairs", "pair_score", "similar_pairs",
           "standard_view"]

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
    distinctive: float = 0.0  # the larger share beyond the batch's 套话 (what made it a pair)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "similarity": round(self.similarity, 4),
                "a_from_b": round(self.a_from_b, 4), "b_from_a": round(self.b_from_a, 4),
                "passages": self.passages}


def candidate_pairs(reports: Sequence[Prepared], wording: Wording | None = None) -> set[tuple[int, int]]:
    """Pairs (i < j) of different units sharing rare passages."""
    wording = wording or learn(reports)
    return rare_pairs(reports, wording)


def standard_view(p: Prepared, reference: Wording | None = None) -> Prepared:
    """``p`` with standard wording from fixed sources only: its canonical mask, plus the
    ``reference``'s learned 套话 (the knowledge base's) when given; the batch's not at all."""
    q = dataclasses.replace(p, common=None)
    if reference is not None:
        q.common = reference.mask(q)
    return q


def pair_score(a: Prepared, b: Prepared) -> tuple[DupResult, DupResult]:
    """``a`` against ``b`` and ``b`` against ``a``: nothing but the two reports (and their masks)."""
    return find_copies(a, SourceIndex([b])), find_copies(b, SourceIndex([a]))


def _share(res: DupResult, key: str) -> tuple[float, int, list[Any]]:
    got = res.matched.get(key, 0)
    return (got / res.chars if res.chars else 0.0), got, [s for s in res.spans if s.source_key == key]


def similar_pairs(
    reports: Sequence[Prepared],
    *,
    min_similarity: float = 0.05,
    cross_unit_only: bool = True,
    wording: Wording | None = None,
    reference: Wording | None = None,
    views: Sequence[Prepared] | None = None,
) -> list[Pair]:
    """Pairs of reports sharing rare passages, most similar first.

    ``wording`` is the batch's learned common wording (learned from ``reports`` and
    applied to them when not given): it decides which reports are pairs. Each pair is
    then scored on its own (:func:`pair_score`) on ``views`` of the reports — by default
    :func:`standard_view` with ``reference`` (the knowledge base's 套话) — so the score
    does not depend on the rest of the batch.
    """
    if wording is None:
        wording = learn(reports)
        wording.apply(reports)
    cands = rare_pairs(reports, wording)
    if cross_unit_only:  # a unit's own reports are 对照's business
        cands = {(i, j) for i, j in cands if not same_unit(reports[i].unit, reports[j].unit)}
    # the batch's call: what each report shares with its candidates beyond the batch's 套话
    partners: dict[int, list[int]] = {}
    for i, j in cands:
        partners.setdefault(i, []).append(j)
        partners.setdefault(j, []).append(i)
    share: dict[tuple[int, int], float] = {}
    got: dict[tuple[int, int], int] = {}
    for i, js in partners.items():
        res = find_copies(reports[i], SourceIndex([reports[j] for j in sorted(js)]))
        for j in js:
            got[(i, j)] = res.matched.get(reports[j].key, 0)
            share[(i, j)] = got[(i, j)] / res.chars if res.chars else 0.0
    if views is None:
        views = [standard_view(p, reference) for p in reports]
    out: list[Pair] = []
    for i, j in sorted(cands):
        distinctive = max(share.get((i, j), 0.0), share.get((j, i), 0.0))
        if distinctive < min_similarity or max(got.get((i, j), 0), got.get((j, i), 0)) < MIN_PAIR_CHARS:
            continue  # only 套话 of this batch, or a phrase or two: no pair
        ra, rb = pair_score(views[i], views[j])
        ab, got_ab, sa = _share(ra, views[j].key)
        ba, got_ba, sb = _share(rb, views[i].key)
        sim = max(ab, ba)
        if sim >= min_similarity and max(got_ab, got_ba) >= MIN_PAIR_CHARS:
            out.append(Pair(reports[i].key, reports[j].key, sim, ab, ba, max(len(sa), len(sb)), sa, sb,
                            distinctive=distinctive))
    out.sort(key=lambda p: (-p.similarity, min(p.a, p.b), max(p.a, p.b)))
    return out
