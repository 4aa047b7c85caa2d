"""Incremental indexing of the knowledge base and the user's uploads.

Sources, each named by its path relative to its root (the chunk ``source``):

- the bundled knowledge dir (``settings.knowledge_dir``): ``reports/…`` texts with
  metadata from ``metadata.yaml`` or ``<stem>.meta.yaml`` sidecars, and
  ``policies/*.yaml`` digest items (genre ``policy``); ``specs/``, ``terms.txt``
  and README files are not indexed;
- extra knowledge dirs given with ``--kb`` (remembered in the index), named
  ``<dir name>/<relative path>``;
- ``settings.uploads_dir``, named ``uploads/<name>``.

Only new or changed chunks are embedded (a chunk id is a hash of its content and
place); chunks of removed or now unreadable files leave the index; a file whose
bytes (and metadata) are unchanged is not even re-read. Progress goes to a callback
``progress(done, total, message)``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import embedding
from .chunking import Chunk, chunk_document, chunk_policy_items
from ..errors import IngestError
from .ingest import SUPPORTED_SUFFIXES, read_text
from .filenames import probe_file, tolerant_name
from ..settings import Settings
from .store import Store, delete_collection, open_store

__all__ = [
    "IndexReport",
    "ProgressCallback",
    "SourceFile",
    "chunks_of",
    "discover",
    "index_knowledge",
    "kb_dirs_of",
]

#: ``progress(done, total, message)``.
ProgressCallback = Callable[[int, int, str], None]

_SKIP_NAMES = {"terms.txt", "metadata.yaml", "metadata.yml"}
_SKIP_DIRS = {"specs"}
_EMBED_BATCH = 32


@dataclass
class IndexReport:
    """What an indexing run did. ``added``/``changed``/``removed`` list sources."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    embedded: int = 0
    deleted: int = 0
    total_chunks: int = 0
    seconds: float = 0.0

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class SourceFile:
    """A file to index: its ``source`` name, path, whether it holds policy items, metadata."""

    source: str
    path: Path
    policy: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        """The file as a writer knows it: its title (and year), then the source name."""
        title = str(self.meta.get("title") or "").strip()
        year = self.meta.get("year")
        lead = title or self.path.stem
        if year and str(year) not in lead:
            lead += f"（{year}年）"
        return f"{lead} · {self.source}"

    def fingerprint(self) -> str:
        """Hash of the file bytes and its metadata: unchanged → not re-read."""
        h = hashlib.sha256(self.path.read_bytes())
        h.update(repr(sorted(self.meta.items())).encode("utf-8"))
        return h.hexdigest()[:24]


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise IngestError(str(path), f"YAML 文件无法解析：{err}") from err


def _metadata_for(path: Path, folder_meta: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    entry = folder_meta.get(path.name)
    if isinstance(entry, Mapping):
        meta.update(entry)
    for sidecar in (
        path.with_name(path.stem + ".meta.yaml"),
        path.with_name(path.name + ".meta.yaml"),
    ):
        if probe_file(sidecar):  # a name near 255 bytes has no room for a sidecar: no OSError
            data = _load_yaml(sidecar)
            if isinstance(data, Mapping):
                meta.update(data)
    return {k: v for k, v in meta.items() if v is not None}


def _walk(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if any(part in _SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if path.is_file():
            yield path


def _scan_dir(
    root: Path, prefix: str, *, uploads: bool
) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    folder_meta: dict[Path, Mapping[str, Any]] = {}
    for path in _walk(root):
        rel = tolerant_name(path.relative_to(root).as_posix())  # GBK bytes from a Windows zip
        source = f"{prefix}/{rel}" if prefix else rel
        name = path.name.lower()
        if (
            name in _SKIP_NAMES
            or name.endswith((".meta.yaml", ".meta.yml"))
            or name.startswith("readme")
        ):
            continue
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            if not uploads and "policies" in Path(rel).parts[:-1]:
                files.append(SourceFile(source, path, policy=True))
            continue
        if suffix not in SUPPORTED_SUFFIXES:
            skipped.append(
                (
                    source,
                    f"不支持的文件类型“{suffix or '无扩展名'}”，请使用 .txt、.md 或 .docx",
                )
            )
            continue
        if path.parent not in folder_meta:
            meta_file = path.parent / "metadata.yaml"
            try:
                data = _load_yaml(meta_file) if meta_file.is_file() else {}
            except IngestError as err:
                skipped.append((err.path, err.reason))
                data = {}
            folder_meta[path.parent] = data if isinstance(data, Mapping) else {}
        try:
            meta = _metadata_for(path, folder_meta[path.parent])
        except IngestError as err:
            skipped.append((err.path, err.reason))
            meta = {}
        files.append(SourceFile(source, path, meta=meta))
    return files, skipped


def kb_dirs_of(settings: Settings, extra: Sequence[Path] = ()) -> list[Path]:
    """The bundled knowledge dir followed by extra ones, without duplicates."""
    out: list[Path] = []
    for d in [settings.knowledge_dir, *extra]:
        d = Path(d).expanduser().resolve()
        if d not in out:
            out.append(d)
    return out


def discover(
    settings: Settings, extra_kb: Sequence[Path] = ()
) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """Every file to index (bundled kb, extra kb dirs, uploads) and those skipped up front."""
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    roots: list[tuple[Path, str, bool]] = []
    for i, d in enumerate(kb_dirs_of(settings, extra_kb)):
        roots.append((d, "" if i == 0 else d.name, False))
    roots.append((settings.uploads_dir, "uploads", True))
    seen: set[str] = set()
    for root, prefix, uploads in roots:
        if not root.is_dir():
            if not uploads:
                skipped.append((str(root), "知识库目录不存在，请检查 --kb 参数"))
            continue
        found, bad = _scan_dir(root, prefix, uploads=uploads)
        skipped.extend(bad)
        for f in found:
            if f.source in seen:
                skipped.append(
                    (str(f.path), f"与已索引的“{f.source}”同名，请改名后再索引")
                )
                continue
            seen.add(f.source)
            files.append(f)
    return files, skipped


def _year(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def chunks_of(sf: SourceFile, *, max_bytes: int | None = None) -> list[Chunk]:
    """Read and chunk one source file (raises :class:`IngestError`)."""
    if sf.policy:
        if max_bytes is not None and sf.path.stat().st_size > max_bytes:
            raise IngestError(str(sf.path), "文件过大，请拆分后再索引")
        data = _load_yaml(sf.path)
        items = data.get("items") if isinstance(data, Mapping) else data
        if not isinstance(items, list) or not items:
            raise IngestError(
                str(sf.path),
                "政策摘要文件应包含 items: 列表（每项有 id、title、text、source）",
            )
        chunks = chunk_policy_items(
            [i for i in items if isinstance(i, Mapping)], source=sf.source
        )
        if not chunks:
            raise IngestError(str(sf.path), "政策摘要文件中没有带 text 的条目")
        return chunks
    doc = read_text(sf.path, max_bytes=max_bytes)
    meta = sf.meta
    extra = {k: str(meta[k]) for k in ("unit", "unit_level", "region") if meta.get(k)}
    chunks = chunk_document(
        doc.text,
        source=sf.source,
        year=_year(meta.get("year")),
        genre=str(meta["genre"]) if meta.get("genre") else None,
        title=str(meta["title"]) if meta.get("title") else None,
        extra=extra,
    )
    if not chunks:
        raise IngestError(str(sf.path), "没有可检索的正文段落")
    return chunks


def index_knowledge(
    settings: Settings,
    *,
    extra_kb: Sequence[Path] = (),
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    store: Store | None = None,
) -> IndexReport:
    """Bring the index up to date with the knowledge dirs and uploads.

    ``extra_kb`` dirs are added to those remembered from earlier runs (``rebuild``
    forgets them and starts from an empty collection).
    """
    started = time.perf_counter()
    report_ = IndexReport()
    if rebuild:
        delete_collection(settings)
        store = None
    store = store or open_store(settings)
    state = store.get_state()
    remembered = [] if rebuild else [Path(p) for p in state.get("extra_kb", [])]
    extras = [Path(p) for p in kb_dirs_of(settings, [*remembered, *extra_kb])[1:]]
    notify = progress or (lambda done, total, message: None)

    files, skipped = discover(settings, extras)
    report_.skipped.extend(skipped)
    existing: dict[str, dict[str, Mapping[str, Any]]] = {}
    for cid, meta in store.metadatas().items():
        existing.setdefault(str(meta.get("source", "")), {})[cid] = meta

    to_embed: list[tuple[Chunk, str]] = []
    to_delete: list[str] = []
    seen_sources: set[str] = set()
    for i, sf in enumerate(files):
        notify(i, len(files), f"读取 {sf.source}")
        old = existing.get(sf.source, {})
        try:
            fingerprint = sf.fingerprint()
        except OSError as err:
            report_.skipped.append((str(sf.path), f"无法读取文件：{err}"))
            continue
        if old and all(m.get("file_sha") == fingerprint for m in old.values()):
            seen_sources.add(sf.source)
            report_.unchanged += 1
            continue
        try:
            chunks = chunks_of(sf, max_bytes=settings.max_upload_bytes)
        except IngestError as err:
            report_.skipped.append((err.path, err.reason))
            continue
        seen_sources.add(sf.source)
        new_ids = {c.id for c in chunks}
        fresh = [c for c in chunks if c.id not in old]
        stale = [cid for cid in old if cid not in new_ids]
        # kept chunks get the new fingerprint through a cheap metadata-only upsert below
        kept = [
            c
            for c in chunks
            if c.id in old and old[c.id].get("file_sha") != fingerprint
        ]
        to_embed.extend((c, fingerprint) for c in fresh)
        to_delete.extend(stale)
        if kept:
            _refresh_fingerprints(store, kept, fingerprint)
        if not old:
            report_.added.append(sf.source)
        elif fresh or stale:
            report_.changed.append(sf.source)
        else:
            report_.unchanged += 1
    notify(len(files), len(files), "已读取全部文件")

    for source, old in existing.items():
        if source not in seen_sources:
            report_.removed.append(source)
            to_delete.extend(old)

    total = len(to_embed)
    for start in range(0, total, _EMBED_BATCH):
        batch = to_embed[start : start + _EMBED_BATCH]
        notify(start, total, f"嵌入 {batch[0][0].source}")
        vectors = embedding.passage([c.embed_text() for c, _ in batch])
        store.upsert(
            [c.id for c, _ in batch],
            [c.text for c, _ in batch],
            [{**c.metadata(), "file_sha": fp} for c, fp in batch],
            vectors,
        )
    if total:
        notify(total, total, "嵌入完成")
    store.delete(to_delete)
    if extras != remembered or rebuild:
        store.set_state({**state, "extra_kb": [str(p) for p in extras]})

    report_.skipped = [(tolerant_name(p), r) for p, r in report_.skipped]
    report_.embedded = total
    report_.deleted = len(to_delete)
    report_.total_chunks = store.count()
    report_.seconds = time.perf_counter() - started
    return report_


def _refresh_fingerprints(store: Store, chunks: list[Chunk], fingerprint: str) -> None:
    """Record a new file fingerprint on chunks whose content did not change (no re-embedding)."""
    store.update_metadata(
        [c.id for c in chunks],
        [{**c.metadata(), "file_sha": fingerprint} for c in chunks],
    )
