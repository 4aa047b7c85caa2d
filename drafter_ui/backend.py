"""Backend choice for this session: the offline composer or an OpenAI-compatible server.

The base URL, model and API key live only in ``st.session_state`` of this browser
session: they are never written to disk, the database or a log, and never become
part of a process-wide cache.
"""

from __future__ import annotations

import re

import streamlit as st
from pydantic import SecretStr

from drafter.errors import (
    BackendAuthError,
    BackendError,
    BackendModelError,
    BackendUnavailable,
    DrafterError,
)
from drafter.settings import Settings

from .safe_text import say
from .state import Ctx

__all__ = ["BACKENDS", "explain", "render", "session_settings"]

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


_OFFERED = re.compile(r"服务器提供：(.*?)。")
_EXAMPLES = "vLLM 一般是 `http://127.0.0.1:8000/v1`，Ollama 一般是 `http://127.0.0.1:11434/v1`"


def explain(err: DrafterError, s: Settings | None = None) -> str:
    """A model-server error as advice about the fields on screen (服务地址, 模型名称, API 密钥).

    The library's messages name environment variables and command-line options for
    the CLI; in the app the writer fixes the fields of “起草方式” instead. Addresses
    are shown as code, so the page never turns them (and the words after them) into links.
    """
    url = f"`{s.openai_base_url}`" if s is not None and s.openai_base_url else "所填地址"
    model = s.openai_model if s is not None and s.openai_model else ""
    text = str(err)
    if isinstance(err, BackendAuthError):
        return f"模型服务 {url} 不接受所填的密钥：请核对“API 密钥”一栏（无需密钥的服务可留空）。"
    if isinstance(err, BackendUnavailable):
        if "没有应答" in text:
            return f"模型服务 {url} 长时间没有应答：请确认服务已启动且不忙，稍后再试；或改选“离线组合”。"
        if "暂时出错" in text:
            return f"模型服务 {url} 暂时出错：请稍后再试；或改选“离线组合”。"
        return (f"无法连接“服务地址”一栏中的 {url}：请核对地址和端口（{_EXAMPLES}），"
                "并确认模型服务已经启动；或改选“离线组合”。")
    if isinstance(err, BackendModelError):
        offered = _OFFERED.search(text)
        if "没有模型" in text:
            listed = f"该服务提供：{offered.group(1)}。" if offered else ""
            return f"已连上 {url}，但没有“模型名称”一栏所填的模型“{model}”。{listed}请改填其中之一。"
        return (f"模型服务 {url} 的应答无法识别：请确认“服务地址”指向 OpenAI 兼容接口（通常以 /v1 结尾），"
                "并核对“模型名称”；或改选“离线组合”。")
    if isinstance(err, BackendError):
        return f"调用模型服务 {url} 时出错：请核对“服务地址”“模型名称”“API 密钥”三栏；或改选“离线组合”。"
    return text


def _test(base: Settings) -> None:
    from drafter.drafting.llm import test_connection

    s = session_settings(base)
    if not s.openai_base_url:
        st.session_state["conn_msg"] = ("error", f"请先在“服务地址”一栏填写模型服务的地址（{_EXAMPLES}）。")
        return
    if not s.openai_model:
        st.session_state["conn_msg"] = ("error", "请先在“模型名称”一栏填写模型名称，如 qwen2.5:7b。")
        return
    try:
        ok = test_connection(s)
    except DrafterError as err:
        st.session_state["conn_msg"] = ("error", f"连接失败：{explain(err, s)}")
    else:
        st.session_state["conn_msg"] = ("success", ok.replace(str(s.openai_base_url), f"`{s.openai_base_url}`"))


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
            c1.text_input("服务地址", key="oa_base", placeholder="（未填写）",
                          help="模型服务的 OpenAI 兼容地址，通常以 /v1 结尾")
            c2.text_input("模型名称", key="oa_model", placeholder="（未填写）", help="如 qwen2.5:7b、deepseek-chat")
            st.text_input(
                "API 密钥",
                key="oa_key",
                type="password",
                placeholder="（无需密钥可不填）",
                help="只保存在本浏览器会话的内存中，不写入磁盘、数据库或日志；关闭页面即失效。",
            )
            st.caption(f"服务地址示例：{_EXAMPLES}。")
            st.button("测试连接", key="test_conn", on_click=_test, args=(s,))
            kind, msg = ss.pop("conn_msg", (None, None))
            if kind:
                say(kind, msg, code=True)  # the server's words escaped, secrets masked; the address as code
        else:
            st.caption("离线组合：根据数据表和知识库中的往年报告逐节组织文字，不调用任何模型，缺少的事实以“〔待补：…〕”标出。")
