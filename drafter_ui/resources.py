"""Heavy resources, created once per process with ``st.cache_resource`` (never per rerun).

Cache keys are the settings that identify the resource (database URL, index
location), so tests with different ``DRAFTER_HOME`` never share one by accident.

The knowledge base is made ready by a background job (:mod:`drafter.kb.warmup`)
started on the first page load: build the index if this home has none (once per
``DRAFTER_HOME``), open it, load the model and BM25. Pages never build it as a side
effect: they show the job's progress (:func:`knowledge_banner`) or wait for it
with a progress bar (:func:`retriever`).
API keys are never part of a cache key or a cached object: an OpenAI-backed
engine is built per request from the session's settings.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import streamlit as st

from drafter.errors import DrafterError, IndexError_
from drafter.kb.indexer import format_seconds
from drafter.kb.warmup import WarmupJob, warm_retriever
from drafter.settings import Settings, get_settings
from drafter.storage import Repository, get_engine

if TYPE_CHECKING:
    from drafter.kb.retrieval import HybridRetriever

__all__ = [
    "composer_engine",
    "draft_time_hint",
    "engine_for",
    "index_key",
    "knowledge_banner",
    "knowledge_base_ready",
    "repository",
    "retriever",
    "retry_knowledge_base",
    "scoped_retriever",
    "settings",
    "start_knowledge_base",
]


def settings() -> Settings:
    """Settings from the environment (cheap; read every run so tests can vary them)."""
    return get_settings()


@st.cache_resource(show_spinner=False)
def _repository(db_url: str) -> Repository:
    return Repository(get_engine(db_url))


def repository(s: Settings) -> Repository:
    """The repository on the configured database (engine shared per process)."""
    return _repository(s.db_url)


def index_key(s: Settings) -> tuple[str, str, str, str]:
    """What identifies one knowledge index."""
    return (str(s.home), str(s.knowledge_dir), s.chroma_url or "", s.collection)


def start_knowledge_base(s: Settings) -> WarmupJob:
    """Start getting the index ready in the background (once per index and process).

    Called at the top of every run of app.py: the first page load of a fresh
    server starts the build (first run only), the model and BM25 loading, so they
    are done or under way before the writer's first click.
    """
    return warm_retriever(s)


def knowledge_base_ready(s: Settings) -> bool:
    return warm_retriever(s).done and warm_retriever(s).snapshot().ready


def _wait_with_progress(job: WarmupJob) -> None:
    """Block this run until the job is done, with a progress bar that says what it does."""
    if job.done:
        return
    box = st.empty()
    while not job.done:
        snap = job.snapshot()
        box.progress(snap.fraction(), text=snap.line())
        time.sleep(0.4)
    box.empty()


def retriever(s: Settings) -> HybridRetriever:
    """The retriever over the bundled and uploaded documents (waits for the warm-up, showing it)."""
    job = warm_retriever(s)
    _wait_with_progress(job)
    try:
        return job.result()
    except DrafterError:
        raise
    except Exception as err:
        raise IndexError_(f"知识库未能载入：{err}") from err


def scoped_retriever(s: Settings, who: Any = None) -> Any:
    """The retriever as the signed-in person may use it: the bundled corpus plus the uploads
    of their units (:mod:`drafter.kb.scope`); everything in local mode and for admins."""
    from drafter.kb.scope import KnowledgeScope, ScopedRetriever

    inner = retriever(s)
    scope = KnowledgeScope.of(who)
    return inner if scope.sees_everything else ScopedRetriever(inner, scope)


def retry_knowledge_base(s: Settings) -> None:
    """Start the warm-up again after it failed (the 重试 button)."""
    warm_retriever(s, restart_failed=True)


def knowledge_banner(s: Settings) -> None:
    """While the knowledge base is being built or loaded: one progress bar that updates itself.

    Renders nothing once it is ready; when it becomes ready the whole page reruns,
    so every tab sees the finished index.
    """
    job = warm_retriever(s)
    # one block at this place on every run, ready or not: when the bar goes, the page below it
    # keeps its places, so a box the writer is typing in is not drawn anew (its focus lost)
    slot = st.container(key="kb_banner")
    if job.done and job.snapshot().ready:
        return

    @st.fragment(run_every=1.0)
    def banner() -> None:
        snap = job.snapshot()
        if snap.state == "failed":
            st.error(snap.line())
            if st.button("重试建立索引", key="kb_retry"):
                retry_knowledge_base(s)
                st.rerun()
            return
        if snap.ready:
            st.rerun()  # the whole app, now with the index
        st.progress(snap.fraction(), text=snap.line())

    with slot:
        banner()


def draft_time_hint(s: Settings) -> str:
    """What 生成全文 will take, truthfully (the index may still be building)."""
    job = warm_retriever(s)
    snap = job.snapshot()
    if snap.ready:
        return "约需几秒（离线组合）"
    if snap.state == "failed":
        return "知识库未能载入，请查看页面上方的提示"
    if snap.state == "building" and snap.status is not None and snap.status.eta_seconds:
        return f"知识库索引还需约 {format_seconds(snap.status.eta_seconds)}，完成后起草约需几秒"
    return "知识库正在载入，完成后起草约需几秒"


@st.cache_resource(show_spinner=False)
def _composer(key: tuple[str, str, str, str], prompts_dir: str, _retriever: HybridRetriever) -> Any:
    from drafter.checks.section import check_section
    from drafter.drafting.engine import DraftEngine

    home, knowledge_dir, chroma_url, collection = key
    s = get_settings(
        home=home,
        knowledge_dir=knowledge_dir,
        chroma_url=chroma_url or None,
        collection=collection,
        prompts_dir=prompts_dir,
        backend="composer",
    )
    return DraftEngine(s, section_check=check_section, retriever=_retriever)


def composer_engine(s: Settings) -> Any:
    """The offline composer engine, one per process."""
    return _composer(index_key(s), str(s.prompts_dir), retriever(s))


def engine_for(s: Settings, who: Any = None) -> Any:
    """The drafting engine for these (session) settings and the signed-in person *who*.

    The composer engine is shared; an OpenAI-backed one is cheap (a client) and is
    built per request so the session's key never lands in a process-wide cache.
    On a team server a writer's or reviewer's engine searches only what they may see
    (the bundled corpus and their units' uploads), so another unit's uploaded report
    never becomes their 参考写法: it is built per request around a scoped retriever.
    """
    from drafter.checks.section import check_section
    from drafter.drafting.engine import DraftEngine
    from drafter.errors import ConfigError

    scoped = scoped_retriever(s, who) if who is not None else None
    if s.backend == "composer":
        if scoped is None or scoped is retriever(s):
            return composer_engine(s)
        return DraftEngine(s, section_check=check_section, retriever=scoped)

    if not s.openai_base_url:
        raise ConfigError("请先在“起草方式”中填写模型的服务地址（Base URL），如 http://127.0.0.1:8000/v1；或改用离线组合")
    if not s.openai_model:
        raise ConfigError("请先在“起草方式”中填写模型名称，如 qwen2.5:7b；可点击“测试连接”查看服务器提供的模型")

    return DraftEngine(s, section_check=check_section, retriever=scoped if scoped is not None else retriever(s))
