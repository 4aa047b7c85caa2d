"""审核: the reviewer's desk for a whole batch of units' reports.

Upload a .zip or several files (and, optionally, last year's reports), review them
with a progress bar per file, then work through one sortable, filterable table:
click a row to see that report with its findings highlighted and, beside it, its
previous report or the most similar report of the batch aligned section by section.
Batches are saved: the reviewer comes back to one, marks reports 已复核 with a note,
and re-runs after units resubmit (the 变化 column says what changed since the last run).
The data come from :mod:`drafter.review.batch` and :mod:`drafter.storage.review_store`;
this module only lays them out.
"""

from __future__ import annotations

import html
from io import BytesIO
from pathlib import Path
from typing import Any

import streamlit as st

from drafter.checks.formulations import lists_for_unit
from drafter.errors import DrafterError
from drafter.review.batch import (
    BatchResult,
    ReviewedReport,
    inputs_from_uploads,
    review_batch,
    review_workdir,
)
from drafter.review.feedback import policy_cell, read_feedback_table
from drafter.review.xlsx import xlsx_bytes
from drafter.storage.review_access import ScopedReviewStore
from drafter.storage.review_store import ReviewStore

from ..state import Ctx
from ..widgets.dup_view import seen_units
from ..widgets.highlight import local_time, md_escape

__all__ = ["render", "review_store"]

_NEW = "__new__"
_STATUS_ICON = {"通过": "通过", "需修改": "需修改", "退回": "退回"}
_STATUS_BG = {"通过": "#c6efce", "需修改": "#ffeb9c", "退回": "#ffc7ce"}
_SEV_COLOR = {"error": "#ffd6d6", "warning": "#fff0b3", "info": "#dbeafe"}
_CATEGORY_ZH = {
    "placeholder": "占位符", "structure": "结构", "numbering": "编号", "figure": "数字",
    "proofread": "校对", "stale": "旧稿", "policy": "提法", "consistency": "数字矛盾", "dup": "重复", "basis": "依据",
}


@st.cache_resource(show_spinner=False)
def _store(db_url: str, _engine: Any) -> ReviewStore:
    return ReviewStore(_engine)


def review_store(ctx: Ctx) -> ReviewStore | ScopedReviewStore:
    """The review store on the app's database (one per process); on a team server seen
    through the signed-in person's rights (a reviewer: only the batches they created)."""
    store = _store(ctx.settings.db_url, ctx.repo.engine)
    who = getattr(ctx, "who", None)
    return store if who is None else ScopedReviewStore(store, who)


@st.cache_resource(show_spinner=False, max_entries=4)
def _kb(knowledge_dir: str, home: str, units: tuple[str, ...] | None, _settings: Any) -> list[Any]:
    """The knowledge base's reports for 查重: on a team server only the uploads this person may see."""
    from drafter.checks.dup import kb_sources
    from drafter.kb.scope import KnowledgeScope

    return kb_sources(_settings, scope=None if units is None else KnowledgeScope(frozenset(units)))


def _audit(ctx: Ctx, action: str, detail: str) -> None:
    """Record the action in the team server's audit log (nothing when running locally)."""
    record = getattr(ctx.repo, "record", None)  # ScopedRepository on the team server only
    if callable(record):
        record(action, None, detail)


# --------------------------------------------------------------------------- batch choice


def _pick_batch(ctx: Ctx, store: ReviewStore | ScopedReviewStore) -> int | None:
    batches = store.list_batches()
    ss = st.session_state
    options = [b.id for b in batches] + [_NEW]
    names = {b.id: f"{b.name}（{b.author + '，' if b.author else ''}{local_time(b.created_at, '%Y-%m-%d')}建）" for b in batches}
    names[_NEW] = "＋ 新建一批"
    if ss.get("review_batch") not in options:
        ss["review_batch"] = options[0]
    c1, c2 = st.columns([3, 2])
    choice = c1.selectbox("审核批次", options, format_func=names.get, key="review_batch")
    if choice == _NEW:
        name = c2.text_input("批次名称", key="review_new_name", placeholder="如：2025年度各单位报告")
        if c2.button("新建", key="review_create"):
            try:
                b = store.create_batch(name, author=ctx.author)
            except DrafterError as err:
                st.error(str(err))
                return None
            ss["review_batch_next"] = b.id
            st.rerun()
        return None
    with c2.popover("删除此批次"):
        st.caption("删除后，这一批的全部审核记录和复核意见都将清除，无法恢复。")
        sure = st.checkbox("确认删除", key=f"review_delete_sure_{choice}")
        if st.button("删除", key=f"review_delete_{choice}", disabled=not sure, type="primary"):
            store.delete_batch(int(choice))
            _audit(ctx, "review_delete", f"批次{choice}（{names.get(choice, '')}）")
            ss.pop("review_batch", None)
            ss["review_notice"] = f"已删除审核批次：{names.get(choice, '')}"
            st.rerun()
    return int(choice)


# --------------------------------------------------------------------------- running


def _run(ctx: Ctx, store: ReviewStore | ScopedReviewStore, batch_id: int, files: list[Any], previous: list[Any],
         last_table: Any = None) -> None:
    """Review the uploads with a progress bar per file, save the run (``last_table``: last year's 审核表)."""
    feedback = None
    if last_table is not None:  # issue 24: last year's 复核意见 as each unit's feedback
        try:
            feedback = read_feedback_table(BytesIO(last_table.getvalue()))
        except DrafterError as err:
            st.error(f"上年度审核表：{err}")
            return
    with review_workdir() as tmp:
        inputs, skipped = inputs_from_uploads([(f.name, f.getvalue()) for f in files], Path(tmp) / "batch")
        prev_inputs, prev_skipped = inputs_from_uploads([(f.name, f.getvalue()) for f in previous],
                                                        Path(tmp) / "previous")
        skipped += [{"file": f"（上年）{s['file']}", "reason": s["reason"]} for s in prev_skipped]
        bar = st.progress(0.0, text="准备审核……")
        log = st.status(f"逐份审核（共{len(inputs)}份）", expanded=False)

        def progress(done: int, total: int, name: str) -> None:
            frac = done / total if total else 1.0
            bar.progress(min(1.0, frac), text=f"正在审核第{min(done + 1, total)}/{total}份：{name}" if name
                         else f"已读完{total}份，正在比对上年报告和同批相似报告……")
            if name:
                log.write(f"第{done + 1}份：{name}")

        try:
            units = seen_units(getattr(ctx, "who", None))
            kb = _kb(str(ctx.settings.knowledge_dir), str(ctx.settings.home), units, ctx.settings)
            result = review_batch(inputs, previous=[p for _, p in prev_inputs], kb=kb, progress=progress,
                                  skipped=skipped, feedback=feedback, cache_dir=Path(ctx.settings.home) / "cache" / "review",
                                  policy_lists=lambda unit: lists_for_unit(ctx.settings, unit))
        except DrafterError as err:
            bar.empty()
            st.error(f"审核失败：{err}")
            return
        bar.progress(1.0, text=f"审核完成：{len(result.reports)}份，用时{result.seconds:.1f}秒")
        log.update(label=f"审核完成：{len(result.reports)}份可读，{len(result.skipped)}个文件未能读取",
                   state="complete")
    if not result.reports:
        st.error("没有可以读取的报告：" + "；".join(f"{s['file']}（{s['reason']}）" for s in result.skipped))
        return
    run_no = store.save_run(batch_id, result, author=ctx.author)
    _audit(ctx, "review_run", f"批次{batch_id} 第{run_no}次审核：{len(result.reports)}份")
    st.session_state["review_notice"] = f"第{run_no}次审核已保存：{len(result.reports)}份报告。"
    st.session_state["review_upload_nonce"] = int(st.session_state.get("review_upload_nonce", 0)) + 1
    st.rerun()


# --------------------------------------------------------------------------- table


def _pct(value: float | None) -> str:
    """A share as text that sorts right (padded: “  8.5%” before “ 30.6%”), “—” when unknown."""
    return "—" if value is None else f"{value * 100:5.1f}%"


#: The table's columns, left to right.
_COLUMN_ORDER = ["单位", "状态", "原因", "年度", "已复核", "缺少部分", "占位符", "数字矛盾", "与上年重复率",
                 "最相似单位", "相似度", "无依据", "提法", "变化", "文件"]


def _rows(result: BatchResult, marks: dict[str, Any], changes: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    seen: dict[str, int] = {}
    for r in result.reports:
        seen[r.unit or ""] = seen.get(r.unit or "", 0) + 1
    for r in result.reports:
        mark = marks.get(r.file)
        reviewed = bool(mark and mark.reviewed)
        change = changes.get(r.file)
        rows.append({
            "状态": _STATUS_ICON.get(r.status, r.status),
            # a unit not read, or read the same from two files (a generic title): which file it is
            "单位": r.unit if r.unit and seen[r.unit] == 1 else f"{r.unit or '（未识别）'} · {r.file}",
            "年度": str(r.year) if r.year else "—",  # never 「None」
            "原因": "；".join(r.reasons) or "—",
            "缺少部分": "、".join(r.missing_names) or "—",
            "占位符": r.placeholders,
            "数字矛盾": r.contradictions,
            "无依据": str(r.unsupported) if r.package else "—",  # 送审包 (issue 22)
            "提法": policy_cell(r.findings),
            "与上年重复率": _pct(r.previous_dup),
            "最相似单位": (r.similar or {}).get("unit") or "—",
            "相似度": _pct(r.similar["similarity"] if r.similar else None),
            "已复核": "✔ 已复核" if reviewed else "",
            "变化": change.summary if change is not None else "",
            "文件": r.file,
        })
    return rows


def _filtered(rows: list[dict[str, Any]], result: BatchResult) -> list[int]:
    c1, c2, c3 = st.columns([2, 2, 1])
    present = {r.status for r in result.reports}
    statuses = [s for s in ("通过", "需修改", "退回") if s in present] + sorted(present - {"通过", "需修改", "退回"})
    wanted = c1.multiselect("状态", statuses, default=statuses, key="review_status_filter")
    query = c2.text_input("查找单位或文件", key="review_query", placeholder="输入单位名称的一部分")
    pending = c3.checkbox("只看未复核", key="review_pending")
    keep = []
    for i, (row, r) in enumerate(zip(rows, result.reports, strict=True)):
        if r.status not in wanted:
            continue
        if query and query not in (r.unit or "") and query not in r.file:
            continue
        if pending and row["已复核"]:
            continue
        keep.append(i)
    return keep


# --------------------------------------------------------------------------- detail


def _highlighted(text: str, findings: list[dict[str, Any]]) -> str:
    spans = sorted(
        ((int(f.get("start") or 0), int(f.get("end") or 0), f) for f in findings
         if int(f.get("end") or 0) > int(f.get("start") or 0)),
        key=lambda x: (x[0], -x[1]),
    )
    out, pos = [], 0
    for s, e, f in spans:
        if s < pos or e > len(text):
            continue
        out.append(html.escape(text[pos:s]))
        color = "#e7f0ff" if f.get("category") == "dup" else _SEV_COLOR.get(str(f.get("severity")), "#eee")
        why = html.escape(f"{_CATEGORY_ZH.get(f.get('category', ''), '')}：{f.get('message', '')}", quote=True)
        out.append(f'<mark class="review-finding" title="{why}" style="background:{color}">'
                   f"{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _detail(ctx: Ctx, store: ReviewStore | ScopedReviewStore, batch_id: int, result: BatchResult, r: ReviewedReport,
            marks: dict[str, Any], changes: dict[str, Any]) -> None:
    st.markdown(f"#### {md_escape(r.unit or '单位未识别')} · {r.year or '年度未知'} · {md_escape(r.file)}")
    st.markdown(f"**{_STATUS_ICON.get(r.status, r.status)}**　" + md_escape("；".join(r.reasons) or "未发现需要修改的问题"))
    change = changes.get(r.file)
    if change is not None and change.kind != "same":
        st.info(f"与上次审核相比：{change.summary}")
    cols = st.columns(5)
    cols[0].metric("字数", r.chars)
    cols[1].metric("占位符", r.placeholders)
    cols[2].metric("数字矛盾", r.contradictions)
    cols[3].metric("与上年重复率", "—" if r.previous_dup is None else f"{r.previous_dup:.0%}")
    cols[4].metric("同批最高相似度", "—" if not r.similar else f"{r.similar['similarity']:.0%}")

    # 已复核 + note
    mark = marks.get(r.file)
    key = f"{batch_id}_{r.file}"
    with st.form(key=f"review_mark_form_{key}", border=True):
        done = st.checkbox("已复核", value=bool(mark and mark.reviewed), key=f"review_done_{key}")
        note = st.text_area("复核意见", value=mark.note if mark else "", key=f"review_note_{key}",
                            placeholder="如：已电话核实，数字无误；请补写存在问题部分", height=80)
        if st.form_submit_button("保存复核"):
            store.mark(batch_id, r.file, done, note=note, text_hash=r.text_hash, author=ctx.author)
            _audit(ctx, "review_mark", f"批次{batch_id} {r.file}：{'已复核' if done else '未复核'}")
            st.session_state["review_notice"] = f"已保存：{r.unit or r.file}{'已复核' if done else '未复核'}。"
            st.rerun()
    if mark is not None:
        when = local_time(mark.created_at)
        stale = mark.reviewed and mark.text_hash and mark.text_hash != r.text_hash
        st.caption(f"上次复核：{'已复核' if mark.reviewed else '未复核'}（{mark.author or '—'}，{when}）"
                   + ("；复核后报告已重新提交，请再看一遍" if stale else ""))

    if r.package:  # a 送审包: each sentence with its basis (issue 22)
        from ..widgets.basis_view import render_review_basis

        render_review_basis(r)
    tab_text, tab_cmp = st.tabs(["报告与问题", "与上年报告或相似报告对照"])
    with tab_text:
        left, right = st.columns([3, 2])
        with left:
            st.markdown(
                '<div class="review-text" style="line-height:1.9;border:1px solid #ddd;padding:8px 12px;'
                f'max-height:640px;overflow:auto">{_highlighted(r.text, r.findings)}</div>',
                unsafe_allow_html=True,
            )
        with right:
            if not r.findings:
                st.success("未发现问题。")
            for f in r.findings[:200]:
                tag = _CATEGORY_ZH.get(f.get("category", ""), f.get("category", ""))
                quote = f"「{f['text'][:40]}」" if f.get("text") else ""
                st.markdown(f"- [{tag}] {md_escape((f.get('section') or '开头') + '：' + quote + f.get('message', ''))}")
    with tab_cmp:
        from ..widgets import compare_view

        options = {}
        if r.previous_text:
            options["previous"] = f"本单位上年报告：{r.previous}"
        similar = result.report(r.similar["file"]) if r.similar else None
        if similar is not None:
            options["similar"] = f"同批最相似：{similar.unit or similar.file}（{r.similar['similarity']:.0%}）"
        if not options:
            st.info("没有找到本单位上年报告，也没有同批相似的报告。可在上方上传上年报告后重新审核。")
            return
        which = st.radio("与哪份对照", list(options), format_func=options.get, horizontal=True,
                         key=f"review_cmp_{key}")
        if which == "previous":
            compare_view.render_compare(st, r.previous_text, r.text, old_label="上年报告",
                                        new_label="本年报告", key=f"review_cmpv_{key}")
        elif similar is not None:
            compare_view.render_compare(st, similar.text, r.text, old_label=similar.unit or similar.file,
                                        new_label=r.unit or r.file, key=f"review_cmpv_{key}")


# --------------------------------------------------------------------------- page


def render(ctx: Ctx) -> None:
    """The 审核 tab."""
    ss = st.session_state
    who = getattr(ctx, "who", None)
    if who is not None and who.role not in ("reviewer", "admin"):
        st.subheader("审核：批量审核各单位报告", anchor=False)
        st.info("审核台供审核人和管理员使用；如需审核各单位报告，请联系管理员为你设置“审核人”角色。")
        return
    store = review_store(ctx)
    if "review_batch_next" in ss:
        ss["review_batch"] = ss.pop("review_batch_next")
    st.subheader("审核：批量审核各单位报告", anchor=False)
    st.caption("上传各单位的报告（.zip 压缩包或多个文件），逐份检查结构、占位符、编号、数字，"
               "与本单位上年报告和同批其他单位报告查重，按规则给出 通过 / 需修改 / 退回。")
    if notice := ss.pop("review_notice", None):
        st.success(notice)
    batch_id = _pick_batch(ctx, store)
    if batch_id is None:
        st.info("先新建一个审核批次，再上传报告。")
        return
    run = store.load_run(batch_id)
    nonce = int(ss.get("review_upload_nonce", 0))
    with st.expander("上传报告并审核" if run is None else "单位重新提交后：上传并重新审核", expanded=run is None):
        files = st.file_uploader("各单位报告（.zip 或多个文件：.docx .doc .wps .pdf .txt）", accept_multiple_files=True,
                                 key=f"review_files_{nonce}")
        previous = st.file_uploader("上年度报告（可选，按单位自动匹配；知识库中的往年报告也会用到）",
                                    accept_multiple_files=True, key=f"review_prev_{nonce}")
        last_table = st.file_uploader("上年度审核表（可选，.xlsx：其中的复核意见作为各单位的上年度反馈，查整改是否逐条回应）",
                                      type=["xlsx"], key=f"review_feedback_{nonce}")
        if st.button("开始审核", key="review_start", type="primary", disabled=not files):
            _run(ctx, store, batch_id, list(files or []), list(previous or []), last_table)
    if run is None:
        return
    result = run.result()
    marks = store.marks(batch_id)
    changes = store.changes(batch_id)
    counts: dict[str, int] = {}
    for r in result.reports:
        counts[r.status] = counts.get(r.status, 0) + 1
    cols = st.columns(5)
    cols[0].metric("报告", len(result.reports))
    for col, status in zip(cols[1:4], ("通过", "需修改", "退回"), strict=True):
        col.metric(status, counts.get(status, 0))
    cols[4].metric("已复核", sum(1 for r in result.reports if marks.get(r.file) and marks[r.file].reviewed))
    when = local_time(run.created_at)  # DRAFTER_TIMEZONE, as every time in the app
    st.caption(f"第{run.run_no}次审核（{when}）。点击表格中的一行查看该报告；表头可排序。")
    if result.skipped:
        with st.expander(f"未能读取的文件（{len(result.skipped)}）"):
            for s in result.skipped:
                st.markdown(f"- {md_escape(s['file'])}：{md_escape(s['reason'])}")

    rows = _rows(result, marks, changes)
    keep = _filtered(rows, result)
    import pandas as pd

    frame = pd.DataFrame([rows[i] for i in keep], columns=list(rows[0]) if rows else None)
    shown = frame.style.map(lambda v: f"background-color:{_STATUS_BG.get(str(v), '')}", subset=["状态"])
    event = st.dataframe(
        shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key=f"review_table_{batch_id}_{run.run_no}",
        # what a reviewer acts on first: who, the verdict and why (cells do not wrap, so 原因 gets
        # the width: at 1024 px about twenty characters of it beside the sidebar), then the counts
        column_order=[c for c in _COLUMN_ORDER if not rows or c in rows[0]],
        column_config={
            "状态": st.column_config.TextColumn("状态", width="small"),
            "单位": st.column_config.TextColumn("单位", width=150, pinned=True),
            "年度": st.column_config.TextColumn("年度", width="small"),
            "原因": st.column_config.TextColumn("原因", width="large",
                                                help="全文见下方“查看报告”：点击一行即可"),
            "已复核": st.column_config.TextColumn("已复核", width="small"),
            "缺少部分": st.column_config.TextColumn("缺少部分", width="small"),
            "占位符": st.column_config.NumberColumn("占位符", width="small"),
            "数字矛盾": st.column_config.NumberColumn("数字矛盾", width="small"),
            "与上年重复率": st.column_config.TextColumn("与上年重复率", alignment="right"),
            "相似度": st.column_config.TextColumn("相似度", alignment="right"),
        },
    )
    picked = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    files_shown = [result.reports[i].file for i in keep]
    if picked and picked[0] < len(files_shown):
        ss["review_pick"] = files_shown[picked[0]]
    c1, c2 = st.columns([3, 1])
    if files_shown:
        if ss.get("review_pick") not in files_shown:
            ss["review_pick"] = files_shown[0]
        labels = {r.file: f"{r.unit or '（未识别）'} · {r.file}" for r in result.reports}
        c1.selectbox("查看报告", files_shown, format_func=labels.get, key="review_pick")
    mark_pairs = {f: (m.reviewed, m.note) for f, m in marks.items()}
    c2.download_button("下载审核表 .xlsx", data=xlsx_bytes(result, mark_pairs), key="review_xlsx",
                       file_name="审核表.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if result.pairs:
        with st.expander(f"同批相似报告（{len(result.pairs)}对）"):
            st.dataframe([
                {"报告A": p.get("a_unit") or p["a"], "报告B": p.get("b_unit") or p["b"],
                 "相似度": round(p["similarity"] * 100, 1)} for p in result.pairs
            ], hide_index=True, width="stretch",
                column_config={"相似度": st.column_config.NumberColumn("相似度", format="%.1f%%")})
    pick = ss.get("review_pick")
    report = result.report(pick) if pick else None
    if report is not None:
        st.divider()
        _detail(ctx, store, batch_id, result, report, marks, changes)
