"""Backend choice for this session: the offline composer or an OpenAI-compatible server.

The base URL, model and API key live only in ``st.session_state`` of this browser
session: they are never written to disk, the database or a log, and never become
part of a process-wide cache.
"""

from __future__ import annotations

import streamlit as st
from pydantic import SecretStr

from drafter.errors import DrafterError
from drafter.settings import Settings

from .state import Ctx

__all__ = ["BACKENDS", "render", "session_settings"]

BACKENDS = {"composer": "离线组合（默认，无需模型）", "openai": "OpenAI 兼容模型服务（vLLM、Ollama、DeepSeek、通义千问等）"}


def session_settings(base: Settings) -> Settings:
    """The settings this session drafts with (the key only in memory)."""
    ss = st.session_state
    backend = ss.get("backend", base.backend)
    if backend != "openai":
        return base.model_copy(update={"backend": "composer"})
    key = ss.get("oa_key") or ""
    return base.model_copy(
        update={
            "backend": "openai",
            "openai_base_url": (ss.get("oa_base") or base.openai_base_url or "").strip() or None,
            "openai_model": (ss.get("oa_model") or base.openai_model or "").strip() or None,
            "openai_api_key": SecretStr(key) if key else base.openai_api_key,
        }
    )


def _test(base: Settings) -> None:
    from drafter.llm import test_connection

    s = session_settings(base)
    if not s.openai_base_url:
        st.session_state["conn_msg"] = ("error", "请先填写服务地址（Base URL），如 http://127.0.0.1:8000/v1")
        return
    try:
        st.session_state["conn_msg"] = ("success", test_connection(s))
    except DrafterError as err:
        st.session_state["conn_msg"] = ("error", f"连接失败：{err}")


def render(ctx: Ctx) -> None:
    """The backend expander on the 起草 tab."""
    ss = st.session_state
    s = ctx.settings
    ss.setdefault("backend", s.backend)
    ss.setdefault("oa_base", s.openai_base_url or "")
    ss.setdefault("oa_model", s.openai_model or "")
    label = BACKENDS.get(ss["backend"], "")
    with st.expander(f"起草方式：{label}", expanded=ss["backend"] == "openai", key="exp_backend"):
        st.radio("起草方式", list(BACKENDS), key="backend", format_func=BACKENDS.get, horizontal=True,
                 label_visibility="collapsed")
        if ss["backend"] == "openai":
            c1, c2 = st.columns([3, 2])
            c1.text_input("服务地址（Base URL）", key="oa_base", placeholder="http://127.0.0.1:8000/v1")
            c2.text_input("模型名称", key="oa_model", placeholder="qwen2.5:7b")
            st.text_input(
                "API 密钥",
                key="oa_key",
                type="password",
                help="只保存在本浏览器会话的内存中，不写入磁盘、数据库或日志；关闭页面即失效。",
            )
            st.button("测试连接", key="test_conn", on_click=_test, args=(s,))
            kind, msg = ss.pop("conn_msg", (None, None))
            if kind:
                getattr(st, kind)(msg)
        else:
            st.caption("离线组合：根据数据表和知识库中的往年报告逐节组织文字，不调用任何模型，缺少的事实以“〔待补：…〕”标出。")
