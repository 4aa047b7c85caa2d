"""Which knowledge-base documents one person may see, and the retriever that keeps to it.

On a team server an upload belongs to the unit(s) it was uploaded for, kept in its
sidecar as ``owner_units`` (a list) and in every chunk's metadata (the same names,
one per line, so retrieval needs no file access):

* the bundled corpus (``knowledge/`` and extra knowledge dirs) is public;
* an upload is visible to the people of its units (writers and reviewers) and to admins;
* an upload without ``owner_units`` — one stored before uploads had units, or one an
  admin kept for admins — is visible to admins only (the safer choice: an old upload
  may be any unit's report);
* a writer may upload for their own unit(s) and delete or correct an upload whose
  units are all theirs; a reviewer only reads; an admin does everything.

Local single-user mode (no sign-in) sees everything, as before: :meth:`KnowledgeScope.everything`.

:class:`ScopedRetriever` enforces this where passages are fetched: the dense part asks
chromadb with a ``where`` filter naming the sources the person may see (an allow-list,
so a chunk indexed by another process a moment ago is left out too), the BM25 part
masks its hits the same way, and every passage returned is checked once more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .types import Passage

__all__ = ["OWNER_KEY", "UPLOADS_PREFIX", "KnowledgeScope", "ScopedRetriever", "owner_units"]

#: The sidecar key (a list of unit names) and chunk metadata key (names joined by newlines).
OWNER_KEY = "owner_units"
#: Sources of uploaded files start with this; everything else is the bundled corpus.
UPLOADS_PREFIX = "uploads/"


def owner_units(meta: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The units an upload belongs to, from its sidecar (a list) or a chunk's metadata (lines)."""
    value = (meta or {}).get(OWNER_KEY)
    items: Iterable[Any]
    if isinstance(value, str):
        items = value.split("\n")
    elif isinstance(value, list | tuple):
        items = value
    else:
        return ()
    out: list[str] = []
    for item in items:
        unit = str(item).strip()
        if unit and unit not in out:
            out.append(unit)
    return tuple(out)


@dataclass(frozen=True)
class KnowledgeScope:
    """What one person may see and change in the knowledge base.

    ``units`` None means everything (local single-user mode, an admin).
    """

    units: frozenset[str] | None = None
    may_upload: bool = True

    @classmethod
    def everything(cls) -> KnowledgeScope:
        return cls(None, True)

    @classmethod
    def of(cls, who: Any) -> KnowledgeScope:
        """The scope of a signed-in :class:`~drafter.storage.accounts.Principal` (None: local mode)."""
        if who is None or getattr(who, "is_admin", False):
            return cls.everything()
        return cls(frozenset(getattr(who, "units", ()) or ()), getattr(who, "role", "") == "writer")

    @property
    def sees_everything(self) -> bool:
        return self.units is None

    @staticmethod
    def is_upload(source: str) -> bool:
        return str(source).startswith(UPLOADS_PREFIX)

    def allows(self, source: str, units: Iterable[str]) -> bool:
        """Whether a document (its source name and owner units) is visible."""
        if self.units is None or not self.is_upload(source):
            return True
        return bool(self.units.intersection(units))

    def may_change(self, source: str, units: Sequence[str]) -> bool:
        """Whether this person may delete or correct the upload ``source`` owned by ``units``."""
        if not self.is_upload(source):
            return False  # the bundled corpus is changed in the repository, not in the app
        if self.units is None:
            return True
        return self.may_upload and bool(units) and set(units) <= self.units

    def upload_units(self, chosen: Iterable[str] = ()) -> tuple[str, ...]:
        """The units a new upload is recorded for: a writer's own units, an admin's choice."""
        if self.units is None:
            return owner_units({OWNER_KEY: list(chosen)})
        return tuple(sorted(self.units))


class ScopedRetriever:
    """A retriever that returns only passages of documents the scope allows.

    Offers what drafting and the 知识库 search use (``search``, ``search_many``,
    ``prefetch``, ``refresh``, ``len``); anything else of the inner retriever is refused.
    """

    def __init__(self, inner: Any, scope: KnowledgeScope) -> None:
        self.inner = inner
        self.scope = scope

    def __len__(self) -> int:
        return len(self.inner)

    def prefetch(self, queries: Sequence[str]) -> None:
        self.inner.prefetch(queries)

    def refresh(self) -> None:
        self.inner.refresh()

    def visible_sources(self) -> set[str]:
        """Every indexed source this scope may see."""
        return {
            source for source, meta in self.inner.source_metadata().items()
            if self.scope.allows(source, owner_units(meta))
        }

    def search(self, query: str, k: int = 5, **kwargs: Any) -> list[Passage]:
        return self.search_many([query], k, **kwargs)[0]

    def search_many(self, queries: Sequence[str], k: int = 5, **kwargs: Any) -> list[list[Passage]]:
        if self.scope.sees_everything:
            return self.inner.search_many(queries, k, **kwargs)
        visible = self.visible_sources()
        if not visible:
            self.inner.search_many(queries, 0, **kwargs)  # still checks the queries (Chinese errors)
            return [[] for _ in queries]
        found = self.inner.search_many(queries, k, only_sources=sorted(visible), **kwargs)
        # belt and braces: a passage of a source outside the allow-list never leaves here
        return [[p for p in hits if p.source in visible] for hits in found]
