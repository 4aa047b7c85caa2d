"""How much of a report is copied, and from where: clause-level character shingles.

A text is cut into *clauses* (runs between ，。；：！？ and line breaks; a short run joins
the clause before it in the same sentence, or the next one at a sentence's start, and a
leading 一是/（一）/1. is dropped),
and each clause is reduced to its letters, digits and Chinese characters (digits folded
to ``0``, full-width forms to half-width), so punctuation, spacing, enumeration and the
figures of the year do not hide a copy.

Finding copies (:func:`find_copies`) is in two steps:

1. *Candidates.* Every source's :data:`K`-character shingles go into one sorted array
   (:class:`SourceIndex`); a clause's shingles are looked up with a binary search, and
   a source is a candidate for the clause when it holds at least a fifth of them.
2. *Exact scoring, candidates only.* The clause is aligned against the candidate
   source around the matched shingles with :func:`rapidfuzz.fuzz.partial_ratio_alignment`
   (edit distance); a score of at least :data:`MIN_SCORE` makes the clause copied. This
   is what finds near-verbatim reuse: a clause with 一是 prefixed, a clause lifted from a
   longer sentence, a sentence with two characters in twenty changed.

Canonical formulations (the ``phrases`` of ``knowledge/policies/*.yaml``: the selection
principles, the 好干部标准, 凡提四必 …) are masked out: their characters neither make
a clause copied nor count in the 重复率, and a clause that is little more than such a
formulation is not scored at all.

The 重复率 is the share of a report's (normalised, non-canonical) characters that sit in
copied clauses, overall and per top-level section; copies of the report's *own unit's*
earlier reports are counted apart from copies of other units'.

For a batch, :func:`similar_pairs` avoids comparing every pair: each report and each of
its paragraphs gets a MinHash sketch (datasketch), a MinHash LSH index proposes
candidate pairs, and only those are scored exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "K",
    "MIN_SCORE",
    "CopiedSpan",
    "DupResult",
    "Pair",
    "Prepared",
    "SectionRate",
    "SourceIndex",
    "canonical_phrases",
    "find_copies",
    "prepare",
    "same_unit",
    "similar_pairs",
]

#: Shingle length in normalised characters.
K = 5
#: Shortest clause (normalised characters) that is scored on its own.
MIN_CLAUSE = 12
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

_SEG = re.compile(r"[^，。；：！？,;:!?\n]+")
_SENTENCE_END = frozenset("。！？!?\n")
_ENUM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．]"
    r"|首先|其次|再次|最后|此外|同时|另外)\s*"
)
_QUOTED_TITLE = re.compile(r"《[^《》\n]{1,60}》")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BASE = np.uint64(1_000_003)


def _fold_codes(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Code points of ``text`` folded (full-width → half-width, digits → ``0``, lower case)
    and the mask of the characters that count (Chinese characters, letters, digits)."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
    full = (cp >= 0xFF10) & (cp <= 0xFF5A)
    cp[full] -= 0xFEE0
    upper = (cp >= 0x41) & (cp <= 0x5A)
    cp[upper] += 32
    digit = (cp >= 0x30) & (cp <= 0x39)
    cp[digit] = 0x30
    keep = (
        digit
        | ((cp >= 0x61) & (cp <= 0x7A))
        | ((cp >= 0x4E00) & (cp <= 0x9FFF))
        | ((cp >= 0x3400) & (cp <= 0x4DBF))
        | ((cp >= 0xF900) & (cp <= 0xFAFF))
        | (cp == 0x3007)  # 〇
    )
    return cp, keep


def normalise(text: str) -> str:
    """The characters that count: letters, digits (as ``0``) and Chinese characters."""
    cp, keep = _fold_codes(text)
    return cp[keep].tobytes().decode("utf-32-le")


@lru_cache(maxsize=4)
def _canonical_cached(policy_dir: str) -> tuple[str, ...]:
    import yaml

    phrases: set[str] = set()
    root = Path(policy_dir)
    formulas = root.parent / "review" / "formulas.yaml"
    if formulas.is_file():
        try:
            data = yaml.safe_load(formulas.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            data = {}
        for p in data.get("phrases", []) if isinstance(data, dict) else []:
            n = normalise(str(p))
            if len(n) >= 3:
                phrases.add(n)
    for path in sorted(root.glob("*.y*ml")) if root.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for item in data.get("items", []) if isinstance(data, dict) else []:
            if not isinstance(item, dict):
                continue
            for p in item.get("phrases") or []:
                n = normalise(str(p))
                if len(n) >= 3:
                    phrases.add(n)
    return tuple(sorted(phrases, key=len, reverse=True))


def canonical_phrases(policy_dir: str | Path | None = None) -> tuple[str, ...]:
    """Normalised canonical formulations (longest first): the ``phrases`` of
    ``knowledge/policies/*.yaml`` and of ``knowledge/review/formulas.yaml``."""
    if policy_dir is None:
        from ..settings import get_settings

        policy_dir = get_settings().knowledge_dir / "policies"
    return _canonical_cached(str(policy_dir))


def same_unit(a: str | None, b: str | None) -> bool:
    """Two unit names denote the same unit (ignoring 中共 and the 党组/党委 suffix)."""
    if not a or not b:
        return False

    def core(s: str) -> str:
        s = re.sub(r"\s+", "", s)
        s = re.sub(r"^(?:中共|中国共产党)", "", s)
        core_ = re.sub(r"(?:党组|党委|党工委|委员会|常委会)+$", "", s)
        return core_ or s

    return core(a) == core(b)


# --------------------------------------------------------------------------- preparing


@dataclass
class Prepared:
    """One text reduced to clauses and shingles, with its identity.

    ``norm`` is the concatenation of the clauses' normalised characters, ``offsets[i]``
    the position in ``text`` of ``norm[i]``; ``clauses`` are ``(a, b)`` ranges in
    ``norm``; ``hashes[p]`` is the hash of ``norm[p:p+K]``; ``canonical[i]`` marks the
    characters of canonical formulations; ``sections`` maps each clause to the label of
    its top-level section.
    """

    key: str
    name: str
    text: str
    unit: str | None = None
    year: int | None = None
    norm: str = ""
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), repr=False)
    clauses: list[tuple[int, int]] = field(default_factory=list, repr=False)
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64), repr=False)
    canonical: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    sections: list[str] = field(default_factory=list, repr=False)
    section_order: list[str] = field(default_factory=list, repr=False)
    meta: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def length(self) -> int:
        """Normalised characters that count (canonical formulations excluded)."""
        return int(len(self.norm) - self.canonical.sum())

    def shingle_positions(self) -> np.ndarray:
        """Start positions of shingles inside one clause and free of canonical text."""
        if len(self.norm) < K:
            return np.zeros(0, np.int64)
        ok = np.zeros(len(self.norm) - K + 1, bool)
        for a, b in self.clauses:
            if b - a >= K:
                ok[a : b - K + 1] = True
        if self.canonical.any():
            c = np.concatenate(([0], np.cumsum(self.canonical, dtype=np.int64)))
            touched = (c[K:] - c[:-K]) > 0
            ok &= ~touched
        return np.nonzero(ok)[0]

    def shingle_set(self, a: int = 0, b: int | None = None) -> np.ndarray:
        """Distinct 32-bit shingle hashes of ``norm[a:b]`` (for MinHash)."""
        pos = self.shingle_positions()
        b = len(self.norm) if b is None else b
        pos = pos[(pos >= a) & (pos + K <= b)]
        return np.unique((self.hashes[pos] >> np.uint64(32)).astype(np.uint32))


def _hash_shingles(norm: str) -> np.ndarray:
    n = len(norm) - K + 1
    if n <= 0:
        return np.zeros(0, np.uint64)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, np.uint64)
    for j in range(K):
        h = h * _BASE + codes[j : j + n]
    h = h * _MIX
    return h ^ (h >> np.uint64(31))


def _clause_ranges(text: str, cum: np.ndarray | None = None) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of each clause's content, short runs joined.

    ``cum[i]`` is the number of counting characters in ``text[:i]``.
    """
    if cum is None:
        cum = np.concatenate(([0], np.cumsum(_fold_codes(text)[1])))
    segs: list[tuple[int, int, int, bool]] = []  # start, end, normalised length, ends sentence
    for m in _SEG.finditer(text):
        s, e = m.start(), m.end()
        em = _ENUM.match(text, s, e)
        if em:
            s = em.end()
        n = int(cum[e] - cum[s])
        if n == 0:
            continue
        ends = e >= len(text) or text[e] in _SENTENCE_END
        segs.append((s, e, n, ends))
    out: list[tuple[int, int]] = []
    cur: list[tuple[int, int, int, bool]] = []  # short runs waiting at a sentence's start
    prev_open = False  # the last clause is in the current sentence
    for seg in segs:
        s, e, n, ends = seg
        if n < MIN_CLAUSE and not cur and prev_open:
            out[-1] = (out[-1][0], e)  # a short run joins the clause before it
        else:
            cur.append(seg)
            if sum(x[2] for x in cur) >= MIN_CLAUSE or ends:
                out.append((cur[0][0], e))
                cur = []
        prev_open = not ends
    if cur:
        out.append((cur[0][0], cur[-1][1]))
    return out


def _sentence_break(text: str, a: int, b: int) -> bool:
    return any(c in _SENTENCE_END for c in text[a:b])


def _section_labels(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """(start offset, label) of each top-level section, and the ranges not scored.

    The title (“XX局党组2025年度干部选拔任用工作报告”) and the headings (“二、主要做法”)
    are the genre's boilerplate: reusing them is not copying.
    """
    from ..doctree import parse

    try:
        doc = parse(text)
    except Exception:  # a text the parser cannot take is one section
        return [], []
    skip = [(doc.title.start, doc.title.end)] if doc.title is not None else []
    skip += [(s.heading_start, s.heading_end) for s in doc.walk() if s.heading_end > s.heading_start]
    return [(s.start, s.label) for s in doc.sections], skip


#: Label of the text before the first heading.
OPENING = "（标题及开头）"


def prepare(
    text: str,
    *,
    key: str = "",
    name: str = "",
    unit: str | None = None,
    year: int | None = None,
    canonical: Sequence[str] | None = None,
    meta: dict[str, Any] | None = None,
) -> Prepared:
    """Cut ``text`` into clauses, normalise and shingle it, mask canonical formulations."""
    from ..doctree import normalize_newlines

    text = normalize_newlines(text)
    phrases = canonical_phrases() if canonical is None else canonical
    cp, keep = _fold_codes(text)
    cum = np.concatenate(([0], np.cumsum(keep)))
    sec_marks, skip = _section_labels(text)
    sec_starts = [s for s, _ in sec_marks]
    inside = np.zeros(len(text) + 1, np.int32)
    for a, b in skip:
        inside[a] -= 1
        inside[b] += 1
    cum = np.concatenate(([0], np.cumsum(keep & (np.cumsum(inside[:-1]) == 0))))
    ranges = [(s, e) for s, e in _clause_ranges(text, cum)]
    for s, e in ranges:
        inside[s] += 1
        inside[e] -= 1
    keep &= np.cumsum(inside[:-1]) > 0
    offs = np.flatnonzero(keep).astype(np.int32)
    norm = cp[keep].tobytes().decode("utf-32-le")
    clauses: list[tuple[int, int]] = []
    sections: list[str] = []
    import bisect

    for s, e in ranges:
        a, b = int(np.searchsorted(offs, s)), int(np.searchsorted(offs, e))
        if b > a:
            clauses.append((a, b))
            j = bisect.bisect_right(sec_starts, s) - 1
            sections.append(sec_marks[j][1] if j >= 0 else OPENING)
    mask = np.zeros(len(norm), bool)
    for m in _QUOTED_TITLE.finditer(text):  # 《党政领导干部选拔任用工作条例》: citing is not copying
        a, b = int(np.searchsorted(offs, m.start())), int(np.searchsorted(offs, m.end()))
        mask[a:b] = True
    for p in phrases:
        i = norm.find(p)
        while i != -1:
            mask[i : i + len(p)] = True
            i = norm.find(p, i + 1)
    order = [OPENING] + [lab for _, lab in sec_marks]
    return Prepared(
        key=key or name,
        name=name or key,
        text=text,
        unit=unit,
        year=year,
        norm=norm,
        offsets=offs,
        clauses=clauses,
        hashes=_hash_shingles(norm),
        canonical=mask,
        sections=sections,
        section_order=order,
        meta=dict(meta or {}),
    )


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


# --------------------------------------------------------------------------- batch pairs


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
