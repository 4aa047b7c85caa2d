"""Keyword retrieval: BM25 (Okapi) over jieba tokens.

The tokenizer is a private :class:`jieba.Tokenizer` (jieba's global one is left
alone) with the domain dictionary ``knowledge/terms.txt`` loaded, so that
``凡提四必``, ``带病提拔`` or ``一报告两评议`` stay single tokens. Text is cut in
jieba's search mode (long words also yield their sub-words), lower-cased, and
punctuation, digits-only tokens, placeholders (``*``, ``XX``) and stopwords are
dropped.

The index is small and rebuilt in memory from the chunks stored in the vector
store whenever it changes: chromadb stays the single source of truth.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from ..settings import BUNDLED_KB

__all__ = ["DEFAULT_TERMS", "STOPWORDS", "BM25Index", "Tokenizer", "get_tokenizer"]

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
_cache: dict[Path, Tokenizer] = {}
_cache_lock = threading.Lock()


class Tokenizer:
    """jieba with the domain dictionary, tuned for retrieval."""

    def __init__(self, terms: Path | None = DEFAULT_TERMS) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        self.terms = terms
        if terms is not None and terms.is_file():
            self._jieba.load_userdict(str(terms))

    def tokenize(self, text: str) -> list[str]:
        """Search-mode tokens without punctuation, placeholders or stopwords."""
        with self._lock:
            words = self._jieba.lcut_for_search(text)
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


class BM25Index:
    """BM25 scores of a query against a fixed list of texts."""

    def __init__(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        tokenizer: Tokenizer | None = None,
    ) -> None:
        self.ids = list(ids)
        self.tokenizer = tokenizer or get_tokenizer()
        docs = [self.tokenizer.tokenize(t) for t in texts]
        # rank_bm25 divides by the corpus size: keep it valid for an empty index
        self._bm25 = BM25Okapi(docs) if docs and any(docs) else None

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str) -> np.ndarray:
        """One score per text (0 where no query term occurs)."""
        if self._bm25 is None:
            return np.zeros(len(self.ids))
        tokens = self.tokenizer.tokenize(query)
        if not tokens:
            return np.zeros(len(self.ids))
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)

    def top(
        self, query: str, n: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Best ``n`` positions with a positive score, ``(index, score)``; ``mask`` limits candidates."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:n]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
