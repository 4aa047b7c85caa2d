"""Keyword retrieval: BM25 (Okapi) over jieba tokens.

The tokenizer is a private :class:`jieba.Tokenizer` (jieba's global one is left
alone) with the domain dictionary ``knowledge/terms.txt`` loaded, so that
``凡提四必``, ``带病提拔`` or ``一报告两评议`` stay single tokens. Text is cut in
jieba's search mode (long words also yield their sub-words), lower-cased, and
punctuation, digits-only tokens, placeholders (``*``, ``XX``) and stopwords are
dropped.

The index is derived from the chunks stored in the vector store (chromadb stays
the single source of truth) and saved next to it, tagged with a signature of the
chunk ids and the tokenizer; a process that opens an unchanged index loads it
instead of re-tokenising every chunk (see ``docs/benchmarks.md``, issue 10).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..settings import BUNDLED_KB

__all__ = [
    "DEFAULT_TERMS",
    "STOPWORDS",
    "BM25Index",
    "Tokenizer",
    "get_tokenizer",
    "tokenizer_signature",
]

#: The bundled domain dictionary.
DEFAULT_TERMS = BUNDLED_KB / "terms.txt"

#: Function words and report boilerplate that carry no topic.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "为",
        "对",
        "把",
        "将",
        "以",
        "于",
        "等",
        "中",
        "上",
        "下",
        "个",
        "有",
        "也",
        "并",
        "就",
        "都",
        "而",
        "其",
        "之",
        "这",
        "那",
        "此",
        "各",
        "被",
        "从",
        "到",
        "由",
        "向",
        "让",
        "我",
        "我们",
        "我局",
        "局",
        "你",
        "他",
        "她",
        "它",
        "们",
        "要",
        "会",
        "可",
        "能",
        "已",
        "已经",
        "不",
        "没有",
        "一",
        "一些",
        "进一步",
        "切实",
        "认真",
        "深入",
        "着力",
        "不断",
        "全面",
        "积极",
        "进行",
        "开展",
        "工作",
        "方面",
        "情况",
        "有关",
        "相关",
        "以及",
        "通过",
        "作为",
        "根据",
        "按照",
        "坚持",
        "加强",
        "做好",
        "推动",
        "推进",
        "提高",
        "提升",
        "如何",
        "怎么",
        "怎样",
        "什么",
        "哪些",
        "关于",
        "一是",
        "二是",
        "三是",
        "四是",
        "五是",
        "六是",
        "同志",
        "同志们",
        "年",
        "月",
        "日",
        "今年",
        "以来",
        "年度",
    ]
)
_DROP = re.compile(r"^[\W_\d]+$|^[xX×*＊]+$")

_log = logging.getLogger(__name__)
#: Bumped when tokenisation changes, so saved indexes are rebuilt.
_TOKENIZER_VERSION = "1"
_cache: dict[Path, Tokenizer] = {}
_cache_lock = threading.Lock()


class Tokenizer:
    """jieba with the domain dictionary, tuned for retrieval.

    jieba's dictionary is loaded on first use (0.7–1 s). With a lexicon attached
    (:meth:`attach_lexicon`, done by the retriever) short texts — queries — are cut
    by looking words up in that file instead, so a process that only searches never
    loads the dictionary; bulk cutting (building BM25) always uses the dictionary.
    """

    #: Texts up to this length are cut through an attached lexicon.
    SHORT = 2000

    def __init__(self, terms: Path | None = DEFAULT_TERMS) -> None:
        self._lock = threading.Lock()
        self.terms = terms
        self._full: Any = None
        self._lexicon: Any = None

    def _new_jieba(self) -> Any:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        return jieba.Tokenizer()

    def load_full(self) -> Any:
        """jieba with its whole dictionary and the domain terms (loaded once)."""
        with self._lock:
            if self._full is None:
                tk = self._new_jieba()
                tk.initialize()
                if self.terms is not None and self.terms.is_file():
                    tk.load_userdict(str(self.terms))
                self._full = tk
            return self._full

    @property
    def has_lexicon(self) -> bool:
        return self._lexicon is not None

    def attach_lexicon(self, path: Path) -> None:
        """Cut short texts through the dictionary file *path* (written here if missing or stale)."""
        from .lexicon import DiskLexicon, write_lexicon

        sig = tokenizer_signature(self)
        lex = DiskLexicon.open(path, sig)
        if lex is None:
            full = self.load_full()
            try:
                write_lexicon(path, full.FREQ, full.total, sig)
            except OSError as err:  # a read-only home: cut with the dictionary in memory
                _log.info("lexicon not written to %s: %s", path, err)
                return
            lex = DiskLexicon.open(path, sig)
            if lex is None:
                return
        tk = self._new_jieba()
        tk.FREQ, tk.total, tk.initialized = lex, lex.total, True
        with self._lock:
            self._lexicon = tk

    def tokenize(self, text: str) -> list[str]:
        """Search-mode tokens without punctuation, placeholders or stopwords."""
        tk = self._full
        if tk is None:
            tk = self._lexicon if self._lexicon is not None and len(text) <= self.SHORT else self.load_full()
        with self._lock:
            words = tk.lcut_for_search(text)
        out: list[str] = []
        for w in words:
            w = w.strip().lower()
            if not w or w in STOPWORDS or _DROP.match(w):
                continue
            out.append(w)
        return out


def get_tokenizer(terms: Path | None = DEFAULT_TERMS) -> Tokenizer:
    """One shared tokenizer per dictionary file (jieba takes ~1 s to initialise)."""
    key = Path(terms) if terms is not None else Path()
    with _cache_lock:
        tok = _cache.get(key)
        if tok is None:
            tok = _cache[key] = Tokenizer(terms)
        return tok


def tokenizer_signature(tokenizer: Tokenizer) -> str:
    """Changes when the tokenizer would cut text differently (dictionary file, stopwords)."""
    h = hashlib.sha256(_TOKENIZER_VERSION.encode())
    h.update("\x1f".join(sorted(STOPWORDS)).encode("utf-8"))
    if tokenizer.terms is not None and Path(tokenizer.terms).is_file():
        h.update(Path(tokenizer.terms).read_bytes())
    return h.hexdigest()[:16]


class BM25Index:
    """BM25 (Okapi) scores of a query against a fixed list of tokenised texts.

    Scores equal ``rank_bm25.BM25Okapi``'s (k1 = 1.5, b = 0.75, negative idf
    floored at 0.25 × the mean idf), but the per-term weights are precomputed
    into a compressed sparse row matrix (term → documents), so a query costs a
    few array additions instead of a Python loop over every document, and the
    whole index can be saved and loaded in milliseconds (:meth:`save`, :meth:`load`).
    """

    K1 = 1.5
    B = 0.75
    EPSILON = 0.25

    def __init__(
        self,
        ids: Sequence[str],
        texts: Sequence[str] | None = None,
        tokenizer: Tokenizer | None = None,
        *,
        tokens: Sequence[Sequence[str]] | None = None,
    ) -> None:
        self.ids = list(ids)
        self.tokenizer = tokenizer or get_tokenizer()
        self.tokenizer_sig = ""
        if tokens is None:
            if texts:
                self.tokenizer.load_full()  # bulk: the dictionary in memory, not lookups on disk
            tokens = [self.tokenizer.tokenize(t) for t in (texts or [])]
        self._build(tokens)

    def _build(self, docs: Sequence[Sequence[str]]) -> None:
        self.vocab: dict[str, int] = {}
        row, col, tf = self._count(docs, 0)
        lens = np.asarray([len(d) for d in docs], dtype=np.float64)
        self._finish(row, col, tf, lens)

    def _count(
        self, docs: Sequence[Sequence[str]], first: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term, document, term frequency) triplets of ``docs`` numbered from ``first``."""
        vocab = self.vocab
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        for d, doc in enumerate(docs, start=first):
            counts: dict[int, int] = {}
            for w in doc:
                t = vocab.setdefault(w, len(vocab))
                counts[t] = counts.get(t, 0) + 1
            rows.extend(counts)
            cols.extend([d] * len(counts))
            tfs.extend(counts.values())
        return (
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int32),
            np.asarray(tfs, dtype=np.int32),
        )

    def _finish(self, row: np.ndarray, col: np.ndarray, tf: np.ndarray, lens: np.ndarray) -> None:
        """Weights and the term-sorted layout from (term, document, tf) triplets."""
        n_terms = len(self.vocab)
        self.lens = lens
        n_docs = len(lens)
        if not n_docs or not n_terms or not len(row):
            self.ptr = np.zeros(n_terms + 1, dtype=np.int64)
            self.doc = np.zeros(0, dtype=np.int32)
            self.tf = np.zeros(0, dtype=np.int32)
            self.weight = np.zeros(0, dtype=np.float64)
            return
        df = np.bincount(row, minlength=n_terms).astype(np.float64)
        idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
        present = df > 0
        eps = self.EPSILON * float(idf[present].mean())
        idf = np.where(idf < 0, eps, idf)
        avgdl = float(lens.mean()) or 1.0
        tff = tf.astype(np.float64)
        norm = self.K1 * (1 - self.B + self.B * lens[col] / avgdl)
        weight = idf[row] * tff * (self.K1 + 1) / (tff + norm)
        order = np.lexsort((col, row))
        self.ptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=n_terms))]).astype(np.int64)
        self.doc = col[order]
        self.tf = tf[order]
        self.weight = weight[order]

    def updated(self, ids: Sequence[str], text_of: Callable[[int], str]) -> BM25Index:
        """A new index over ``ids``: documents already here keep their counts, only new
        ones are tokenised (``text_of(i)`` gives the text of ``ids[i]``)."""
        new = BM25Index.__new__(BM25Index)
        new.ids = list(ids)
        new.tokenizer = self.tokenizer
        new.tokenizer_sig = self.tokenizer_sig
        new.vocab = dict(self.vocab)
        old_pos = {cid: i for i, cid in enumerate(self.ids)}
        remap = np.full(len(self.ids), -1, dtype=np.int64)
        fresh: list[int] = []
        lens = np.zeros(len(new.ids), dtype=np.float64)
        for d, cid in enumerate(new.ids):
            i = old_pos.get(cid)
            if i is None:
                fresh.append(d)
            else:
                remap[i] = d
                lens[d] = self.lens[i]
        row_old = np.repeat(np.arange(len(self.ptr) - 1, dtype=np.int64), np.diff(self.ptr))
        col_old = remap[self.doc] if len(self.doc) else np.zeros(0, dtype=np.int64)
        keep = col_old >= 0
        if fresh:
            self.tokenizer.load_full()  # bulk: the dictionary in memory
        tokens = [self.tokenizer.tokenize(text_of(d)) for d in fresh]
        row_new, col_new, tf_new = new._count(tokens, 0)
        col_new = np.asarray(fresh, dtype=np.int64)[col_new] if len(col_new) else col_new
        for d, tok in zip(fresh, tokens, strict=True):
            lens[d] = len(tok)
        new._finish(
            np.concatenate([row_old[keep], row_new]),
            np.concatenate([col_old[keep], col_new]).astype(np.int32),
            np.concatenate([self.tf[keep], tf_new]),
            lens,
        )
        return new

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str) -> np.ndarray:
        """One score per text (0 where no query term occurs)."""
        out = np.zeros(len(self.ids), dtype=np.float64)
        for w in self.tokenizer.tokenize(query):
            t = self.vocab.get(w)
            if t is None:
                continue
            lo, hi = self.ptr[t], self.ptr[t + 1]
            out[self.doc[lo:hi]] += self.weight[lo:hi]
        return out

    def top(
        self, query: str, n: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Best ``n`` positions with a positive score, ``(index, score)``; ``mask`` limits candidates."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size > n:
            part = positive[np.argpartition(-scores[positive], n - 1)[:n]]
        else:
            part = positive
        order = part[np.lexsort((part, -scores[part]))]
        return [(int(i), float(scores[i])) for i in order[:n]]

    # ---- persistence -------------------------------------------------------------
    def save(self, path: Path, signature: str, tokenizer_sig: str = "") -> None:
        """Write the index to ``path`` (``.npz``), tagged with ``signature``; atomic."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(
                fh,
                signature=np.array(signature),
                tokenizer_sig=np.array(tokenizer_sig),
                ids=np.array(self.ids, dtype=object),
                vocab=np.array(list(self.vocab), dtype=object),
                ptr=self.ptr,
                doc=self.doc,
                tf=self.tf,
                lens=self.lens,
                weight=self.weight,
            )
        os.replace(tmp, path)

    @classmethod
    def load(
        cls, path: Path, signature: str | None, tokenizer: Tokenizer | None = None
    ) -> BM25Index | None:
        """The index saved at ``path`` if its signature matches (any, with None); else None."""
        try:
            with np.load(path, allow_pickle=True) as data:
                if signature is not None and str(data["signature"]) != signature:
                    return None
                self = cls.__new__(cls)
                self.tokenizer_sig = str(data["tokenizer_sig"])
                self.ids = [str(i) for i in data["ids"]]
                self.vocab = {str(w): i for i, w in enumerate(data["vocab"])}
                self.ptr = data["ptr"]
                self.doc = data["doc"]
                self.tf = data["tf"]
                self.lens = data["lens"]
                self.weight = data["weight"]
        except Exception as err:  # missing, damaged or an older format: rebuilt by the caller
            _log.info("BM25 index at %s not used: %s", path, err)
            return None
        self.tokenizer = tokenizer or get_tokenizer()
        return self
