"""Getting the knowledge base ready in the background: build (if needed), open, warm.

>>> job = warm_retriever(settings)          # returns at once; a thread does the work
>>> job.snapshot().line()                    # "正在建立知识库索引：嵌入 120/800 段 …"
>>> retriever = job.result(timeout=None)     # waits; raises the build's error

One job per index (``DRAFTER_HOME`` or shared server, collection) per process:
the app starts it when its first page loads, so the index build (first run only),
the embedding model and the BM25 index are ready before the writer clicks
生成全文. A second process building the same home waits for the first (the build
takes a lock file) and then finds the index complete.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import DrafterError
from ..settings import Settings
from .indexer import IndexReport, IndexStatus, format_seconds

if TYPE_CHECKING:
    from .retrieval import HybridRetriever

__all__ = ["Readiness", "WarmupJob", "job_for", "warm_retriever"]


@dataclass(frozen=True)
class Readiness:
    """A snapshot of a warm-up job, safe to read from any thread."""

    state: str  # "checking" | "building" | "loading" | "ready" | "failed"
    status: IndexStatus | None = None
    error: str = ""
    report: IndexReport | None = None
    started: float = 0.0

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    def fraction(self) -> float:
        """Share done, for a progress bar (scan counts for 5 %, embedding for the rest)."""
        s = self.status
        if self.state == "ready":
            return 1.0
        if s is None:
            return 0.0
        if s.phase == "scan":
            return 0.05 * (s.files_done / s.files_total if s.files_total else 1.0)
        if s.phase == "embed" and s.chunks_total:
            return 0.05 + 0.9 * s.chunks_done / s.chunks_total
        return 0.95

    def line(self) -> str:
        """One true sentence for the page."""
        if self.state == "failed":
            return f"知识库索引建立失败：{self.error}"
        if self.state == "ready":
            return "知识库已就绪"
        s = self.status
        if self.state == "checking" or (s is None and self.state == "building"):
            return "正在检查知识库索引……"
        if s is None or self.state == "loading":
            return "正在载入知识库（嵌入模型和检索索引）……"
        if s.phase == "scan":
            return f"正在建立知识库索引：检查文件 {s.files_done}/{s.files_total}"
        if s.phase == "embed":
            line = (
                f"正在建立知识库索引（首次使用，只需一次）：已处理 {s.chunks_done}/{s.chunks_total} 段"
                f"，文件 {s.files_done}/{s.files_total}"
            )
            if s.eta_seconds is not None:
                line += f"，预计还需 {format_seconds(s.eta_seconds)}"
            elif s.chunks_done < s.chunks_total:
                line += "，正在估算剩余时间"
            return line
        return "正在载入知识库……"


class WarmupJob:
    """Builds (if needed), opens and warms one retriever on a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._readiness = Readiness("checking", started=time.time())
        self._retriever: HybridRetriever | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="drafter-kb-warmup", daemon=True)

    def start(self) -> WarmupJob:
        self._thread.start()
        return self

    def _set(self, **changes: object) -> None:
        with self._lock:
            self._readiness = dataclasses.replace(self._readiness, **changes)  # type: ignore[arg-type]

    def _on_status(self, status: IndexStatus) -> None:
        self._set(state="building", status=dataclasses.replace(status))

    def _run(self) -> None:
        from . import embedding
        from .retrieval import ensure_index, open_retriever

        try:
            report = ensure_index(self.settings, on_status=self._on_status)
            self._set(state="loading", report=report)
            retriever = open_retriever(self.settings)
            retriever._keyword_index()  # BM25: loaded from its file, or built and saved once
            embedding.query("干部选拔任用工作")  # loads the model
            self._retriever = retriever
            self._set(state="ready")
        except DrafterError as err:
            self._error = err
            self._set(state="failed", error=str(err))
        except Exception as err:  # keep the app alive; the page shows what went wrong
            self._error = err
            self._set(state="failed", error=f"{type(err).__name__}: {err}")
        finally:
            self._done.set()

    def snapshot(self) -> Readiness:
        with self._lock:
            return self._readiness

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> HybridRetriever:
        """The ready retriever (waits up to ``timeout``; raises the job's error)."""
        if not self._done.wait(timeout):
            raise TimeoutError("知识库仍在准备中")
        if self._error is not None:
            raise self._error
        if self._retriever is None:  # pragma: no cover - _run always sets one or the other
            raise RuntimeError("warm-up ended without a retriever")
        return self._retriever


_jobs: dict[tuple[str, ...], WarmupJob] = {}
_jobs_lock = threading.Lock()


def _key(settings: Settings) -> tuple[str, ...]:
    return (str(settings.home), str(settings.knowledge_dir), settings.chroma_url or "", settings.collection)


def job_for(settings: Settings) -> WarmupJob | None:
    """The job for this index in this process, if one was started."""
    with _jobs_lock:
        return _jobs.get(_key(settings))


def warm_retriever(settings: Settings, *, restart_failed: bool = False) -> WarmupJob:
    """The job for this index, started now if it is not running or done already."""
    key = _key(settings)
    with _jobs_lock:
        job = _jobs.get(key)
        if job is None or (restart_failed and job.done and job.snapshot().state == "failed"):
            job = _jobs[key] = WarmupJob(settings).start()
        return job
