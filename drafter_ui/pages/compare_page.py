"""对照: a draft against its earlier versions, a past report, or two uploaded files.

The layout of the diff, stale-copy and numbers views comes from
:mod:`drafter_ui.widgets.compare_view`; this page only chooses what to compare.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from drafter.checks import check_text
from drafter.drafting.types import Draft
from drafter.errors import IngestError
from drafter.kb.catalog import previous_report
from drafter.kb.indexer import discover
from drafter.kb.ingest import read_text
from drafter.storage import StoredDraft

from ..safe_text import say
from ..state import Ctx
from ..widgets import compare_view
from ..widgets.highlight import author_label, backend_zh, local_time
from .facts_page import current_check

__all__ = ["draft_label", "render"]

_MODES = {
    "kb": "草稿与往年报告",
    "section": "本节的两个版本",
    "drafts": "两次起草的全文",
    "files": "任意两份材料",
}


def _text(d: StoredDraft) -> str:
    return Draft.from_dict(d.to_dict()).text()


def _kb_files(ctx: Ctx) -> list[Any]:
    if ctx.who is None:
        files, _ = discover(ctx.settings)
    else:  # team server: the bundled corpus and the uploads of the person's units only
        from drafter.kb.scope import KnowledgeScope
        from drafter.kb.uploads import ScopedUploads

        files = ScopedUploads(ctx.settings, KnowledgeScope.of(ctx.who)).files()
    return [f for f in files if not f.policy]


def _file_name(f: Any) -> str:
    return str(f.display_name)


def _read(f: Any) -> str | None:
    try:
        return read_text(f.path).text
    except IngestError as err:
        say("error", f"无法读取 {f.source}：{err.reason}")
        return None


def _section_versions(ctx: Ctx, draft: StoredDraft) -> None:
    labels = {s.section_id: s.heading or "开头" for s in draft.sections}
    sid = st.selectbox("哪一节", list(labels), format_func=labels.get, key="cmp_section")
    history = ctx.repo.section_history(draft.id, sid)
    if len(history) < 2:
        st.info("本节只有一个版本；修改或重新生成后即可对照。")
        return
    versions = [v.version for v in history]
    by_v = {v.version: v for v in history}
    c1, c2 = st.columns(2)
    old = c1.selectbox("原版本", versions, index=1, format_func=lambda v: f"第{v}版", key=f"cmp_old_{sid}")
    new = c2.selectbox("新版本", versions, index=0, format_func=lambda v: f"第{v}版", key=f"cmp_new_{sid}")
    a, b = by_v[old], by_v[new]
    compare_view.render_compare(
        None, f"{a.heading}\n{a.text}", f"{b.heading}\n{b.text}",
        old_label=f"第{old}版", new_label=f"第{new}版", key="cmp-section",
    )


def draft_label(n: int, row: tuple[int, str, str, Any]) -> str:
    """``第2稿 · 01-06 07:30 · 离线组合 · 王敏``: local time, the backend in Chinese, the 署名."""
    _id, backend, author, created = row
    return f"第{n}稿 · {local_time(created, '%m-%d %H:%M')} · {backend_zh(backend)} · {author_label(author)}"


def _drafts(ctx: Ctx, draft: StoredDraft) -> None:
    drafts = ctx.repo.list_drafts(draft.report_id)
    if len(drafts) < 2:
        st.info("只起草过一次；再次“生成全文”后即可对照两稿。")
        return
    ids = [d[0] for d in drafts]
    names = {d[0]: draft_label(len(drafts) - i, d) for i, d in enumerate(drafts)}
    c1, c2 = st.columns(2)
    old = c1.selectbox("原稿", ids, index=1, format_func=names.get, key="cmp_draft_old")
    new = c2.selectbox("新稿", ids, index=0, format_func=names.get, key="cmp_draft_new")
    a, b = ctx.repo.get_draft(old), ctx.repo.get_draft(new)
    if a and b:
        compare_view.render_compare(None, _text(a), _text(b), old_label=names[old], new_label=names[new],
                                    key="cmp-drafts")


def _against_kb(ctx: Ctx, draft: StoredDraft) -> None:
    files = _kb_files(ctx)
    if not files:
        st.info("知识库中没有可对照的报告。")
        return
    sheet = current_check().sheet
    year = sheet.year if sheet else None
    units = [sheet.unit, f"{sheet.unit}{sheet.org}"] if sheet else []
    default = next((p for u in units if (p := previous_report(files, u, year)) is not None), None)
    names = {f.source: _file_name(f) for f in files}
    sources = list(names)
    if default is None:
        who = sheet.unit if sheet else "本单位"  # 清河县教育局, not 清河县教育局局党组
        when = f"{year - 1}年度" if year else "上一年度"
        st.info(f"知识库中没有{who} {when}的报告（按识别出的单位和年度查找）。可在下面选一份往年报告对照，"
                "或到“知识库”页上传并核对其单位、年度。")
    pick = st.selectbox("往年报告（默认为本单位上一年度）", sources,
                        index=sources.index(default.source) if default is not None else None,
                        placeholder="请选择一份往年报告", format_func=names.get, key="cmp_kb")
    if pick is None:
        return
    old_text = _read(next(f for f in files if f.source == pick))
    if old_text is None:
        return
    new_text = _text(draft)
    compare_view.render_compare(None, old_text, new_text, old_label=names[pick], new_label="本稿", key="cmp-kb")
    st.markdown("#### 沿用旧稿")
    result = check_text(new_text, facts=sheet, against=[(pick, old_text)], categories=("stale",))
    compare_view.render_stale(None, result.doc.text, result)


def _two_files(ctx: Ctx) -> None:
    files = _kb_files(ctx)
    if len(files) < 2:
        st.info("至少需要两份材料（可在“知识库”页上传）。")
        return
    sources = [f.source for f in files]
    c1, c2 = st.columns(2)
    names = {f.source: _file_name(f) for f in files}
    a = c1.selectbox("材料一", sources, index=0, format_func=names.get, key="cmp_file_a")
    b = c2.selectbox("材料二", sources, index=1, format_func=names.get, key="cmp_file_b")
    ta = _read(next(f for f in files if f.source == a))
    tb = _read(next(f for f in files if f.source == b))
    if ta is not None and tb is not None:
        compare_view.render_compare(None, ta, tb, old_label=names[a], new_label=names[b], key="cmp-files")


def render(ctx: Ctx) -> None:
    """The 对照 tab."""
    draft = ctx.repo.latest_draft(ctx.report_id) if ctx.report_id is not None else None
    mode = st.radio("对照内容", list(_MODES), format_func=_MODES.get, horizontal=True, key="cmp_mode")
    if mode == "files":
        _two_files(ctx)
        return
    if draft is None:
        st.info("还没有草稿：请到“起草”页点击“生成全文”。")
        return
    {"section": _section_versions, "drafts": _drafts, "kb": _against_kb}[mode](ctx, draft)
    with st.expander("数字核对：文中每个数字及其依据"):
        compare_view.render_numbers(None, _text(draft), current_check().sheet)
