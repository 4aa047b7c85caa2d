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

import re
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
    "StatSentence",
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
#: A shingle occurring more often than this in the sources is no evidence of copying and is
#: not followed at all (the rarest shingles are kept, whatever the order of the sources).
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
        counts = hi - lo
        counts[counts > MAX_POSTINGS] = 0
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
class StatSentence:
    """A clause worded like a source's but with other figures: 「格式相同的统计句」, not a copy."""

    start: int
    end: int
    text: str
    section: str
    source: str
    source_key: str
    source_text: str
    changes: list[tuple[str, str, str]]  # (label, figure in the source, figure here)
    own: bool

    def describe(self) -> str:
        """“提拔正科级 3→5；职级晋升 12→15”."""
        return "；".join(f"{lab} {old}→{new}" if lab else f"{old}→{new}" for lab, old, new in self.changes)

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["changes"] = [list(c) for c in self.changes]
        return d


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
    stats: list[StatSentence] = field(default_factory=list)  # same wording, other figures
    stat_chars: dict[str, int] = field(default_factory=dict, repr=False)  # source key → in such clauses

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
            "stats": [s.to_dict() for s in self.stats],
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


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_YEAR_NUM = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
_LABEL_FILL = re.compile(r"^(?:共|共计|合计|全年|其中|今年|本年度|年内|累计|先后|分别|我局|我委|我市|我县|本单位|并|和|及|、|年|度)+")
_LABEL_TAIL = re.compile(r"(?:领导干部|干部|人员|同志|共|达|为)+$")


def _figures(text: str) -> list[tuple[int, str]]:
    """``(position, figure)`` of the numbers of ``text`` that are not years (2025年)."""
    years = {m.start() for m in _YEAR_NUM.finditer(text)}
    return [(m.start(), m.group(0)) for m in _NUMBER.finditer(text) if m.start() not in years]


def _figure_label(text: str, pos: int) -> str:
    i = pos
    while i > 0 and "\u4e00" <= text[i - 1] <= "\u9fff" and pos - i < 10:
        i -= 1
    label = _LABEL_FILL.sub("", text[i:pos])
    return _LABEL_TAIL.sub("", label) or label


def _figure_changes(here: str, there: str) -> list[tuple[str, str, str]] | None:
    """The figures that differ between two clauses worded alike, or None when none differ."""
    fh, ft = _figures(here), _figures(there)
    if not fh or [f for _, f in fh] == [f for _, f in ft]:
        return None
    out = []
    for k, (pos, new) in enumerate(fh):
        old = ft[k][1] if k < len(ft) else "—"
        if old != new:
            out.append((_figure_label(here, pos), old, new))
    return out or None


def _clause_content(query: Prepared, masked: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per clause: characters that count, and whether the clause is scored at all."""
    n = len(query.clauses)
    content = np.zeros(n, np.int64)
    if n == 0:
        return content, np.zeros(0, bool)
    cm = np.concatenate(([0], np.cumsum(~masked, dtype=np.int64)))
    starts = np.asarray([a for a, _ in query.clauses], np.int64)
    ends = np.asarray([b for _, b in query.clauses], np.int64)
    content = cm[ends] - cm[starts]
    n_sh = np.zeros(n, np.int64)
    if len(pos):
        ci = np.searchsorted(starts, pos, "right") - 1
        n_sh = np.bincount(ci, minlength=n)
    return content, (content >= MIN_CONTENT) & (n_sh >= 2)


def _clip_source(source: Prepared, da: int, db: int) -> tuple[int, int]:
    """Offsets in the source's text of ``norm[da:db]``, kept inside one line (never across a heading)."""
    last = len(source.offsets) - 1
    s_start = int(source.offsets[min(da, last)])
    s_end = int(source.offsets[min(max(da, db - 1), last)]) + 1
    if "\n" in source.text[s_start:s_end]:
        mid = int(source.offsets[min((da + db) // 2, last)])
        lo = source.text.rfind("\n", s_start, mid) + 1 or s_start
        hi = source.text.find("\n", mid, s_end)
        s_start, s_end = max(s_start, lo), (s_end if hi == -1 else hi)
    return s_start, s_end


def find_copies(query: Prepared, index: SourceIndex, *, exclude: Iterable[str] = ()) -> DupResult:
    """Copied clauses of ``query`` in the sources of ``index`` (own unit first).

    Deterministic and independent of the order of the sources: candidates are ranked
    by the shingles they hold, ties by content; a shingle too common to be evidence is
    left out entirely rather than followed for the first sources only.
    """
    excluded = set(exclude) | ({query.key} if query.key else set())
    masked = query.masked
    pos = query.shingle_positions()
    clause_of = np.full(len(query.norm), -1, np.int64)
    for ci, (a, b) in enumerate(query.clauses):
        clause_of[a:b] = ci
    content_of, scored = _clause_content(query, masked, pos)
    qi, src, spos = index.lookup(query.hashes[pos]) if len(pos) else (np.zeros(0, np.int64),) * 3
    qpos = pos[qi] if len(qi) else qi
    ci_of = clause_of[qpos] if len(qpos) else qpos
    n_src = max(1, len(index))
    # clause → (score, source, dest a, dest b, copied a, copied b) in normalised positions
    chosen: dict[int, tuple[float, int, int, int, int, int]] = {}
    # characters each source matches, counting a clause for every source it matches
    # (two sources holding the same passage both get it; for pair similarity)
    matched: dict[int, int] = {}
    tie = [str(src_.meta.get("hash") or src_.key) for src_ in index.sources]
    if len(ci_of):
        keys = ci_of * n_src + src
        order = np.argsort(keys, kind="stable")
        keys, qpos_s, spos_s = keys[order], qpos[order], spos[order]
        bounds = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [len(keys)]))
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
            if len(groups) > MAX_CANDIDATES:  # the sources holding most of the clause; ties by content
                groups.sort(key=lambda g: (g[1] - g[2], tie[g[0]]))
                del groups[MAX_CANDIDATES:]
        for ci, groups in per_clause.items():
            a, b = query.clauses[ci]
            if not scored[ci]:
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
                dd = np.sort(spos_s[s0:e0] - qpos_s[s0:e0])
                diag = int(dd[len(dd) // 2])
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
                    if int((~masked[ra:rb]).sum()) < MIN_RUN:
                        continue
                    score = 1.0
                    cand = (score, s_idx, max(0, ra + sa), min(len(source.norm), rb + sa), ra, rb)
                matched[s_idx] = matched.get(s_idx, 0) + int((~masked[cand[4] : cand[5]]).sum())
                key = (score, tie[s_idx])
                if best is None or key > (best[0], tie[best[1]]):
                    best = cand
                if same_unit(query.unit, source.unit) and (
                    own_best is None or key > (own_best[0], tie[own_best[1]])
                ):
                    own_best = cand
            pick = own_best or best
            if pick is not None:
                chosen[ci] = pick
    result = _result(query, index, chosen, masked, content_of, scored)
    result.matched = {index.sources[i].key: n for i, n in matched.items()}
    for skey, n in result.stat_chars.items():
        if skey in result.matched:
            result.matched[skey] = max(0, result.matched[skey] - n)
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
    query: Prepared,
    index: SourceIndex,
    chosen: dict[int, tuple[float, int, int, int, int, int]],
    masked: np.ndarray,
    content_of: np.ndarray,
    scored: np.ndarray,
) -> DupResult:
    sec_stats: dict[str, list[int]] = {s: [0, 0, 0, 0] for s in query.section_order}
    for ci in range(len(query.clauses)):
        if scored[ci]:
            sec_stats.setdefault(query.sections[ci], [0, 0, 0, 0])[0] += int(content_of[ci])
    spans: list[CopiedSpan] = []
    stats: list[StatSentence] = []
    stat_chars: dict[str, int] = {}
    by_source: dict[str, int] = {}
    copied = own = other = 0
    prev_ci = -2
    for ci in sorted(chosen):
        score, s_idx, da, db, a, b = chosen[ci]
        source = index.sources[s_idx]
        n = int((~masked[a:b]).sum())
        is_own = same_unit(query.unit, source.unit)
        start, end = int(query.offsets[a]), int(query.offsets[b - 1]) + 1
        s_start, s_end = _clip_source(source, da, db)
        changes = _figure_changes(query.text[start:end], source.text[s_start:s_end])
        if changes is not None:  # 格式相同的统计句: the same sentence with this year's figures
            stats.append(StatSentence(
                start=start, end=end, text=query.text[start:end], section=query.sections[ci],
                source=source.name, source_key=source.key, source_text=source.text[s_start:s_end],
                changes=changes, own=is_own,
            ))
            stat_chars[source.key] = stat_chars.get(source.key, 0) + n
            prev_ci = -2
            continue
        copied += n
        own += n if is_own else 0
        other += 0 if is_own else n
        st = sec_stats.setdefault(query.sections[ci], [0, 0, 0, 0])
        st[1] += n
        st[2 if is_own else 3] += n
        by_source[source.key] = by_source.get(source.key, 0) + n
        last = spans[-1] if spans else None
        if (
            last is not None
            and prev_ci == ci - 1
            and last.source_key == source.key
            and last.section == query.sections[ci]
            and "\n" not in query.text[last.end : start]
            and (a, b) == query.clauses[ci]
            and last.source_end <= s_start + 2
            and s_start - last.source_end <= 8
            and "\n" not in source.text[last.source_end : s_start]
        ):
            last.end = end
            last.text = query.text[last.start : end]
            last.source_end = max(last.source_end, s_end)
            last.source_text = source.text[last.source_start : last.source_end]
            last.chars += n
            last.score = min(last.score, round(score, 3))
        else:
            spans.append(CopiedSpan(
                start=start, end=end, text=query.text[start:end], section=query.sections[ci],
                source=source.name, source_key=source.key, source_unit=source.unit,
                source_year=source.year, source_start=s_start, source_end=s_end,
                source_text=source.text[s_start:s_end], score=round(score, 3), chars=n, own=is_own,
            ))
        prev_ci = ci
    sections = [SectionRate(s, v[0], v[1], v[2], v[3]) for s, v in sec_stats.items() if v[0]]
    total = int(content_of[scored].sum()) if len(scored) else 0
    out = DupResult(total, copied, own, other, spans, sections, by_source, stats=stats)
    out.stat_chars = stat_chars
    return out
