"""Prepared 查重 sources kept on disk, so a large knowledge base is cut into shingles once.

One ``.npz`` file per source under ``DRAFTER_HOME/cache/dup/``, named by a hash of the
file's bytes, its metadata, the canonical formulations and :data:`VERSION`; anything
changed gives a new name, so a stale entry is never read. Arrays are stored as arrays
and the rest as JSON text — no pickle, so a cache file can hold data only. A cache
file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .shingles import MIN_CLAUSE, K, Prepared

__all__ = ["VERSION", "cached_prepare", "cache_key"]

#: Bump when preparing changes (clauses, normalisation, shingles, masks).
VERSION = f"4-k{K}-c{MIN_CLAUSE}"


def cache_key(data: bytes, meta: Mapping[str, Any], canonical: tuple[str, ...]) -> str:
    h = hashlib.sha256(VERSION.encode())
    h.update(data)
    h.update(json.dumps(dict(meta), ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    h.update("\x1f".join(canonical).encode("utf-8"))
    return h.hexdigest()[:32]


def _load(path: Path) -> Prepared | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            info = json.loads(str(z["info"]))
            return Prepared(
                key=info["key"], name=info["name"], text=info["text"], unit=info["unit"], year=info["year"],
                norm=info["norm"], offsets=z["offsets"], clauses=[tuple(c) for c in z["clauses"].tolist()],
                hashes=z["hashes"], canonical=z["canonical"], sections=info["sections"],
                section_order=info["section_order"], meta=info["meta"],
            )
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None


def _save(path: Path, p: Prepared) -> None:
    info = {
        "key": p.key, "name": p.name, "text": p.text, "unit": p.unit, "year": p.year, "norm": p.norm,
        "sections": p.sections, "section_order": p.section_order, "meta": p.meta,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(
                f, info=np.array(json.dumps(info, ensure_ascii=False, default=str)), offsets=p.offsets,
                clauses=np.asarray(p.clauses, dtype=np.int64).reshape(-1, 2), hashes=p.hashes,
                canonical=p.canonical,
            )
        os.replace(tmp, path)  # readers see the whole file or none
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def cached_prepare(
    cache_dir: Path | None, path: Path, meta: Mapping[str, Any], canonical: tuple[str, ...],
    make: Callable[[], Prepared],
) -> Prepared:
    """The prepared source of ``path`` from the cache, or ``make()`` it and keep it."""
    if cache_dir is None:
        return make()
    try:
        data = path.read_bytes()
    except OSError:
        return make()  # the reader reports the problem
    target = cache_dir / f"{cache_key(data, meta, canonical)}.npz"
    if target.is_file():
        got = _load(target)
        if got is not None:
            return got
    prepared = make()
    _save(target, prepared)
    return prepared
