"""知识库: the bundled and uploaded documents, uploads, deletion, re-indexing, a search box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from drafter.errors import DrafterError
from drafter.kb.indexer import discover, index_knowledge
from drafter.kb.uploads import delete_upload, store_upload

from . import resources
from .highlight import md_escape
from .safe_text import md, say
from .state import Ctx, bump

__all__ = ["accept_upload", "render"]



def accept_upload(name: str, data: bytes, uploads_dir: Path, max_bytes: int) -> tuple[bool, str]:
    """Validate and store one uploaded file; returns (accepted, Chinese message)."""
    return store_upload(name, data, uploads_dir, max_bytes)


def _reindex(ctx: Ctx) -> None:
    bar = st.progress(0.0, text="正在更新索引……")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"{message}（{done}/{total}）")

    try:
        report = index_knowledge(ctx.settings, progress=progress)
    except DrafterError as err:
        bar.empty()
        st.session_state["kb_msgs"] = [("error", f"索引失败：{err}")]
        return
    bar.empty()
    resources.retriever(ctx.settings).refresh()
    msgs = st.session_state.setdefault("kb_msgs", [])
    msgs.append(("success", (
        f"索引已更新：新增{len(report.added)}个、更新{len(report.changed)}个、移除{len(report.removed)}个文件，"
        f"共{report.total_chunks}个段落（{report.seconds:.1f}秒）。"
    )))
    for source, reason in report.skipped:
        msgs.append(("warning", f"未收录 {source}：{reason}"))


def _upload(ctx: Ctx) -> None:
    files = st.file_uploader(
        f"上传往年报告或材料（.txt / .md / .docx，GBK 编码亦可；单个文件不超过 {ctx.settings.max_upload_mb:g} MB）",
        # no type filter: every rejected file gets its own Chinese reason below
        accept_multiple_files=True,
        key=f"kb_upload_{st.session_state.get('kb_nonce', 0)}",
    )
    if files and st.button("保存并加入知识库", key="kb_save", type="primary"):
        msgs: list[tuple[str, str]] = []
        accepted = 0
        for f in files:
            ok, msg = accept_upload(f.name, f.getvalue(), ctx.settings.uploads_dir, ctx.settings.max_upload_bytes)
            msgs.append(("success" if ok else "error", msg))
            accepted += ok
        st.session_state["kb_msgs"] = msgs
        if accepted:
            _reindex(ctx)
        bump("kb_nonce")
        st.rerun()


def _listing(ctx: Ctx) -> None:
    files, _skipped = discover(ctx.settings)
    bundled = [f for f in files if not f.source.startswith("uploads/")]
    uploaded = [f for f in files if f.source.startswith("uploads/")]
    st.markdown(f"**内置材料（{len(bundled)}）**")
    rows: list[dict[str, Any]] = []
    for f in bundled:
        rows.append({
            "文件": f.source,
            "类别": "政策摘编" if f.policy else "往年报告",
            "年度": str(f.meta.get("year") or ""),
            "标题": str(f.meta.get("title") or ""),
        })
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    st.markdown(f"**上传的材料（{len(uploaded)}）**")
    if not uploaded:
        st.caption("还没有上传的材料。")
    for f in uploaded:
        c1, c2 = st.columns([5, 1])
        size = f.path.stat().st_size if f.path.exists() else 0
        shown = f.meta.get("original_name") or f.source
        c1.markdown(md(f"{shown}（{size / 1024:.1f} KB）"))  # a file name is user text
        if ctx.may_manage_knowledge and c2.button("删除", key=f"kb_del_{f.source}"):
            delete_upload(f.path)
            st.session_state["kb_msgs"] = [("success", f"已删除 {f.source}")]
            _reindex(ctx)
            st.rerun()


def _search(ctx: Ctx) -> None:
    st.markdown("**试一试检索**")
    with st.form("kb_search_form", border=False):  # Enter in the box searches too
        c1, c2 = st.columns([5, 1])
        query = c1.text_input("检索内容", key="kb_query", placeholder="如：凡提四必 档案审核",
                              label_visibility="collapsed")
        searched = c2.form_submit_button("检索", key="kb_search")
    if searched and not query.strip():
        st.info("请先输入要检索的内容。")
    if searched and query.strip():
        try:
            with st.spinner("正在检索……"):
                passages = resources.retriever(ctx.settings).search(query.strip(), k=5)
        except DrafterError as err:
            st.error(f"检索失败：{err}")
            return
        if not passages:
            st.info("没有找到相关段落。")
        for p in passages:
            with st.container(border=True):
                st.markdown(f"**{md(p.source)}** · {md(p.heading or '（开头）')} · 相关度 {p.score:.3f}")
                st.markdown(md_escape(p.text))  # the samples' "**人" placeholders are not bold marks


def render(ctx: Ctx) -> None:
    """The 知识库 tab."""
    for kind, msg in st.session_state.pop("kb_msgs", []):
        say(kind, msg)  # messages name uploaded files
    if ctx.may_manage_knowledge:
        _upload(ctx)
        if st.button("重新索引", key="kb_reindex", help="扫描内置材料和上传目录，只处理新增或修改的文件"):
            _reindex(ctx)
            st.rerun()
    else:  # team server: the knowledge base is shared by every unit
        st.caption("知识库由全体用户共用，由管理员上传和删除材料；你可以查看和检索。")
    _listing(ctx)
    _search(ctx)
