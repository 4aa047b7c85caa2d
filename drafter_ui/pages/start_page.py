"""The start page: what a fresh browser (no ``?report=`` in its address) sees.

A server is shared by a team; opening whatever report was saved last by someone
else surprised writers. The start page asks for the 署名 once and lets the writer
start a new report or choose one from the list.
"""

from __future__ import annotations

import streamlit as st

from ..state import Ctx
from ..widgets.highlight import local_time

__all__ = ["ask_author", "render", "set_author"]


def set_author(key: str) -> None:
    """Take the 署名 typed in ``key`` as this browser's name (kept in the page address)."""
    name = str(st.session_state.get(key) or "").strip()
    st.session_state["author"] = name
    st.session_state["author_asked"] = True
    if name:
        st.query_params["by"] = name
    else:
        st.query_params.pop("by", None)


def _skip() -> None:
    st.session_state["author_asked"] = True


def ask_author(ctx: Ctx | None = None) -> None:
    """Ask for the 署名 once per browser session, until it is given or declined.

    Not on a team server: there the signed-in person's name is the author.
    """
    ss = st.session_state
    if ctx is not None and ctx.who is not None:
        return
    if str(ss.get("author") or "").strip() or ss.get("author_asked"):
        return
    with st.container(border=True, key="ask_author"):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.text_input(
            "您的署名（记在您保存的每一版上，便于多人协作时区分；只问一次，可在左侧随时修改）",
            key="author_prompt",
            placeholder="（未填写）",
            on_change=set_author,
            args=("author_prompt",),
        )
        c2.button("暂不填写", key="author_skip", on_click=_skip, width="stretch")


def _open(report_id: int | str) -> None:
    st.session_state["pending_open"] = report_id


def render(ctx: Ctx) -> None:
    """Start a new report or open a saved one."""
    st.markdown("#### 开始")
    ask_author(ctx)
    if ctx.may_write:
        st.button("新建报告", key="start_new", type="primary", on_click=_open, args=("new",))
    if ctx.who is None or ctx.who.role in ("reviewer", "admin"):
        st.button("批量审核各单位报告（审核台）", key="start_review", on_click=_open, args=("review",))
    reports = ctx.repo.list_reports()
    st.markdown(f"**已保存的报告（{len(reports)}）**")
    if not reports:
        st.caption("还没有保存的报告。点击“新建报告”，填写数据表后会自动保存。")
        return
    query = st.text_input("按单位或年度查找", key="start_query", placeholder="（输入单位名称或年度）")
    q = query.strip()
    shown = [r for r in reports if not q or q in r.label][:50]
    if not shown:
        st.caption("没有符合的报告。")
    for info in shown:
        status = "已起草" if info.drafts else ("数据完整" if info.valid else "数据待完善")
        with st.container(border=True, key=f"start_item_{info.id}"):
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.markdown(f"**{info.label}**　{status} · 最后保存 {local_time(info.updated_at)}")
            c2.button("打开", key=f"start_open_{info.id}", on_click=_open, args=(info.id,), width="stretch")
