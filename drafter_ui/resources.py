"""Heavy resources, created once per process with ``st.cache_resource`` (never per rerun).

Cache keys are the settings that identify the resource (database URL, index
location), so tests with different ``DRAFTER_HOME`` never share one by accident.
API keys are never part of a cache key or a cached object: an OpenAI-backed
engine is built per request from the session's settings.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from drafter.settings import Settings, get_settings
from drafter.storage import Repository, get_engine

__all__ = ["composer_engine", "engine_for", "index_key", "repository", "retriever", "settings"]


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


@st.cache_resource(show_spinner="正在载入知识库索引（首次使用需先建立索引，请稍候）……")
def _retriever(key: tuple[str, str, str, str]) -> Any:
    from drafter.kb.retrieval import open_retriever

    home, knowledge_dir, chroma_url, collection = key
    s = get_settings(home=home, knowledge_dir=knowledge_dir, chroma_url=chroma_url or None, collection=collection)
    return open_retriever(s, build_if_missing=True)


def retriever(s: Settings) -> Any:
    """The retriever over the bundled and uploaded documents (built on first use)."""
    return _retriever(index_key(s))


def reset_retriever() -> None:
    """Forget the cached retriever (after re-indexing, so searches see new files)."""
    _retriever.clear()


@st.cache_resource(show_spinner=False)
def _composer(key: tuple[str, str, str, str], prompts_dir: str) -> Any:
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
    return DraftEngine(s, retriever=_retriever(key))


def composer_engine(s: Settings) -> Any:
    """The offline composer engine, one per process."""
    retriever(s)  # first, on its own: a cached call nested in another shows no spinner
    return _composer(index_key(s), str(s.prompts_dir))


def engine_for(s: Settings) -> Any:
    """The drafting engine for these (session) settings.

    The composer engine is shared; an OpenAI-backed one is cheap (a client) and is
    built per request so the session's key never lands in a process-wide cache.
    """
    if s.backend == "composer":
        return composer_engine(s)
    from drafter.drafting.engine import DraftEngine
    from drafter.errors import ConfigError

    if not s.openai_base_url:
        raise ConfigError("请先在“起草方式”中填写模型的服务地址（Base URL），如 http://127.0.0.1:8000/v1；或改用离线组合")
    if not s.openai_model:
        raise ConfigError("请先在“起草方式”中填写模型名称，如 qwen2.5:7b；可点击“测试连接”查看服务器提供的模型")

    return DraftEngine(s, retriever=retriever(s))
