"""Reports reduced to clause-level character shingles (the input of 查重 and pairs).

A text is cut into *clauses* (runs between ，。；：！？ and line breaks; a short run joins
the clause before it in the same sentence, or the next one at a sentence's start, and a
leading 一是/（一）/1. is dropped), and each clause is reduced to its letters, digits and
Chinese characters (digits folded to ``0``, full-width forms to half-width), so
punctuation, spacing, enumeration and the figures of the year do not hide a copy. The
title and the headings are not scored (every report has them).

Canonical formulations are masked: the ``phrases`` of ``knowledge/policies/*.yaml``
(selection principles, 好干部标准, 凡提四必 …), the common formulas of
``knowledge/review/formulas.yaml``, the fixed pieces of the drafting phrase bank
(``knowledge/phrasebank.yaml``, :func:`drafter.facts.phrasebank.fixed_pieces`) and cited
document titles (《…》). Their characters neither make a clause copied nor count in the
重复率. Wording many units share is learned per batch (:mod:`drafter.similarity.common`)
and masked the same way (``Prepared.common``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "K",
    "MIN_CLAUSE",
    "OPENING",
    "Prepared",
    "canonical_phrases",
    "normalise",
    "prepare",
    "same_unit",
]

#: Shingle length in normalised characters.
K = 5
#: Shortest clause (normalised characters) that is scored on its own.
MIN_CLAUSE = 12
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
    try:
        from ..facts.phrasebank import fixed_pieces

        for piece in fixed_pieces():
            n = normalise(piece)
            if len(n) >= 6:  # shorter pieces (“坚持”, “严格落实”) are words, not phrasings
                phrases.add(n)
    except Exception:  # noqa: BLE001 — a broken phrase bank is reported where drafting reads it
        pass
    return tuple(sorted(phrases, key=lambda x: (-len(x), x)))


def canonical_phrases(policy_dir: str | Path | None = None) -> tuple[str, ...]:
    """Normalised canonical formulations (longest first): the ``phrases`` of
    ``knowledge/policies/*.yaml`` and of ``knowledge/review/formulas.yaml``."""
    if policy_dir is None:
        import os

        policy_dir = _default_policy_dir(tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("DRAFTER_"))))
    return _canonical_cached(str(policy_dir))


@lru_cache(maxsize=4)
def _default_policy_dir(_env: tuple[tuple[str, str], ...]) -> str:
    """The settings' policy folder, read once per environment (settings are costly to build)."""
    from ..settings import get_settings

    return str(get_settings().knowledge_dir / "policies")


def same_unit(a: str | None, b: str | None) -> bool:
    """Two unit names denote the same unit (ignoring 中共 and the 党组/党委 suffix)."""
    if not a or not b:
        return False
    return a == b or _unit_core(a) == _unit_core(b)


@lru_cache(maxsize=65536)
def _unit_core(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"^(?:中共|中国共产党)", "", s)
    core_ = re.sub(r"(?:党组|党委|党工委|委员会|常委会)+$", "", s)
    return core_ or s


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
    #: Characters of wording many units share (learned per batch; not cached).
    common: np.ndarray | None = field(default=None, repr=False)

    @property
    def masked(self) -> np.ndarray:
        """Characters that are standard wording: canonical, phrase bank, or learned common."""
        if self.common is None or len(self.common) != len(self.canonical):
            return self.canonical
        return self.canonical | self.common

    @property
    def length(self) -> int:
        """Normalised characters that count (standard wording excluded)."""
        return int(len(self.norm) - self.masked.sum())

    def shingle_positions(self) -> np.ndarray:
        """Start positions of shingles inside one clause and free of standard wording."""
        tag = (id(self.common), len(self.norm), len(self.clauses))
        got = getattr(self, "_positions", None)
        if got is not None and got[0] == tag:
            return got[1]
        pos = self._shingle_positions()
        self._positions = (tag, pos)
        return pos

    def _shingle_positions(self) -> np.ndarray:
        if len(self.norm) < K:
            return np.zeros(0, np.int64)
        ok = np.zeros(len(self.norm) - K + 1, bool)
        for a, b in self.clauses:
            if b - a >= K:
                ok[a : b - K + 1] = True
        masked = self.masked
        if masked.any():
            c = np.concatenate(([0], np.cumsum(masked, dtype=np.int64)))
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
    from ..text.doctree import parse

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
    from ..text.doctree import normalize_newlines

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
