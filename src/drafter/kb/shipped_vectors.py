"""Passage vectors shipped with the bundled knowledge base (``knowledge/vectors.npz``).

Embedding the bundled reports and policies is most of a fresh machine's first
index build (tens of seconds on a busy 2-core machine). Their vectors are the
same on every machine, so they ship with the product, keyed by the model and the
exact text embedded; the indexer takes a vector from here when the key matches
and embeds only the rest. A chunk whose text changed (an edited file, a new
chunker) simply misses and is embedded as before, so the file can never give a
wrong vector — only a slower first run when it is out of date (a test says so).

Rebuild it after changing the bundled knowledge or the chunker::

    python -m drafter.kb.ship
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..settings import BUNDLED_KB

__all__ = ["PATH", "key", "lookup", "write"]

PATH = BUNDLED_KB / "vectors.npz"
_table: dict[str, np.ndarray] | None = None
_lock = threading.Lock()


def _model() -> str:
    from .embedding import MODEL_NAME  # a plain constant; the engine is not loaded

    return MODEL_NAME


def key(text: str) -> str:
    """The key of *text* as embedded by this model."""
    return hashlib.sha256(f"{_model()}\x1f{text}".encode()).hexdigest()[:32]


def _load() -> dict[str, np.ndarray]:
    global _table
    with _lock:
        if _table is None:
            table: dict[str, np.ndarray] = {}
            try:
                with np.load(PATH, allow_pickle=False) as data:
                    if str(data["model"]) == _model():
                        table = dict(zip((str(k) for k in data["keys"]), data["vectors"], strict=True))
            except (OSError, KeyError, ValueError):
                table = {}  # absent or from another model: everything is embedded
            _table = table
        return _table


def lookup(keys: Sequence[str]) -> dict[str, np.ndarray]:
    """The shipped vectors among *keys* (see :func:`key`)."""
    table = _load()
    return {k: table[k] for k in keys if k in table}


def write(texts: Sequence[str], vectors: np.ndarray, path: Path = PATH) -> None:
    """Write the shipped vectors of *texts* (atomically)."""
    global _table
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(
            fh,
            model=np.array(_model()),
            keys=np.array([key(t) for t in texts]),
            vectors=np.asarray(vectors, dtype=np.float32),
        )
    os.replace(tmp, path)
    with _lock:
        _table = None
