"""知识库: the bundled and uploaded documents, uploads, deletion, re-indexing, a search box.

On a team server everything here goes through the signed-in person's rights
(:class:`~drafter.kb.uploads.ScopedUploads`, :class:`~drafter.kb.scope.ScopedRetriever`):
the list, the search and the delete buttons cover the bundled corpus and the uploads
of their units only; a writer uploads for their own unit, an admin chooses the units.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from drafter.errors import DrafterError
from drafter.kb.catalog import GENRES, meta_of, write_meta
from drafter.kb.filenames import tolerant_name
from drafter.kb.indexer import IndexStatus, build_lock, discover, index_knowledge
from drafter.kb.ingest import SUPPORTED_TEXT
from drafter.kb.meta import DocMeta, display_name
from drafter.kb.scope import KnowledgeScope, owner_units
from drafter.kb.uploads import ScopedUploads, delete_upload, store_upload
from drafter.text.limits import MAX_SEARCH_CHARS, check_query

from .. import resources
from ..safe_text import md, say
from ..state import Ctx, bump
from ..widgets.highlight import md_escape
from ..widgets.unit_lists_panel import unit_lists_panel

__all__ = ["accept_upload", "render", "source_names"]



def accept_upload(name: str, data: bytes, uploads_dir: Path, max_bytes: int) -> tuple[bool, str]:
    """Validate and store one uploaded file; returns (accepted, Chinese message)."""
    return store_upload(name, data, uploads_dir, max_bytes)


@st.cache_data(ttl=15, show_spinner=False)
def _names(knowledge_dir: str, uploads_dir: str) -> dict[str, str]:
    from drafter.settings import get_settings

    settings = get_settings()
    return {f.source: f.display_name for f in discover(settings)[0] if not f.policy}


@st.cache_data(show_spinner=False, max_entries=64)
def _policy_title(path: str) -> str:
    """A policy digest by what it holds (「政策摘编：一报告两评议、报告中的数字等3条」), never its file name."""
    from drafter.text.safe_yaml import load_yaml

    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, DrafterError, UnicodeDecodeError):
        return "政策摘编"
    if isinstance(data, dict) and isinstance(data.get("title"), str):
        return data["title"]
    items = data.get("items") if isinstance(data, dict) else None
    titles = [str(i.get("title")) for i in items or [] if isinstance(i, dict) and i.get("title")]
    if not titles:
        return "政策摘编"
    shown = "、".join(titles[:2])
    return f"政策摘编：{shown}" + (f"等{len(titles)}条" if len(titles) > 2 else "")


def source_names() -> dict[str, str]:
    """“单位 · 年度 · 标题” of every report in the knowledge base, by source (cached briefly)."""
    from drafter.settings import get_settings

    settings = get_settings()
    return _names(str(settings.knowledge_dir), str(settings.uploads_dir))


def _scoped(ctx: Ctx) -> ScopedUploads | None:
    """The uploads as the signed-in person may use them; None in local single-user mode."""
    return None if ctx.who is None else ScopedUploads(ctx.settings, KnowledgeScope.of(ctx.who))


def _files(ctx: Ctx) -> list[Any]:
    scoped = _scoped(ctx)
    return discover(ctx.settings)[0] if scoped is None else scoped.files()


def _known_units(ctx: Ctx) -> list[str]:
    """Every unit some account belongs to (what an admin can give an upload to)."""
    from drafter.storage.team import open_accounts

    units = {u for user in open_accounts(ctx.settings).list_users() for u in user.units}
    return sorted(units)


def _may_upload(ctx: Ctx) -> bool:
    return ctx.who is None or ctx.who.role in ("writer", "admin")


def _reindex(ctx: Ctx) -> None:
    bar = st.progress(0.0, text="正在更新索引……")

    def progress(status: IndexStatus) -> None:
        if status.phase == "scan":
            share = 0.05 * (status.files_done / status.files_total if status.files_total else 1.0)
        elif status.chunks_total:
            share = 0.05 + 0.95 * status.chunks_done / status.chunks_total
        else:
            share = 1.0
        bar.progress(min(1.0, share), text=f"正在更新索引：{status.summary()}")

    try:
        with build_lock(ctx.settings):  # not while the start-up build of this home runs
            report = index_knowledge(ctx.settings, on_status=progress)
    except DrafterError as err:
        bar.empty()
        st.session_state["kb_msgs"] = [("error", f"索引失败：{err}")]
        return
    bar.empty()
    resources.retriever(ctx.settings).refresh()
    msgs = st.session_state.setdefault("kb_msgs", [])
    if not ctx.may_manage_knowledge:  # a writer: other units' files are not named, not even counted
        msgs.append(("success", f"索引已更新（{report.seconds:.1f}秒）。"))
        return
    msgs.append(("success", (
        f"索引已更新：新增{len(report.added)}个、更新{len(report.changed)}个、移除{len(report.removed)}个文件，"
        f"共{report.total_chunks}个段落（{report.seconds:.1f}秒）。"
    )))
    for source, reason in report.skipped:
        msgs.append(("warning", f"未收录 {source}：{reason}"))


def _upload(ctx: Ctx) -> None:
    files = st.file_uploader(
        f"上传往年报告或材料（{SUPPORTED_TEXT}，GBK 编码亦可；单个文件不超过 {ctx.settings.max_upload_mb:g} MB）",
        # no type filter: every rejected file gets its own Chinese reason below
        accept_multiple_files=True,
        key=f"kb_upload_{st.session_state.get('kb_nonce', 0)}",
    )
    scoped = _scoped(ctx)
    chosen: list[str] = []
    if scoped is not None and scoped.scope.sees_everything:  # an admin says whose the files are
        chosen = st.multiselect(
            "这些材料属于哪些单位", _known_units(ctx), key=f"kb_units_{st.session_state.get('kb_nonce', 0)}",
            placeholder="不选：仅管理员可见", help="所选单位的撰写人和审核人可以看到、检索这些材料",
        )
    elif scoped is not None:
        mine = "、".join(sorted(scoped.scope.units or ())) or "（未分配单位）"
        st.caption(f"上传的材料属于本单位（{mine}）：只有本单位的人员、所负责的审核人和管理员能看到和检索。")
    if files and st.button("保存并加入知识库", key="kb_save", type="primary"):
        msgs: list[tuple[str, str]] = []
        accepted = 0
        for f in files:
            if scoped is None:
                ok, msg = accept_upload(f.name, f.getvalue(), ctx.settings.uploads_dir,
                                        ctx.settings.max_upload_bytes)
            else:
                ok, msg = scoped.store(f.name, f.getvalue(), chosen)
            msgs.append(("success" if ok else "error", msg))
            accepted += ok
        st.session_state["kb_msgs"] = msgs
        if accepted:
            _reindex(ctx)
        bump("kb_nonce")
        st.rerun()


def _listing(ctx: Ctx) -> None:
    files = _files(ctx)
    scoped = _scoped(ctx)
    bundled = [f for f in files if not f.source.startswith("uploads/")]
    uploaded = [f for f in files if f.source.startswith("uploads/")]
    st.markdown(f"**内置材料（{len(bundled)}）**")
    rows: list[dict[str, Any]] = []
    for f in bundled:
        m = meta_of(f.meta, f.source)
        rows.append({
            "报告": f.display_name if not f.policy else _policy_title(str(f.path)),
            "类别": "政策摘编" if f.policy else GENRES.get(m.genre, m.genre),
            "单位": "" if f.policy else (m.unit or "未识别"),
            "年度": "" if f.policy else (str(m.year) if m.year else "未识别"),
        })
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    st.markdown(f"**上传的材料（{len(uploaded)}）**")
    if not uploaded:
        st.caption("还没有上传的材料。")
    for f in uploaded:
        c1, c2 = st.columns([5, 1])
        size = f.path.stat().st_size if f.path.exists() else 0
        shown = f.meta.get("original_name") or tolerant_name(f.path.name)
        owners = ""
        if scoped is not None:
            owners = "，属于" + "、".join(owner_units(f.meta)) if owner_units(f.meta) else "，仅管理员可见"
        c1.markdown(md(f"{f.display_name}（{shown}，{size / 1024:.1f} KB{owners}）"))  # names are user text
        may_change = scoped.may_change(f) if scoped is not None else ctx.may_manage_knowledge
        if may_change and c2.button("删除", key=f"kb_del_{f.source}"):
            if scoped is None:
                delete_upload(f.path)
            else:
                scoped.delete(f.source)
            st.session_state["kb_msgs"] = [("success", f"已删除“{f.display_name}”")]
            _reindex(ctx)
            st.rerun()
        if may_change:
            with c1.expander("修改单位、年度、标题、文种"):
                _edit_meta(ctx, f)


def _edit_meta(ctx: Ctx, f: Any) -> None:
    """The writer corrects what was detected; saved beside the file and re-indexed."""
    m = meta_of(f.meta, f.source)
    genres = list(GENRES)
    with st.form(f"kb_meta_{f.source}", border=False):
        a, b = st.columns([3, 1])
        unit = a.text_input("单位", value=m.unit or "", key=f"kb_unit_{f.source}",
                            placeholder="如：江源市水务局党组")
        year = b.text_input("年度", value=str(m.year or ""), key=f"kb_year_{f.source}", placeholder="如：2024")
        title = st.text_input("标题", value=m.title or "", key=f"kb_title_{f.source}")
        genre = st.selectbox("文种", genres, index=genres.index(m.genre) if m.genre in genres else 0,
                             format_func=GENRES.get, key=f"kb_genre_{f.source}")
        scoped = _scoped(ctx)
        owners: list[str] | None = None
        if scoped is not None and scoped.scope.sees_everything:
            current = list(owner_units(f.meta))
            owners = st.multiselect("属于哪些单位", sorted({*_known_units(ctx), *current}), default=current,
                                    key=f"kb_owners_{f.source}", placeholder="不选：仅管理员可见")
        saved = st.form_submit_button("保存")
    if not saved:
        return
    year_text = year.strip()
    if year_text and not (year_text.isdigit() and 1949 <= int(year_text) <= 2100):
        st.error(f"年度“{year_text}”不对：请填写四位年份，如 2024（其余内容未保存，请改正后再点保存）。")
        return
    new = DocMeta(unit=unit.strip() or None, year=int(year_text) if year_text else None,
                  title=title.strip() or None, genre=str(genre))
    try:
        if scoped is None:
            write_meta(f.path, new, keep=("original_name",))
        else:
            scoped.write_meta(f.source, new, owners)
    except (DrafterError, OSError) as err:
        st.error(f"保存失败：{err}")
        return
    st.session_state["kb_msgs"] = [("success", f"已保存：{display_name(new)}")]
    _reindex(ctx)
    st.rerun()


def _search(ctx: Ctx) -> None:
    st.markdown("**试一试检索**")
    with st.form("kb_search_form", border=False):  # Enter in the box searches too
        c1, c2 = st.columns([5, 1])
        query = c1.text_input("检索内容", key="kb_query", placeholder="如：凡提四必 档案审核",
                              label_visibility="collapsed", max_chars=MAX_SEARCH_CHARS)
        searched = c2.form_submit_button("检索", key="kb_search")
    if searched and not query.strip():
        st.info("请先输入要检索的内容。")
    if searched and query.strip():
        try:
            check_query(query)  # the box holds no more; a scripted post could
            with st.spinner("正在检索……"):
                passages = resources.scoped_retriever(ctx.settings, ctx.who).search(query.strip(), k=5)
        except DrafterError as err:
            st.error(f"检索失败：{err}")
            return
        if not passages:
            st.info("没有找到相关段落。")
        names = {f.source: f.display_name for f in _files(ctx) if not f.policy}
        for p in passages:
            with st.container(border=True):
                name = names.get(p.source) or p.citation or p.title or "政策文件"
                st.markdown(f"**{md_escape(name)}** · {md_escape(p.heading or '（开头）')} · 相关度 {p.score:.3f}")
                st.markdown(md_escape(p.text))  # the samples' "**人" placeholders are not bold marks


def render(ctx: Ctx) -> None:
    """The 知识库 tab."""
    for kind, msg in st.session_state.pop("kb_msgs", []):
        say(kind, msg)  # messages name uploaded files
    if _may_upload(ctx):
        _upload(ctx)
    if ctx.may_manage_knowledge:
        if st.button("重新索引", key="kb_reindex", help="扫描内置材料和上传目录，只处理新增或修改的文件"):
            _reindex(ctx)
            st.rerun()
    elif not _may_upload(ctx):  # a reviewer on the team server
        st.caption("你可以查看和检索内置材料及所负责单位上传的材料；上传和删除由各单位撰写人或管理员操作。")
    _listing(ctx)
    unit_lists_panel(ctx)  # issue 24: the unit's own 规范提法 lists
    _search(ctx)
