"""jieba's dictionary on disk, for cutting short texts (queries) without loading it.

jieba keeps its dictionary as one in-memory prefix table of ~580,000 entries
(every word and every prefix of a word); building it takes 0.7–1 s even from
jieba's own cache, and a warm ``drafter draft`` only cuts a few dozen short
queries. The same table written once to SQLite (``lexicon.sqlite`` beside the
BM25 index) answers the few thousand lookups those queries make in milliseconds,
and cuts every text exactly as the table in memory does: it holds the same
entries, the domain dictionary included (a test compares both on the sample
reports).

The file is tagged with the tokenizer's signature and rebuilt when that changes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = ["DiskLexicon", "write_lexicon"]

#: Bumped when the file's layout changes.
_FORMAT = "1"


def write_lexicon(path: Path, freq: Mapping[str, int], total: int, signature: str) -> None:
    """Write jieba's prefix table *freq* to *path* (atomically), tagged with *signature*."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
        con.execute("CREATE TABLE freq(w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
        con.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("format", _FORMAT), ("signature", signature), ("total", str(int(total)))],
        )
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)


class DiskLexicon(Mapping[str, int]):
    """The prefix table read from its file, one lookup at a time (remembered once seen).

    Only the lookups jieba makes are supported: ``in``, ``[]`` and ``get``.
    """

    def __init__(self, con: sqlite3.Connection, total: int) -> None:
        self._con = con
        self.total = total
        self._seen: dict[str, int | None] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, signature: str) -> DiskLexicon | None:
        """The lexicon at *path* if it was written for *signature*; else None."""
        if not path.is_file():
            return None
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error:
            return None
        if meta.get("format") != _FORMAT or meta.get("signature") != signature:
            con.close()
            return None
        return cls(con, int(meta["total"]))

    def _lookup(self, word: str) -> int | None:
        try:
            return self._seen[word]
        except KeyError:
            pass
        with self._lock:
            row = self._con.execute("SELECT f FROM freq WHERE w = ?", (word,)).fetchone()
        value = None if row is None else int(row[0])
        self._seen[word] = value
        return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self._lookup(word)
        if value is None:
            raise KeyError(word)
        return value

    def get(self, word: str, default: int | None = None) -> int | None:  # type: ignore[override]
        value = self._lookup(word)
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        raise TypeError("DiskLexicon is not iterable (jieba only looks words up)")

    def __len__(self) -> int:
        with self._lock:
            return int(self._con.execute("SELECT count(*) FROM freq").fetchone()[0])

    def close(self) -> None:
        self._con.close()
