"""Similar pairs in a batch without comparing every pair: MinHash sketches and LSH.

Each report and each of its paragraphs gets a MinHash sketch (datasketch) of its
shingles (:mod:`drafter.similarity.shingles`); a MinHash LSH index proposes candidate pairs,
and only those are scored exactly with :func:`drafter.similarity.copies.find_copies`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .copies import DupResult, SourceIndex, find_copies
from .shingles import Prepared, same_unit

__all__ = ["LSH_THRESHOLD", "NUM_PERM", "Pair", "candidate_pairs", "similar_pairs"]


@dataclass
class Pair:
    """Two reports of a batch and how much one took from the other."""

    a: str
    b: str
    similarity: float  # the larger of the two 重复率
    a_from_b: float
    b_from_a: float

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "similarity": round(self.similarity, 4),
                "a_from_b": round(self.a_from_b, 4), "b_from_a": round(self.b_from_a, 4)}


#: MinHash permutations per sketch.
NUM_PERM = 64
#: LSH threshold (estimated Jaccard) on whole reports and on paragraphs.
LSH_THRESHOLD = 0.3
#: Paragraphs with fewer distinct shingles get no sketch of their own.
MIN_BLOCK_SHINGLES = 30


def _minhash(values: np.ndarray) -> Any:
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int)
    if len(values):
        m.update_batch(values.tolist())
    return m


def _blocks(r: Prepared) -> list[tuple[int, int]]:
    """``(a, b)`` normalised ranges of the report's paragraphs (lines)."""
    if not r.clauses:
        return []
    newlines = np.flatnonzero(np.frombuffer(r.text.encode("utf-32-le"), dtype=np.uint32) == 10)
    starts = np.asarray([r.offsets[a] for a, _ in r.clauses])
    lines = np.searchsorted(newlines, starts)
    out: list[tuple[int, int]] = []
    cur_line, cur = int(lines[0]), list(r.clauses[0])
    for (a, b), ln in zip(r.clauses[1:], lines[1:].tolist(), strict=True):
        if ln == cur_line:
            cur[1] = b
        else:
            out.append((cur[0], cur[1]))
            cur_line, cur = ln, [a, b]
    out.append((cur[0], cur[1]))
    return out


def candidate_pairs(reports: Sequence[Prepared]) -> set[tuple[int, int]]:
    """Pairs (i < j) whose whole text or some paragraph look alike (MinHash LSH).

    Each report gets one sketch for the whole text and one per paragraph of at least
    :data:`MIN_BLOCK_SHINGLES` shingles, so a copied section stands out even inside a
    long report; only pairs that share an LSH bucket are scored exactly.
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    sketches: list[tuple[str, Any, int]] = []
    for i, r in enumerate(reports):
        whole = r.shingle_set()
        if len(whole) == 0:
            continue
        sketches.append((f"{i}", _minhash(whole), i))
        for bi, (a, b) in enumerate(_blocks(r)):
            vals = r.shingle_set(a, b)
            if len(vals) >= MIN_BLOCK_SHINGLES:
                sketches.append((f"{i}:{bi}", _minhash(vals), i))
    for key, m, _ in sketches:
        lsh.insert(key, m)
    out: set[tuple[int, int]] = set()
    for _key, m, i in sketches:
        for other in lsh.query(m):
            j = int(other.split(":", 1)[0])
            if j != i:
                out.add((min(i, j), max(i, j)))
    return out


def similar_pairs(
    reports: Sequence[Prepared],
    *,
    min_similarity: float = 0.05,
    cross_unit_only: bool = True,
    results: dict[int, DupResult] | None = None,
) -> list[Pair]:
    """Pairs of reports with copying between them, most similar first.

    Candidates come from :func:`candidate_pairs`; each candidate is scored exactly with
    :func:`find_copies` in both directions (each report against all its candidates at once).
    ``results``, when given, receives each report's :class:`DupResult` against its candidates.
    """
    cands = candidate_pairs(reports)
    if cross_unit_only:
        cands = {(i, j) for i, j in cands if not same_unit(reports[i].unit, reports[j].unit)}
    partners: dict[int, list[int]] = {}
    for i, j in cands:
        partners.setdefault(i, []).append(j)
        partners.setdefault(j, []).append(i)
    share: dict[tuple[int, int], float] = {}
    for i, js in partners.items():
        js = sorted(js)
        res = find_copies(reports[i], SourceIndex([reports[j] for j in js]))
        if results is not None:
            results[i] = res
        for j in js:
            share[(i, j)] = res.matched.get(reports[j].key, 0) / res.chars if res.chars else 0.0
    out: list[Pair] = []
    for i, j in sorted(cands):
        ab, ba = share.get((i, j), 0.0), share.get((j, i), 0.0)
        sim = max(ab, ba)
        if sim >= min_similarity:
            out.append(Pair(reports[i].key, reports[j].key, sim, ab, ba))
    out.sort(key=lambda p: -p.similarity)
    return out
