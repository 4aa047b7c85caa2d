"""How much of a report is copied, and from where: clause-level character shingles.

Finding copies (:func:`find_copies`) is in two steps:

1. *Candidates.* Every source's :data:`K`-character shingles go into one sorted array
   (:class:`SourceIndex`); a clause's shingles are looked up with a binary search, and
   a source is a candidate for the clause when it holds at least a fifth of them.
2. *Exact scoring, candidates only.* The clause is aligned against the candidate
   source around the matched shingles with :func:`rapidfuzz.fuzz.partial_ratio_alignment`
   (edit distance); a score of at least :data:`MIN_SCORE` makes the clause copied. This
   is what finds near-verbatim reuse: a clause with 一是 prefixed, a clause lifted from a
   longer sentence, a sentence with two characters in twenty changed.

Texts are prepared by :mod:`drafter.similarity.shingles` (clauses, normalisation, canonical
formulations masked). The 重复率 is the share of a report's (normalised, non-canonical)
characters that sit in copied clauses, overall and per top-level section; copies of the
report's *own unit's* earlier reports are counted apart from copies of other units'.
Pairs within a batch: :mod:`drafter.similarity.pairs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .shingles import (
    OPENING,
    K,
    Prepared,
    canonical_phrases,
    normalise,
    prepare,
    same_unit,
)

__all__ = [
    "K",
    "MIN_SCORE",
    "OPENING",
    "CopiedSpan",
    "DupResult",
    "Prepared",
    "SectionRate",
    "SourceIndex",
    "canonical_phrases",
    "find_copies",
    "normalise",
    "prepare",
    "same_unit",
]

#: Fewest non-canonical characters a clause needs to count as a copy.
MIN_CONTENT = 12
#: Alignment score (0–1) from which a clause counts as copied.
MIN_SCORE = 0.8
#: A source is a candidate for a clause when it holds this share of the clause's shingles.
MIN_HIT_SHARE = 0.2
#: A verbatim run of this many characters inside a longer clause counts as copied.
MIN_RUN = 12
#: At most this many candidate sources are aligned per clause (those holding most of it).
MAX_CANDIDATES = 16
#: At most this many occurrences of one shingle are followed (boilerplate shingles).
MAX_POSTINGS = 400

# --------------------------------------------------------------------------- index


class SourceIndex:
    """Every shingle of a set of sources in one sorted array (binary-searched)."""

    def __init__(self, sources: Sequence[Prepared]) -> None:
        self.sources = list(sources)
        hs, ss, ps = [], [], []
        for i, src in enumerate(self.sources):
            pos = src.shingle_positions()
            hs.append(src.hashes[pos])
            ss.append(np.full(len(pos), i, np.int32))
            ps.append(pos.astype(np.int32))
        h = np.concatenate(hs) if hs else np.zeros(0, np.uint64)
        order = np.argsort(h, kind="stable")
        self.h = h[order]
        self.s = (np.concatenate(ss) if ss else np.zeros(0, np.int32))[order]
        self.p = (np.concatenate(ps) if ps else np.zeros(0, np.int32))[order]

    def __len__(self) -> int:
        return len(self.sources)

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query index, source, source position) for every occurrence of each hash."""
        lo = np.searchsorted(self.h, hashes, "left")
        hi = np.searchsorted(self.h, hashes, "right")
        counts = np.minimum(hi - lo, MAX_POSTINGS)
        total = int(counts.sum())
        if total == 0:
            z = np.zeros(0, np.int64)
            return z, z, z
        qi = np.repeat(np.arange(len(hashes)), counts)
        starts = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        idx = starts + np.arange(total)
        return qi, self.s[idx].astype(np.int64), self.p[idx].astype(np.int64)


# --------------------------------------------------------------------------- results


@dataclass
class CopiedSpan:
    """A run of copied clauses in the checked text and the passage it matches."""

    start: int
    end: int
    text: str
    section: str
    source: str  # the source's display name (单位 · 年度 · 标题)
    source_key: str
    source_unit: str | None
    source_year: int | None
    source_start: int
    source_end: int
    source_text: str
    score: float
    chars: int  # normalised, non-canonical characters copied
    own: bool  # the source is the same unit's report

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class SectionRate:
    section: str
    chars: int
    copied: int
    own: int
    other: int

    @property
    def rate(self) -> float:
        return self.copied / self.chars if self.chars else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "chars": self.chars, "copied": self.copied,
                "own": self.own, "other": self.other, "rate": round(self.rate, 4)}


@dataclass
class DupResult:
    """The 重复率 of one text against a set of sources."""

    chars: int
    copied: int
    own: int
    other: int
    spans: list[CopiedSpan]
    sections: list[SectionRate]
    by_source: dict[str, int]  # source key → copied characters (each clause to its best source)
    matched: dict[str, int] = field(default_factory=dict)  # source key → characters it matches

    @property
    def rate(self) -> float:
        return self.copied / self.chars if self.chars else 0.0

    @property
    def own_rate(self) -> float:
        return self.own / self.chars if self.chars else 0.0

    @property
    def other_rate(self) -> float:
        return self.other / self.chars if self.chars else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rate": round(self.rate, 4),
            "own_rate": round(self.own_rate, 4),
            "other_rate": round(self.other_rate, 4),
            "chars": self.chars,
            "copied": self.copied,
            "sections": [s.to_dict() for s in self.sections],
            "spans": [s.to_dict() for s in self.spans],
            "by_source": dict(self.by_source),
        }


# --------------------------------------------------------------------------- scoring


def _align(clause: str, region: str) -> tuple[float, int, int]:
    from rapidfuzz import fuzz

    if not region:
        return 0.0, 0, 0
    if len(region) < len(clause):
        r = fuzz.ratio(clause, region) / 100.0
        return r, 0, len(region)
    al = fuzz.partial_ratio_alignment(clause, region)
    if al is None:
        return 0.0, 0, 0
    return al.score / 100.0, al.dest_start, al.dest_end


def find_copies(query: Prepared, index: SourceIndex, *, exclude: Iterable[str] = ()) -> DupResult:
    """Copied clauses of ``query`` in the sources of ``index`` (own unit first)."""
    excluded = set(exclude) | ({query.key} if query.key else set())
    pos = query.shingle_positions()
    clause_of = np.full(len(query.norm), -1, np.int64)
    for ci, (a, b) in enumerate(query.clauses):
        clause_of[a:b] = ci
    qi, src, spos = index.lookup(query.hashes[pos]) if len(pos) else (np.zeros(0, np.int64),) * 3
    qpos = pos[qi] if len(qi) else qi
    ci_of = clause_of[qpos] if len(qpos) else qpos
    # group hits by (clause, source)
    n_src = max(1, len(index))
    # clause → (score, source, dest a, dest b, copied a, copied b) in normalised positions
    chosen: dict[int, tuple[float, int, int, int, int, int]] = {}
    # characters each source matches, counting a clause for every source it matches
    # (two sources holding the same passage both get it; for pair similarity)
    matched: dict[int, int] = {}
    if len(ci_of):
        keys = ci_of * n_src + src
        order = np.argsort(keys, kind="stable")
        keys, qpos_s, spos_s = keys[order], qpos[order], spos[order]
        bounds = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(keys)]))
        # candidates: sources holding enough of the clause's shingles (vectorised first cut)
        n_sh_of = np.bincount(clause_of[pos], minlength=len(query.clauses))
        g_clause = keys[starts] // n_src
        sizes = ends - starts
        ok = sizes >= np.maximum(2, MIN_HIT_SHARE * n_sh_of[g_clause])
        starts, ends, sizes = starts[ok], ends[ok], sizes[ok]
        per_clause: dict[int, list[tuple[int, int, int]]] = {}
        for s0, e0 in zip(starts.tolist(), ends.tolist(), strict=True):
            k = int(keys[s0])
            per_clause.setdefault(k // n_src, []).append((k % n_src, s0, e0))
        for groups in per_clause.values():
            if len(groups) > MAX_CANDIDATES:  # the sources holding most of the clause
                groups.sort(key=lambda g: g[1] - g[2])
                del groups[MAX_CANDIDATES:]
        for ci, groups in per_clause.items():
            a, b = query.clauses[ci]
            content = int((~query.canonical[a:b]).sum())
            if content < MIN_CONTENT:
                continue
            n_sh = max(1, int(n_sh_of[ci]))
            best: tuple[float, int, int, int, int, int] | None = None
            own_best: tuple[float, int, int, int, int, int] | None = None
            for s_idx, s0, e0 in groups:
                source = index.sources[s_idx]
                if source.key in excluded:
                    continue
                distinct = len(np.unique(qpos_s[s0:e0]))
                if distinct < max(2, MIN_HIT_SHARE * n_sh):
                    continue
                diag = int(np.median(spos_s[s0:e0] - qpos_s[s0:e0]))
                lo = max(0, a + diag - 12)
                hi = min(len(source.norm), b + diag + 12)
                score, da, db = _align(query.norm[a:b], source.norm[lo:hi])
                if score >= MIN_SCORE:
                    cand = (score, s_idx, lo + da, lo + db, a, b)
                else:
                    run = _longest_run(qpos_s[s0:e0], spos_s[s0:e0], a, b)
                    if run is None:
                        continue
                    ra, rb, sa = run
                    if int((~query.canonical[ra:rb]).sum()) < MIN_RUN:
                        continue
                    score = 1.0
                    cand = (score, s_idx, max(0, ra + sa), min(len(source.norm), rb + sa), ra, rb)
                matched[s_idx] = matched.get(s_idx, 0) + int((~query.canonical[cand[4] : cand[5]]).sum())
                if best is None or score > best[0]:
                    best = cand
                if same_unit(query.unit, source.unit) and (own_best is None or score > own_best[0]):
                    own_best = cand
            pick = own_best or best
            if pick is not None:
                chosen[ci] = pick
    result = _result(query, index, chosen)
    result.matched = {index.sources[i].key: n for i, n in matched.items()}
    return result


def _longest_run(qpos: np.ndarray, spos: np.ndarray, a: int, b: int) -> tuple[int, int, int] | None:
    """The longest verbatim run in ``[a, b)``: shingle hits on one diagonal, back to back.

    Returns ``(start, end, diagonal)`` in normalised positions, or None when no run
    reaches :data:`MIN_RUN` characters.
    """
    best: tuple[int, int, int] | None = None
    diag = spos - qpos
    for d in np.unique(diag).tolist():
        ps = np.unique(qpos[diag == d])
        if len(ps) * 1 + K - 1 < MIN_RUN:
            continue
        # consecutive starts (gap 1) make one run covering [first, last + K)
        breaks = np.flatnonzero(np.diff(ps) > 1)
        starts = np.concatenate(([0], breaks + 1))
        ends = np.concatenate((breaks, [len(ps) - 1]))
        for i0, i1 in zip(starts.tolist(), ends.tolist(), strict=True):
            ra, rb = int(ps[i0]), min(b, int(ps[i1]) + K)
            if rb - ra >= MIN_RUN and (best is None or rb - ra > best[1] - best[0]):
                best = (ra, rb, int(d))
    return best


def _result(
    query: Prepared, index: SourceIndex, chosen: dict[int, tuple[float, int, int, int, int, int]]
) -> DupResult:
    canon = query.canonical
    sec_stats: dict[str, list[int]] = {s: [0, 0, 0, 0] for s in query.section_order}
    for ci, (a, b) in enumerate(query.clauses):
        sec_stats.setdefault(query.sections[ci], [0, 0, 0, 0])[0] += int((~canon[a:b]).sum())
    spans: list[CopiedSpan] = []
    by_source: dict[str, int] = {}
    copied = own = other = 0
    prev_ci = -2
    for ci in sorted(chosen):
        score, s_idx, da, db, a, b = chosen[ci]
        source = index.sources[s_idx]
        n = int((~canon[a:b]).sum())
        is_own = same_unit(query.unit, source.unit)
        copied += n
        own += n if is_own else 0
        other += 0 if is_own else n
        st = sec_stats.setdefault(query.sections[ci], [0, 0, 0, 0])
        st[1] += n
        st[2 if is_own else 3] += n
        by_source[source.key] = by_source.get(source.key, 0) + n
        start, end = int(query.offsets[a]), int(query.offsets[b - 1]) + 1
        s_start = int(source.offsets[min(da, len(source.offsets) - 1)])
        s_end = int(source.offsets[max(da, db - 1)]) + 1
        last = spans[-1] if spans else None
        if (
            last is not None
            and prev_ci == ci - 1
            and last.source_key == source.key
            and last.section == query.sections[ci]
            and "\n" not in query.text[last.end : start]
            and (a, b) == query.clauses[ci]
        ):
            last.end = end
            last.text = query.text[last.start : end]
            last.source_end = max(last.source_end, s_end)
            last.source_text = source.text[last.source_start : last.source_end]
            last.chars += n
            last.score = min(last.score, score)
        else:
            spans.append(CopiedSpan(
                start=start, end=end, text=query.text[start:end], section=query.sections[ci],
                source=source.name, source_key=source.key, source_unit=source.unit,
                source_year=source.year, source_start=s_start, source_end=s_end,
                source_text=source.text[s_start:s_end], score=round(score, 3), chars=n, own=is_own,
            ))
        prev_ci = ci
    sections = [SectionRate(s, v[0], v[1], v[2], v[3]) for s, v in sec_stats.items() if v[0]]
    return DupResult(query.length, copied, own, other, spans, sections, by_source)
