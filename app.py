"""drafter's web app: layout and wiring only (the pages live in ``drafter_ui/``).

    streamlit run app.py

A fresh browser (no ``?report=``) sees the start page; then the tabs:
数据填报 · 起草 · 检查 · 知识库 · 对照 · 审核. Only the open tab runs on a rerun, and
heavy resources (database engine, index, drafting engine) are created once per
process in ``drafter_ui.resources``.
"""

from __future__ import annotations

import streamlit as st

from drafter.errors import AccessDenied
from drafter_ui import auth_gate, layout, resources, safe_text, state
from drafter_ui.pages import (
    admin_page,
    checks_page,
    compare_page,
    draft_page,
    facts_page,
    kb_page,
    review_page,
    start_page,
)
from drafter_ui.widgets import sidebar

st.set_page_config(page_title="干部选拔任用工作报告 · 起草助手", page_icon="📝", layout="wide")
safe_text.install_csp()  # the page loads nothing from any other host (drafter_ui/safe_text.py)

layout.inject()  # Chinese for Streamlit's own words, narrow-screen layout
# first page load (even the sign-in page): index build / model load start in the background
resources.start_knowledge_base(resources.settings())
who = auth_gate.require(state.resources.settings())  # stops here until signed in (team server)
ctx = state.init(who)
if who is not None:
    auth_gate.narrow_badge(who)  # at 390 px the sidebar is collapsed: who and 退出登录 stay on screen
st.markdown("### 干部选拔任用工作报告 · 起草助手")
st.caption(
    "① 数据填报：填单位、年度和本年度数据（自动保存）→ ② 起草：生成全文，逐节修改 → "
    "③ 检查：核对占位符、数字和结构 → 导出 Word。往年报告在“知识库”，新旧稿对照在“对照”。"
)
if notice := st.session_state.pop("notice", None):
    st.warning(notice)
resources.knowledge_banner(ctx.settings)  # its progress, until the knowledge base is ready
if who is not None and who.role == "reviewer":
    st.info("你以审核人身份登录：可以查看所负责单位的报告，不能修改。")
if st.session_state.get("start"):
    state.drawing("start")
    st.query_params.pop("tab", None)  # the tab to come back to belongs to an open report
    start_page.render(ctx)
    if who is not None:
        auth_gate.sidebar_badge(who)
    sidebar.render(ctx)
    st.stop()
start_page.ask_author(ctx)

PAGES = {
    "数据填报": facts_page.render,
    "起草": draft_page.render,
    "检查": checks_page.render,
    "知识库": kb_page.render,
    "对照": compare_page.render,
    "审核": review_page.render,
}

if who is not None and who.is_admin:
    PAGES["管理"] = lambda c: admin_page.render(c, who)

state.restore_tab(list(PAGES))  # a reload comes back to the tab the writer was on (?tab=)
tabs = st.tabs(list(PAGES), key="nav", on_change="rerun")
for (name, render), tab in zip(PAGES.items(), tabs):
    if tab.open:
        state.remember_tab(name, first=name == next(iter(PAGES)))
        if name != "数据填报":  # that page notes itself, after giving its widgets the form
            facts_page.keep_typed(ctx)  # a tab clicked straight from a box: what was typed is kept
            state.drawing(name)
        with tab:
            try:
                render(ctx)
            except AccessDenied as err:
                st.error(str(err))
if who is not None:
    auth_gate.sidebar_badge(who)
sidebar.render(ctx)  # after the pages, so a report created on this run is listed
