"""起草: backend, outline, "生成全文" with live progress, then one panel per section."""

from __future__ import annotations

from typing import Any

import streamlit as st

from drafter.drafting.outline import Outline
from drafter.drafting.types import Draft, SectionDraft
from drafter.errors import DrafterError
from drafter.facts import FactSheet
from drafter.outline_text import from_chinese, outline_gaps, part_names, to_chinese
from drafter.storage import StoredDraft

from . import backend, resources, section_panel
from .facts_page import current_check
from .runner import QueueCallbacks, run_job
from .state import Ctx, bump

__all__ = ["render"]


def _outline_obj(ctx: Ctx, sheet: FactSheet) -> Outline | None:
    data = st.session_state.get("outline")
    return Outline.from_dict(data) if data else None


def _store_outline(ctx: Ctx, outline: Outline) -> None:
    rev, conflict = ctx.repo.save_outline(
        ctx.report_id, outline.to_dict(), base_rev=st.session_state.get("outline_rev")
    )
    st.session_state["outline"] = outline.to_dict()
    st.session_state["outline_rev"] = rev
    if conflict:
        st.session_state["outline_msg"] = ("warning", "另一会话也修改过提纲；已保存您的版本。")
    bump("outline_nonce")


def _outline(ctx: Ctx, sheet: FactSheet | None) -> None:
    ss = st.session_state
    with st.expander("提纲（起草前可修改）", expanded=ss.get("outline") is None, key="exp_outline"):
        if sheet is None:
            st.caption("数据表完整后可生成提纲。")
            return
        outline = _outline_obj(ctx, sheet)
        if st.button("按数据表生成提纲" if outline is None else "按数据表重新生成提纲", key="make_outline",
                     help="根据数据表和往年报告拟定各部分标题；重新生成会替换当前提纲"):
            try:
                engine = resources.engine_for(backend.session_settings(ctx.settings))
                with st.spinner("正在检索往年报告、生成提纲……"):
                    outline = engine.outline(sheet)
            except DrafterError as err:
                st.error(f"无法生成提纲：{err}")
            else:
                _store_outline(ctx, outline)
        if outline is None:
            st.caption("也可以直接点击“生成全文”，将按数据表自动生成提纲。")
            return
        key = f"outline_text_{ss.get('outline_nonce', 0)}"
        if key not in ss:
            ss[key] = to_chinese(outline.to_text(), outline.genre)
        st.text_area(
            "提纲",
            key=key,
            height=max(200, min(560, 24 * (ss[key].count("\n") + 2))),
            help=(
                "每行一个标题：顶格的“- 标题 [部分]”为一级标题，方括号里是它属于报告的哪一部分"
                f"（{'、'.join(part_names(outline.genre).values())}）；缩进两格的“- 标题”为小标题；"
                "“+ ”开头的行是该处要写入的亮点。可增删、改写、调换顺序。"
            ),
        )
        if st.button("保存提纲", key="save_outline"):
            try:
                edited = Outline.from_text(from_chinese(ss[key], outline.genre), genre=outline.genre, base=outline)
            except DrafterError as err:
                st.error(f"提纲有误：{err}。请改正后再保存。")
            else:
                text = ss[key]
                _store_outline(ctx, edited)
                ss[f"outline_text_{ss.get('outline_nonce', 0)}"] = text
                ss["outline_msg"] = ("success", "提纲已保存，生成全文时按此提纲起草。")
        kind, msg = ss.pop("outline_msg", (None, None))
        if kind:
            getattr(st, kind)(msg)


def _saver(ctx: Ctx, draft_id: int, order: list[str]) -> Any:
    author, repo = ctx.author, ctx.repo  # read here: the saver runs on worker threads, without a session

    def save(section: SectionDraft) -> None:
        position = order.index(section.id) if section.id in order else None
        repo.add_section_version(draft_id, section, kind="generated", author=author, position=position)

    return save


def _generate(ctx: Ctx, sheet: FactSheet) -> None:
    s = backend.session_settings(ctx.settings)
    engine = resources.engine_for(s)
    outline = _outline_obj(ctx, sheet)
    if outline is None:
        with st.spinner("正在生成提纲……"):
            outline = engine.outline(sheet)
        _store_outline(ctx, outline)
    order = [sec.id for sec in outline.sections]
    headings = {sec.id: sec.title for sec in outline.sections}
    draft_id = ctx.repo.start_draft(
        ctx.report_id, outline.title, outline=outline.to_dict(), order=order, backend=s.backend, author=ctx.author
    )
    cb = QueueCallbacks(_saver(ctx, draft_id, order), headings)
    try:
        draft = run_job(lambda c: engine.draft(sheet, outline, callbacks=c), cb, list(order))
    except DrafterError as err:
        st.session_state["draft_msg"] = ("error", f"起草中断：{err}。已完成的部分已保存。")
        return
    for section in draft.sections:  # anything the callbacks did not deliver
        cb._save(section)
    ctx.repo.set_order(draft_id, [sec.id for sec in draft.sections])
    failed = [sec.heading or "开头" for sec in draft.sections if sec.status != "ok"]
    if cb.save_errors:
        st.session_state["draft_msg"] = ("error", "部分内容保存失败：" + "；".join(cb.save_errors))
    elif failed:
        st.session_state["draft_msg"] = (
            "warning",
            f"全文已生成，但{len(failed)}节失败（{'、'.join(failed)}）。可点击下方“重试失败的部分”，或在该节点击“重新生成本节”。",
        )
    else:
        st.session_state["draft_msg"] = ("success", f"全文已生成（{len(draft.sections)}节），并已保存。")
    bump("draft_nonce")


def _retry_failed(ctx: Ctx, stored: StoredDraft, sheet: FactSheet) -> None:
    """Redraft only the failed sections (``DraftEngine.retry_failed``); finished ones stay as they are."""
    s = backend.session_settings(ctx.settings)
    engine = resources.engine_for(s)
    current = Draft.from_dict(stored.to_dict())
    if stored.outline:
        current.outline = stored.outline  # type: ignore[attr-defined]  # the engine reads it back
    base = {sec.section_id: sec.version for sec in stored.sections}
    failed = [sec.section_id for sec in stored.sections if sec.status != "ok"]
    author, repo, draft_id = ctx.author, ctx.repo, stored.id  # the saver runs on worker threads

    def save(section: SectionDraft) -> None:
        if section.status == "ok":  # a section failing again keeps its earlier (failed) version
            repo.add_section_version(draft_id, section, kind="generated", author=author,
                                     base_version=base.get(section.id))

    headings = {sec.section_id: sec.heading for sec in stored.sections}
    cb = QueueCallbacks(save, headings)
    try:
        new = run_job(lambda c: engine.retry_failed(current, sheet, callbacks=c), cb, list(failed))
    except DrafterError as err:
        st.session_state["draft_msg"] = ("error", f"重试中断：{err}。已完成的部分已保存。")
        return
    for section in new.sections:
        if section.id in failed:
            cb._save(section)
    still = [sec.heading or "开头" for sec in new.sections if sec.id in failed and sec.status != "ok"]
    if cb.save_errors:
        st.session_state["draft_msg"] = ("error", "部分内容保存失败：" + "；".join(cb.save_errors))
    elif still:
        st.session_state["draft_msg"] = (
            "warning", f"重试后仍有{len(still)}节失败（{'、'.join(still)}）：请检查模型服务后再试。"
        )
    else:
        st.session_state["draft_msg"] = ("success", f"失败的{len(failed)}节已重新生成，并已保存。")
    bump("draft_nonce")


def render(ctx: Ctx) -> None:
    """The 起草 tab."""
    backend.render(ctx)
    if ctx.report_id is None:
        st.info("请先在“数据填报”页填写单位、年度等数据，再来起草。")
        return
    check = current_check()
    sheet = check.sheet
    if sheet is None:
        n = sum(len(v) for v in check.problems.values())
        st.warning(f"数据表还有{n}处需要修正（见“数据填报”页），修正后才能生成全文。")
    _outline(ctx, sheet)
    saved_outline = st.session_state.get("outline")
    gaps = outline_gaps(Outline.from_dict(saved_outline), sheet) if sheet is not None and saved_outline else []
    if gaps:
        st.warning(
            "提纲生成后数据表又有补充，以下内容提纲里还没有，起草时不会写入：" + "；".join(gaps)
            + "。请展开“提纲”，点击“按数据表重新生成提纲”，或手工加入后保存。"
        )
    draft = ctx.repo.latest_draft(ctx.report_id)
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    again = draft is not None
    if c1.button("重新生成全文" if again else "生成全文", type="primary", key="generate", disabled=sheet is None,
                 help="按提纲逐节起草；重新生成会另存为新的一稿，旧稿仍可在“对照”页查看"):
        try:
            _generate(ctx, sheet)  # type: ignore[arg-type]  # disabled without a sheet
        except DrafterError as err:
            st.session_state["draft_msg"] = ("error", f"无法起草：{err}")
        st.rerun()  # the buttons above (label, retry) reflect the new draft
    if draft is None:
        c2.caption(f"还没有草稿：点击“生成全文”，{resources.draft_time_hint(ctx.settings)}。")
    failed = [sec for sec in draft.sections if sec.status != "ok"] if draft is not None else []
    if failed and c2.button(f"重试失败的部分（{len(failed)}节）", key="retry_failed", disabled=sheet is None):
        try:
            _retry_failed(ctx, draft, sheet)  # type: ignore[arg-type]
        except DrafterError as err:
            st.session_state["draft_msg"] = ("error", f"无法重试：{err}")
        st.rerun()
    kind, msg = st.session_state.pop("draft_msg", (None, None))
    flash = st.empty()  # always there, so what follows keeps its place (and its open expanders)
    if kind:
        getattr(flash, kind)(msg)
    if draft is None:
        return
    section_panel.render_draft(ctx, draft, sheet)
