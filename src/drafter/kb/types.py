"""What the rest of drafter sees of the knowledge base: :class:`Passage` and the
:class:`Retriever` protocol.

This module imports nothing heavy (no chromadb, no embedding engine), so drafting
code can name the types without loading the index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

__all__ = ["MODES", "Passage", "ProgressCallback", "Retriever"]

#: Retrieval modes: dense vectors, BM25 keywords, or both fused.
MODES: tuple[str, ...] = ("hybrid", "dense", "bm25")

#: ``progress(done, total, message)`` — indexing and index-building progress.
ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk. ``source`` is relative to its knowledge root (``reports/…``, ``uploads/…``)."""

    id: str
    text: str
    source: str
    heading: str
    kind: str
    year: int | None
    genre: str
    score: float
    title: str = ""
    citation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class Retriever(Protocol):
    """Searches the knowledge base (implemented by :class:`drafter.kb.retrieval.HybridRetriever`)."""

    def __len__(self) -> int:
        """Chunks searched."""
        ...

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        mode: str = "hybrid",
        kinds: Sequence[str] | None = None,
        genres: Sequence[str] | None = None,
        exclude_sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages for ``query``, best first."""
        ...

    def search_many(
        self,
        queries: Sequence[str],
        k: int = 5,
        *,
        mode: str = "hybrid",
        kinds: Sequence[str] | None = None,
        genres: Sequence[str] | None = None,
        exclude_sources: Sequence[str] | None = None,
    ) -> list[list[Passage]]:
        """:meth:`search` for each query (one embedding call for all), in order."""
        ...

    def prefetch(self, queries: Sequence[str]) -> None:
        """Prepare for these queries (embed them together); results are unchanged."""
        ...
