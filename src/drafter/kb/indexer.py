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
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from ..errors import IngestError
from ..settings import Settings
from . import embedding, shipped_vectors
from .chunking import Chunk, chunk_document, chunk_policy_items
from .filenames import probe_file, tolerant_name
from .ingest import SUPPORTED_SUFFIXES, read_text, unsupported_reason
from .scope import OWNER_KEY, UPLOADS_PREFIX, owner_units
from .types import ProgressCallback

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "IndexReport",
    "IndexStatus",
    "build_lock",
    "ProgressCallback",
    "SourceFile",
    "chunks_of",
    "discover",
    "ensure_index",
    "format_seconds",
    "index_complete",
    "index_knowledge",
    "kb_dirs_of",
]


_SKIP_NAMES = {"terms.txt", "metadata.yaml", "metadata.yml", "vectors.npz", "formulations.yaml"}  # vectors: shipped_vectors.py; formulations: checks (issue 24)
_SKIP_DIRS = {"specs"}


@dataclass
class IndexReport:
    """What an indexing run did. ``added``/``changed``/``removed`` list sources."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: Files indexed only in part: (source, what could not be read, e.g. PDF pages that need OCR).
    notes: list[tuple[str, str]] = field(default_factory=list)
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
        """The report as a writer knows it: “单位 · 年度 · 标题” (never the file name or hash)."""
        from .catalog import name_of

        return name_of(self.meta, self.source)

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


def _linked(root: Path, rel: Path) -> bool:
    """Whether ``root/rel`` or a folder on the way to it is a symbolic link."""
    here = root
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            return True
    return False


def _walk(root: Path, *, links: list[Path] | None = None) -> Iterable[Path]:
    """Files under ``root``; with ``links`` given, symbolic links are not followed but listed there
    (an upload folder: a link could point anywhere on the server)."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if any(part in _SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if links is not None and _linked(root, rel):
            if path.is_symlink():
                links.append(path)
            continue
        if path.is_file():
            yield path


def _scan_dir(
    root: Path, prefix: str, *, uploads: bool
) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    folder_meta: dict[Path, Mapping[str, Any]] = {}
    links: list[Path] = []
    for path in _walk(root, links=links if uploads else None):
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
            skipped.append((source, unsupported_reason(suffix) or ""))
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
    for link in links:
        rel = tolerant_name(link.relative_to(root).as_posix())
        skipped.append((f"{prefix}/{rel}" if prefix else rel, "是符号链接，上传文件夹中的链接不予读取或索引"))
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


def _chars_to_embed(texts: Sequence[str], seen: set[str], shipped: bool) -> int:
    """Characters the engine will embed: a text with a shipped vector, or one already
    counted in this run (the same paragraph in another file), costs nothing."""
    keys = [shipped_vectors.key(t) for t in texts]
    found = shipped_vectors.lookup(keys) if shipped else {}
    n = 0
    for t, k in zip(texts, keys, strict=True):
        if k not in seen and k not in found:
            n += len(t)
        seen.add(k)
    return n


def _vectors(
    texts: Sequence[str], keys: Sequence[str], store: Store, shipped: bool
) -> tuple[np.ndarray, int]:
    """Vectors of *texts* and the characters embedded to get them.

    A text takes its shipped vector (the bundled knowledge base), else the vector
    already stored for the same text (``text_key``: the same paragraph in another
    file or year), else the engine embeds it — each distinct text once.
    """
    found = shipped_vectors.lookup(keys) if shipped else {}
    rest = [k for k in dict.fromkeys(keys) if k not in found]
    if rest:
        found.update(store.vectors_by_key(rest))
    todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
    if todo:
        found.update(zip(todo, embedding.passage(list(todo.values())), strict=True))
    return np.vstack([found[k] for k in keys]), sum(len(t) for t in todo.values())


def _year(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def chunks_of(
    sf: SourceFile, *, max_bytes: int | None = None, notes: list[str] | None = None
) -> list[Chunk]:
    """Read and chunk one source file (raises :class:`IngestError`).

    What could not be read (PDF pages without a text layer) is added to *notes*.
    """
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
    if notes is not None:
        notes.extend(doc.notes)
    meta = _with_detected(sf.meta, doc.text, sf.source)
    extra = {k: str(meta[k]) for k in ("unit", "unit_level", "region") if meta.get(k)}
    owners = owner_units(sf.meta) if sf.source.startswith(UPLOADS_PREFIX) else ()
    if owners:  # whose upload it is (team server): kept on every chunk for the retrieval filter
        extra[OWNER_KEY] = "\n".join(owners)
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


def _with_detected(meta: Mapping[str, Any], text: str, source: str) -> Mapping[str, Any]:
    """``meta`` with unit, year, title and genre filled from the text where it has none."""
    from .meta import detect_meta

    if all(meta.get(k) for k in ("unit", "year", "title")):
        return meta
    found = detect_meta(text, filename=source)
    guessed = {"unit": found.unit, "year": found.year, "title": found.title, "genre": found.genre}
    return {**{k: v for k, v in guessed.items() if v}, **meta}


@dataclass
class IndexStatus:
    """Where an indexing run stands, for progress bars: files, chunks and an estimate.

    ``eta_seconds`` comes from the throughput measured so far in this run, or before
    the first batch from this index's last run (kept in the index); None until measured.
    """

    phase: str  # "scan" | "embed" | "done"
    files_done: int = 0
    files_total: int = 0
    chunks_done: int = 0
    chunks_total: int = 0
    chars_done: int = 0
    chars_total: int = 0
    elapsed: float = 0.0
    chars_per_second: float = 0.0
    eta_seconds: float | None = None
    current: str = ""

    def summary(self) -> str:
        """One line in Chinese, e.g. “嵌入 120/800 段（文件 12/90）· 约剩 2 分 10 秒”."""
        if self.phase == "scan":
            return f"检查文件 {self.files_done}/{self.files_total}"
        if self.phase == "done":
            return f"索引完成：{self.chunks_total} 段，用时 {format_seconds(self.elapsed)}"
        line = (
            f"嵌入 {self.chunks_done}/{self.chunks_total} 段"
            f"（文件 {self.files_done}/{self.files_total}）"
        )
        if self.eta_seconds is not None:
            line += f" · 约剩 {format_seconds(self.eta_seconds)}"
        elif self.chunks_done < self.chunks_total:
            line += " · 正在估算剩余时间"
        return line


def format_seconds(seconds: float) -> str:
    """``75`` → ``1 分 15 秒``; under a minute in whole seconds."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} 秒"
    if s < 3600:
        return f"{s // 60} 分 {s % 60} 秒"
    return f"{s // 3600} 小时 {s % 3600 // 60} 分"


@dataclass
class _Plan:
    sf: SourceFile
    fingerprint: str
    fresh: int
    chars: int
    new: bool


def index_knowledge(
    settings: Settings,
    *,
    extra_kb: Sequence[Path] = (),
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    store: Store | None = None,
    on_status: Callable[[IndexStatus], None] | None = None,
) -> IndexReport:
    """Bring the index up to date with the knowledge dirs and uploads.

    ``extra_kb`` dirs are added to those remembered from earlier runs (``rebuild``
    forgets them and starts from an empty collection).

    The run streams: files are planned one at a time (fingerprint, chunk count),
    then read again and embedded in batches of ``settings.embed_batch`` chunks,
    each batch committed to the store at once. Memory stays bounded by a batch and
    one file. A run that is killed leaves only whole, searchable chunks behind; the
    next run re-embeds nothing already committed (a file counts as done only when
    all of its chunks are stored with its fingerprint) and finishes the rest.

    Runs under :func:`build_lock`: another process or thread building the same data
    folder is waited for, never run beside.
    """
    with build_lock(settings):
        return _index_knowledge(settings, extra_kb=extra_kb, rebuild=rebuild, progress=progress,
                                store=store, on_status=on_status)


def _index_knowledge(
    settings: Settings,
    *,
    extra_kb: Sequence[Path],
    rebuild: bool,
    progress: ProgressCallback | None,
    store: Store | None,
    on_status: Callable[[IndexStatus], None] | None,
) -> IndexReport:
    from .store import delete_collection, open_store

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
    status = IndexStatus(phase="scan")
    # the estimate comes from measured throughput: this home's last run, then this run's
    measured_cps = float(state.get("chars_per_second") or 0) or None

    def tell(message: str, done: int, total: int) -> None:
        status.elapsed = time.perf_counter() - started
        notify(done, total, message)
        if on_status is not None:
            on_status(status)

    store.set_state({**state, "build": "running"})
    files, skipped = discover(settings, extras)
    report_.skipped.extend(skipped)
    existing: dict[str, dict[str, Mapping[str, Any]]] = {}
    for cid, meta in store.metadatas().items():
        existing.setdefault(str(meta.get("source", "")), {})[cid] = meta

    # pass 1: what needs embedding (chunks are counted, not kept)
    plans: list[_Plan] = []
    counted: set[str] = set()  # texts already counted for the estimate
    seen_sources: set[str] = set()
    status.files_total = len(files)
    for i, sf in enumerate(files):
        status.files_done = i
        status.current = sf.source
        tell(f"检查 {sf.source}", i, len(files))
        old = existing.get(sf.source, {})
        try:
            fingerprint = sf.fingerprint()
        except OSError as err:
            report_.skipped.append((str(sf.path), f"无法读取文件：{err}"))
            continue
        if old and _complete(old, fingerprint):
            seen_sources.add(sf.source)
            report_.unchanged += 1
            continue
        notes: list[str] = []
        try:
            chunks = chunks_of(sf, max_bytes=settings.max_upload_bytes, notes=notes)
        except IngestError as err:
            report_.skipped.append((err.path, err.reason))
            continue
        report_.notes.extend((sf.source, n) for n in notes)
        seen_sources.add(sf.source)
        fresh = [c for c in chunks if c.id not in old]
        texts = [c.embed_text() for c in fresh]
        plans.append(
            # chars to embed (the estimate): a chunk with a shipped vector costs nothing
            _Plan(sf, fingerprint, len(fresh), _chars_to_embed(texts, counted, settings.shipped_vectors), not old)
        )
        del chunks, fresh, texts
    report_.removed.extend(source for source in existing if source not in seen_sources)
    status.files_done = len(files)
    tell("已检查全部文件", len(files), len(files))

    # pass 2: embed and commit, batch by batch
    status.phase = "embed"
    status.files_total = len(plans)
    status.files_done = 0
    status.chunks_total = sum(p.fresh for p in plans)
    status.chars_total = sum(p.chars for p in plans)
    status.eta_seconds = (
        (status.chars_total / measured_cps if measured_cps else None) if status.chars_total else 0.0
    )
    embed_started = time.perf_counter()
    batch_size = max(1, settings.embed_batch)
    pending: list[tuple[Chunk, str, int]] = []
    stale_after_commit: list[str] = []
    deletions = 0

    def commit() -> None:
        if not pending:
            return
        texts = [c.embed_text() for c, _, _ in pending]
        keys = [shipped_vectors.key(t) for t in texts]
        vectors, to_embed = _vectors(texts, keys, store, settings.shipped_vectors)
        store.upsert(
            [c.id for c, _, _ in pending],
            [c.text for c, _, _ in pending],
            [
                {**c.metadata(), "file_sha": fp, "file_chunks": n, "text_key": k}
                for (c, fp, n), k in zip(pending, keys, strict=True)
            ],
            vectors,
        )
        status.chunks_done += len(pending)
        status.chars_done += to_embed
        spent = time.perf_counter() - embed_started
        if spent > 0 and status.chars_done:
            status.chars_per_second = status.chars_done / spent
            status.eta_seconds = (
                status.chars_total - status.chars_done
            ) / status.chars_per_second
        pending.clear()
        if stale_after_commit:
            store.delete(list(stale_after_commit))
            stale_after_commit.clear()
        tell(status.summary(), status.chunks_done, status.chunks_total)

    tell(status.summary(), 0, status.chunks_total)
    for plan in plans:
        sf = plan.sf
        status.current = sf.source
        old = existing.get(sf.source, {})
        try:
            chunks = chunks_of(sf, max_bytes=settings.max_upload_bytes)
        except IngestError as err:  # changed since pass 1
            report_.skipped.append((err.path, err.reason))
            continue
        n = len(chunks)
        new_ids = {c.id for c in chunks}
        kept = [c for c in chunks if c.id in old and not _stamped(old[c.id], plan.fingerprint, n)]
        if kept:  # unchanged text: only the fingerprint moves (no re-embedding)
            store.update_metadata(
                [c.id for c in kept],
                [{**c.metadata(), "file_sha": plan.fingerprint, "file_chunks": n} for c in kept],
            )
        for c in chunks:
            if c.id not in old:
                pending.append((c, plan.fingerprint, n))
                if len(pending) >= batch_size:
                    commit()
        # stale chunks go once the file's new ones are committed (with the next batch)
        stale = [cid for cid in old if cid not in new_ids]
        if pending:
            stale_after_commit.extend(stale)
        else:
            store.delete(stale)
        deletions += len(stale)
        if plan.new:
            report_.added.append(sf.source)
        elif plan.fresh or stale:
            report_.changed.append(sf.source)
        else:
            report_.unchanged += 1
        status.files_done += 1
    commit()
    removed_ids = [cid for source in report_.removed for cid in existing.get(source, {})]
    store.delete(removed_ids)
    deletions += len(removed_ids)

    new_state = {**store.get_state(), "build": "complete"}
    if extras != remembered or rebuild:
        new_state["extra_kb"] = [str(p) for p in extras]
    if status.chars_done >= 2000 and status.chars_per_second:
        new_state["chars_per_second"] = round(status.chars_per_second, 1)
    store.set_state(new_state)

    report_.skipped = [(tolerant_name(p), r) for p, r in report_.skipped]
    report_.embedded = status.chunks_done
    report_.deleted = deletions
    report_.total_chunks = store.count()
    report_.seconds = time.perf_counter() - started
    status.phase = "done"
    status.chunks_total = report_.total_chunks
    status.eta_seconds = 0.0
    tell(status.summary(), status.chunks_done, max(status.chunks_done, 1))
    return report_


def _stamped(meta: Mapping[str, Any], fingerprint: str, n: int) -> bool:
    return meta.get("file_sha") == fingerprint and meta.get("file_chunks") == n


def _complete(old: Mapping[str, Mapping[str, Any]], fingerprint: str) -> bool:
    """Whether all of a file's chunks are stored with this fingerprint (an interrupted
    run may have stored only some: then the file is not done)."""
    counts = {m.get("file_chunks") for m in old.values()}
    if len(counts) != 1:
        return False
    n = counts.pop()
    return (
        isinstance(n, int)
        and n == len(old)
        and all(m.get("file_sha") == fingerprint for m in old.values())
    )


def index_complete(store: Store) -> bool:
    """Whether the last indexing run into ``store`` finished (and left chunks)."""
    state = store.get_state()
    return store.count() > 0 and state.get("build", "complete") == "complete"


_locks_guard = threading.Lock()
_locks: dict[str, threading.RLock] = {}
_held = threading.local()  # per thread: data folder → how deep this thread holds its lock


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One index build at a time per data folder (DRAFTER_HOME), across threads and processes.

    The lock is the file ``DRAFTER_HOME/.index.lock`` held with ``flock``, so a
    ``drafter index`` and the app building the same folder wait for each other; inside
    one process a lock per folder keeps threads apart. Re-entrant in a thread
    (:func:`index_knowledge` takes it, and so do callers that open the index first).
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    key = str(settings.home.resolve())
    depth: dict[str, int] = _held.__dict__.setdefault("depth", {})
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    with _locks_guard:
        lock = _locks.setdefault(key, threading.RLock())
    with lock, open(settings.home / ".index.lock", "a+b") as fh:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
        except (ImportError, OSError):  # no flock (Windows, some network drives)
            pass
        depth[key] = 1
        try:
            yield
        finally:
            depth[key] = 0


def ensure_index(
    settings: Settings,
    *,
    progress: ProgressCallback | None = None,
    on_status: Callable[[IndexStatus], None] | None = None,
) -> IndexReport | None:
    """Build the index if it is empty or an earlier build did not finish.

    Returns the build's report, or None when the index was already complete. Safe
    to call from several threads or processes: one builds, the others wait for it
    and then find the index complete.
    """
    from .store import open_store

    embedding.configure(settings)
    # the index is opened only under the lock: chromadb creating its tables in four processes at
    # once fails (“table collections already exists”), and a process that opens a half-built
    # index keeps that view after the build (its segment reader: “Nothing found on disk” on every
    # query) — so a caller first waits for a build in progress, then opens the finished index
    with build_lock(settings):
        store = open_store(settings)
        if index_complete(store):
            return None
        return index_knowledge(settings, progress=progress, store=store, on_status=on_status)
