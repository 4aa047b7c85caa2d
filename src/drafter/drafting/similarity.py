"""Near-duplicate sentences: a measurable filter over a whole draft.

Two sentences say "the same thing" when the sets of character bigrams of their
Chinese text overlap strongly. Two measures, both on the text with punctuation,
digits and enumeration words (一是、二是) removed:

* :func:`similarity` — Jaccard of the bigram sets. Threshold
  :data:`NEAR_DUPLICATE` = 0.20, chosen from data: among the 13,729 pairs of
  sentences taken from *different* sample reports (written independently) the
  99th percentile is 0.11 and only 0.2 % reach 0.20, while the known duplicate
  pair of the composer (“在分析研判的基础上……提出干部选拔任用工作意见” /
  “加强分析研判……提出启动干部选拔任用工作意见”) scores 0.23 and the two
  samples' “凡提四必” sentences 0.51.
* :func:`containment` — the share of the shorter sentence's bigrams found in
  the longer one. Threshold :data:`CONTAINED` = 0.70 (different reports:
  99.9th percentile 0.62) for a shorter sentence of at least
  :data:`MIN_CONTAINED_CHARS` characters: a short sentence that is mostly
  inside a longer one adds nothing.

:class:`DraftMemory` is the register one draft shares across its sections: every
sentence written is added; a candidate similar to any of them, or taken from a
past-report sentence already used, is refused. So each past-report sentence is
used at most once per draft and no passage appears in two sections.

:func:`near_duplicate_pairs` lists the offending pairs of a finished draft text
(the benchmark's "near-duplicate pairs per draft" and the tests use it).
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..text.markers import MISSING_RE

__all__ = [
    "CONTAINED",
    "MIN_CONTAINED_CHARS",
    "NEAR_DUPLICATE",
    "DraftMemory",
    "DuplicatePair",
    "body_sentences",
    "containment",
    "is_near_duplicate",
    "near_duplicate_pairs",
    "normalise",
    "similarity",
]

#: Bigram Jaccard at or above which two sentences are near-duplicates.
NEAR_DUPLICATE = 0.20
#: Bigram containment (of the shorter in the longer) at or above which the shorter is redundant.
CONTAINED = 0.70
#: Containment is judged only for a shorter sentence of at least this many characters.
MIN_CONTAINED_CHARS = 12

_ENUM_RE = re.compile(r"(?:^|(?<=[。；：:]))[一二三四五六七八九十]+是")
_NON_TEXT_RE = re.compile(r"[^\u4e00-\u9fa5A-Za-z]")
_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])")
_SPLIT_RE = re.compile(r"(?<=[。！？；：])")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """The text a comparison sees: Chinese characters and letters only, no 一是/二是."""
    return _NON_TEXT_RE.sub("", _ENUM_RE.sub("", text.strip()))


@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset[str]:
    s = normalise(text)
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))


def similarity(a: str, b: str) -> float:
    """Jaccard of the character-bigram sets of ``a`` and ``b`` (0 … 1)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def containment(a: str, b: str) -> float:
    """Share of the shorter text's bigrams found in the longer (0 … 1)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def is_near_duplicate(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` say nearly the same thing (see the module thresholds)."""
    if similarity(a, b) >= NEAR_DUPLICATE:
        return True
    shorter = min(len(normalise(a)), len(normalise(b)))
    return shorter >= MIN_CONTAINED_CHARS and containment(a, b) >= CONTAINED


def body_sentences(text: str) -> list[str]:
    """The body sentences of a draft text: no title, no heading lines, 一是/二是 items split."""
    out: list[str] = []
    lines = MISSING_RE.sub("□", text).splitlines()
    for line in lines[1:]:  # the first line is the title
        line = line.strip()
        if not line:
            continue
        if _HEADING_RE.match(line) and len(line) <= 40 and "。" not in line[:-1]:
            continue  # a heading line
        for part in _SPLIT_RE.split(line):
            part = part.strip()
            if len(normalise(part)) >= 6:
                out.append(part)
    return out


@dataclass(frozen=True)
class DuplicatePair:
    first: str
    second: str
    similarity: float
    containment: float


def near_duplicate_pairs(text: str, exempt: Iterable[str] = ()) -> list[DuplicatePair]:
    """Pairs of near-duplicate body sentences in a draft text.

    ``exempt`` are the fact sheet's own texts (highlights, problems, plans,
    rectification): a pair whose two sentences both carry one is the user's
    own wording (a problem and the plan that answers it), not the drafter's.
    """
    keys = [normalise(e) for e in exempt if len(normalise(e)) >= 4]

    def users(sentence: str) -> bool:
        n = normalise(sentence)
        return any(k in n for k in keys)

    sentences = body_sentences(text)
    pairs: list[DuplicatePair] = []
    for a, b in itertools.combinations(sentences, 2):
        if users(a) and users(b):
            continue
        if is_near_duplicate(a, b):
            pairs.append(DuplicatePair(a, b, similarity(a, b), containment(a, b)))
    return pairs


@dataclass
class DraftMemory:
    """What one draft has said so far, shared by its sections (thread-safe).

    ``written`` are the sentences already in the draft; ``sources`` the keys of
    past-report sentences already used (each is used at most once per draft).
    """

    written: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DraftMemory:
        """A memory holding every sentence of ``texts`` (e.g. the other sections of a draft)."""
        memory = cls()
        for text in texts:
            for line in text.splitlines():
                if _HEADING_RE.match(line.strip()) and len(line) <= 40:
                    continue
                for part in _SPLIT_RE.split(line):
                    memory.add(part)
        return memory

    def clashes(self, sentence: str, extra: Iterable[str] = ()) -> bool:
        """True if ``sentence`` nearly repeats something written (or one of ``extra``)."""
        with self._lock:
            written = list(self.written)
        return any(is_near_duplicate(sentence, w) for w in itertools.chain(written, extra))

    def add(self, sentence: str, source_key: str | None = None) -> None:
        sentence = sentence.strip()
        with self._lock:
            if len(normalise(sentence)) >= 6:
                self.written.append(sentence)
            if source_key:
                self.sources.add(source_key)

    def add_text(self, text: str) -> None:
        """Register every sentence of a block of text."""
        for line in text.splitlines():
            for part in _SPLIT_RE.split(line):
                self.add(part)

    def source_used(self, key: str) -> bool:
        with self._lock:
            return key in self.sources
