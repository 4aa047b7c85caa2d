"""The sidebar: who is writing, the saved reports to reopen, a new report."""

from __future__ import annotations

import streamlit as st

from ..safe_text import md
from ..state import Ctx
from .highlight import local_time

__all__ = ["render"]


def _open(report_id: int | str) -> None:
    st.session_state["pending_open"] = report_id


def _remember_author() -> None:
    st.session_state["author_asked"] = True
    name = str(st.session_state.get("author") or "").strip()
    if name:
        st.query_params["by"] = name
    else:
        st.query_params.pop("by", None)


def render(ctx: Ctx) -> None:
    with st.sidebar:
        if ctx.who is None:  # on a team server the signed-in name is the author
            st.text_input(
                "署名",
                key="author",
                on_change=_remember_author,
                placeholder="（未填写）",
                help="保存每一版时记下的名字，便于多人协作时区分；不填则记为“未署名”",
            )
        c1, c2 = st.columns(2)
        if ctx.may_write:
            c1.button("新建报告", on_click=_open, args=("new",), key="new_report", width="stretch")
        else:  # a reviewer: the one button on the left, not alone on the right
            c2 = c1
        c2.button("全部报告", on_click=_open, args=("start",), key="to_start", width="stretch",
                  help="回到开始页：新建报告，或从列表中选择")
        st.subheader("已保存的报告")
        reports = ctx.repo.list_reports()
        if not reports:
            st.caption("还没有保存的报告。填写数据表后会自动保存。")
        for info in reports[:30]:
            current = info.id == ctx.report_id
            # 可起草 (valid), never 数据完整: the page may still say 还缺 (no figures, no highlights …)
            status = ("已起草" if info.drafts else ("可起草" if info.valid else "数据待完善"))
            st.button(
                f"{'▶ ' if current else ''}{md(info.label)}（{status}）",  # a unit name is user text
                key=f"open_{info.id}",
                on_click=_open,
                args=(info.id,),
                disabled=current,
                width="stretch",
                help=f"最后保存：{local_time(info.updated_at)}",
            )
        st.divider()
        s = ctx.settings
        if ctx.who is None or ctx.who.is_admin:  # where the database is: this machine's user or an admin only
            where = "外部数据库" if s.database_url else f"{s.home}/drafter.db"
            st.caption(f"数据保存在本机：{where}。API 密钥只保存在当前浏览器会话中，不写入磁盘、数据库或日志。")
        else:
            st.caption("数据保存在团队服务器上。API 密钥只保存在当前浏览器会话中，不写入磁盘、数据库或日志。")
