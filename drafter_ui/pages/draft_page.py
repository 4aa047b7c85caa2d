"""起草: backend, outline, "生成全文" with live progress, then one panel per section.

Long jobs (生成全文, 重试失败的部分, 重新生成数据已变的各节) are started by a button's
callback and run in the next script run in a fixed slot (``job_slot``) while the
draft's own slot (``area``) is emptied at once: neither the old draft nor
“还没有草稿” flashes while the new one is written.
Every slot on the page is created on every run, in the same order, for the same
reason (Streamlit replaces elements by position).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from drafter.drafting.outline import Outline
from drafter.drafting.types import Draft, SectionDraft
from drafter.errors import DrafterError
from drafter.facts.sheet import FactSheet, parse_facts
from drafter.storage import SectionVersion, StoredDraft
from drafter.text.outline_text import from_chinese, outline_gaps, part_names, to_chinese

from .. import backend, resources
from ..runner import QueueCallbacks, run_job
from ..safe_text import say
from ..staleness import apply_updates, figure_updates, new_mismatches
from ..state import Ctx, bump
from ..widgets import section_panel
from ..widgets.highlight import md_escape
from .facts_page import current_check, save_form

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
        ro = not ctx.may_write
        if st.button("按数据表生成提纲" if outline is None else "按数据表重新生成提纲", key="make_outline", disabled=ro,
                     help="根据数据表和往年报告拟定各部分标题；重新生成会替换当前提纲"):
            try:
                engine = resources.engine_for(backend.session_settings(ctx.settings), ctx.who)
                with st.spinner("正在检索往年报告、生成提纲……"):
                    outline = engine.outline(sheet)
            except DrafterError as err:
                say("error", f"无法生成提纲：{err}")
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
            disabled=ro,
            height=max(200, min(560, 24 * (ss[key].count("\n") + 2))),
            help=(
                "每行一个标题：顶格的“- 标题 [部分]”为一级标题，方括号里是它属于报告的哪一部分"
                f"（{'、'.join(part_names(outline.genre).values())}）；缩进两格的“- 标题”为小标题；"
                "“+ ”开头的行是该处要写入的亮点。可增删、改写、调换顺序。"
            ),
        )
        if st.button("保存提纲", key="save_outline", disabled=ro):
            try:
                edited = Outline.from_text(from_chinese(ss[key], outline.genre), genre=outline.genre, base=outline)
            except DrafterError as err:
                say("error", f"提纲有误：{err}。请改正后再保存。")
            else:
                text = ss[key]
                _store_outline(ctx, edited)
                ss[f"outline_text_{ss.get('outline_nonce', 0)}"] = text
                ss["outline_msg"] = ("success", "提纲已保存，生成全文时按此提纲起草。")
        kind, msg = ss.pop("outline_msg", (None, None))
        if kind:
            say(kind, msg)


def _saver(ctx: Ctx, draft_id: int, order: list[str], keep: dict[str, SectionVersion] | None = None) -> Any:
    """Saves each generated section; a section in ``keep`` keeps the writer's edited text instead."""
    author, repo = ctx.author, ctx.repo  # read here: the saver runs on worker threads, without a session
    keep = keep or {}

    def save(section: SectionDraft) -> None:
        position = order.index(section.id) if section.id in order else None
        kept = keep.get(section.id)
        if kept is not None:
            repo.add_section_version(draft_id, kept.to_section_dict(), kind="edited", author=kept.author,
                                     position=position)
            return
        repo.add_section_version(draft_id, section, kind="generated", author=author, position=position)

    return save


#: The stages of 生成全文, as the progress bar names them.
_STAGES = ("载入知识库索引和起草引擎", "拟定提纲", "逐节起草")


def _stage(bar: Any, n: int, fraction: float) -> None:
    bar.progress(fraction, text=f"第{n}步（共{len(_STAGES)}步）：{_STAGES[n - 1]}……")


def saved_sheet(ctx: Ctx) -> tuple[FactSheet, int] | None:
    """The sheet the writer sees, saved first: (the saved sheet, its revision); None if it cannot be.

    A draft is written from this saved revision, never from a copy of the form that a run
    interrupted halfway (an import, a tab clicked at once) may have left behind; the
    revision is recorded with the draft (its outline's ``facts_revision``).
    """
    check = current_check()
    if check.sheet is None or ctx.report_id is None:
        return None
    save_form(ctx, check)  # nothing to do when the form is as saved
    stored = ctx.repo.latest_facts(ctx.report_id)
    if stored is None or not stored.valid or not stored.yaml:
        return None
    try:
        sheet = parse_facts(stored.yaml)
    except DrafterError:
        return None
    if sheet.to_yaml() != check.sheet.to_yaml():  # the save was refused or lost: draft nothing stale
        return None
    return sheet, stored.revision


def _generate(ctx: Ctx, sheet: FactSheet, keep: dict[str, SectionVersion] | None = None) -> None:
    saved = saved_sheet(ctx)
    if saved is None:
        st.session_state["draft_msg"] = ("error", "数据表未能保存，未起草：请回到“数据填报”页确认数据表已保存后再生成全文。")
        return
    sheet, revision = saved
    st.markdown("**正在生成全文**" + (f"（保留修改过的{len(keep)}节）" if keep else ""))
    bar = st.progress(0.0)
    _stage(bar, 1, 0.0)
    s = backend.session_settings(ctx.settings)
    engine = resources.engine_for(s, ctx.who)
    _stage(bar, 2, 0.05)
    outline = _outline_obj(ctx, sheet)
    if outline is None:
        outline = engine.outline(sheet)
        _store_outline(ctx, outline)
    order = [sec.id for sec in outline.sections]
    headings = {sec.id: sec.title for sec in outline.sections}
    keep = {sid: v for sid, v in (keep or {}).items() if sid in order}
    record = {**outline.to_dict(), "facts_revision": revision}  # which saved sheet this draft used
    draft_id = ctx.repo.start_draft(
        ctx.report_id, outline.title, outline=record, order=order, backend=s.backend, author=ctx.author
    )
    cb = QueueCallbacks(_saver(ctx, draft_id, order, keep), headings)
    try:
        draft = run_job(lambda c: engine.draft(sheet, outline, callbacks=c), cb, list(order), bar=bar,
                        prefix=f"第3步（共{len(_STAGES)}步）：逐节起草", start=0.1)
    except DrafterError as err:
        st.session_state["draft_msg"] = ("error", f"起草中断：{backend.explain(err, s)}。已完成的部分已保存。")
        return
    for section in draft.sections:  # anything the callbacks did not deliver
        cb._save(section)
    ctx.repo.set_order(draft_id, [sec.id for sec in draft.sections])
    failed = [sec.heading or "开头" for sec in draft.sections if sec.status != "ok" and sec.id not in keep]
    kept = f"；修改过的{len(keep)}节保留了您的文字" if keep else ""
    if cb.save_errors:
        st.session_state["draft_msg"] = ("error", "部分内容保存失败：" + "；".join(cb.save_errors))
    elif failed:
        st.session_state["draft_msg"] = (
            "warning",
            f"全文已生成，但{len(failed)}节失败（{'、'.join(failed)}）{kept}。可点击上方“重试失败的部分”，或在该节点击“重新生成本节”。",
        )
    else:
        st.session_state["draft_msg"] = ("success", f"全文已生成（{len(draft.sections)}节）{kept}，并已保存。")
    bump("draft_nonce")


def _retry_failed(ctx: Ctx, stored: StoredDraft, sheet: FactSheet) -> None:
    """Redraft only the failed sections (``DraftEngine.retry_failed``); finished ones stay as they are."""
    s = backend.session_settings(ctx.settings)
    engine = resources.engine_for(s, ctx.who)
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
        new = run_job(lambda c: engine.retry_failed(current, sheet, callbacks=c), cb, list(failed),
                      prefix="正在重试失败的部分")
    except DrafterError as err:
        st.session_state["draft_msg"] = ("error", f"重试中断：{backend.explain(err, s)}。已完成的部分已保存。")
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


def _regenerate_sections(ctx: Ctx, stored: StoredDraft, sheet: FactSheet, sids: list[str]) -> None:
    """Regenerate ``sids`` (the sections the changed figures touch), each as a new version."""
    s = backend.session_settings(ctx.settings)
    engine = resources.engine_for(s, ctx.who)
    current = Draft.from_dict(stored.to_dict())
    if stored.outline:
        current.outline = stored.outline  # type: ignore[attr-defined]  # the engine reads it back
    base = {sec.section_id: sec.version for sec in stored.sections}
    author, repo, draft_id = ctx.author, ctx.repo, stored.id
    failed: list[str] = []

    def save(section: SectionDraft) -> None:
        repo.add_section_version(draft_id, section, kind="generated", author=author,
                                 base_version=base.get(section.id))

    headings = {sec.section_id: sec.heading for sec in stored.sections if sec.section_id in sids}
    cb = QueueCallbacks(save, headings)

    def job(c: QueueCallbacks) -> None:
        for sid in sids:
            c.on_section_start(sid, headings.get(sid, ""))
            try:
                new = engine.regenerate(current, sid, sheet)
            except DrafterError as err:
                failed.append(headings.get(sid) or "开头")
                c.on_section_error(sid, err)
                continue
            c.on_section_done(new)

    run_job(job, cb, list(sids), prefix="正在按新数据重新生成")
    done = len(sids) - len(failed)
    if cb.save_errors:
        st.session_state["draft_msg"] = ("error", "部分内容保存失败：" + "；".join(cb.save_errors))
    elif failed:
        st.session_state["draft_msg"] = ("warning", f"已重新生成{done}节；{'、'.join(failed)}失败，保持原样。")
    else:
        st.session_state["draft_msg"] = ("success", f"已按新数据重新生成{done}节，并已保存。")
    bump("draft_nonce")


def _edited(draft: StoredDraft) -> list[SectionVersion]:
    """Sections whose current text the writer wrote (edited or restored), not the drafter."""
    return [sec for sec in draft.sections if sec.kind != "generated" and sec.status == "ok"]


def _start(job: dict[str, Any]) -> None:
    st.session_state["draft_job"] = job
    st.session_state.pop("confirm_regen", None)


def _ask_regen_all() -> None:
    st.session_state["confirm_regen"] = True


def _confirm(slot: Any, draft: StoredDraft) -> None:
    """重新生成全文 asks first; by default the sections the writer edited keep their text."""
    edited = _edited(draft)
    with slot.container(border=True, key="confirm_box"):
        st.markdown("**确认重新生成全文？** 将另存为新的一稿，当前稿仍可在“对照”页查看。")
        keep = True
        if edited:
            names = "、".join(sec.heading or "开头" for sec in edited)
            choice = st.radio(
                f"有{len(edited)}节是您修改过的（{names}）",
                ["keep", "all"],
                format_func={"keep": "保留修改过的各节，只重新生成其余各节（推荐）",
                             "all": "全部重新生成（修改过的各节也会被替换）"}.get,
                key="regen_keep",
            )
            keep = choice == "keep"
        c1, c2, _ = st.columns([1, 1, 3])
        c1.button("确认重新生成", type="primary", key="confirm_regen_go", on_click=_start,
                  args=({"kind": "all", "keep": [sec.section_id for sec in edited] if keep else []},))
        c2.button("取消", key="confirm_regen_cancel", on_click=st.session_state.pop, args=("confirm_regen", None))


def _update_sentences(ctx: Ctx, draft_id: int, sids: list[str], facts_yaml: str) -> None:
    """Rewrite the numbers that contradict the sheet with the sheet's values, as new (edited) versions."""
    sheet = parse_facts(facts_yaml)
    stored = ctx.repo.get_draft(draft_id)
    if stored is None:
        return
    changed = 0
    msgs = st.session_state.setdefault("panel_msgs", {})
    for sec in stored.sections:
        if sec.section_id not in sids:
            continue
        updates = figure_updates(sec.text, sheet)
        if not updates:
            continue
        text = apply_updates(sec.text, updates)
        data = sec.to_section_dict()
        data.update(text=text, findings=section_panel.section_findings(sec.heading, text, sheet, sheet.genre),
                    instruction=None)
        saved = ctx.repo.add_section_version(draft_id, data, kind="edited", author=ctx.author,
                                             base_version=sec.version)
        changed += len(updates)
        msgs[sec.section_id] = ("success", "已按数据表更新：" + "；".join(
            f"“{u.label}” {u.old}→{u.new}" for u in updates) + f"（存为第{saved.version.version}版）。")
    st.session_state["draft_msg"] = (
        ("success", f"已按新数据更新{changed}处数字。") if changed
        else ("info", "这些不一致不是改错的数字（如数据表删去了某项），无法自动更新；请重新生成这些节或手工修改。")
    )


def _stale_banner(ctx: Ctx, slot: Any, draft: StoredDraft, sheet: FactSheet | None,
                  live: dict[str, list[dict[str, Any]]]) -> None:
    """“数据已修改：N处与草稿不一致” with the two ways to bring the draft up to date."""
    if sheet is None:
        return
    new = {sec.section_id: new_mismatches(sec.findings, live.get(sec.section_id, [])) for sec in draft.sections}
    new = {sid: v for sid, v in new.items() if v}
    added = _added_since(draft, sheet)
    if not new and not added:
        return
    names = {sec.section_id: sec.heading or "开头" for sec in draft.sections}
    with slot.container(border=True, key="stale_box"):
        if added:  # entered after drafting: the draft's outline has no place for them
            st.warning("数据已修改：起草后数据表新增了以下内容，草稿中还没有：")
            st.markdown("\n".join(f"- {md_escape(a)}" for a in added))
            st.caption("请展开上方“提纲”，点击“按数据表重新生成提纲”，再点击“重新生成全文”（可保留已修改的各节）；"
                       "或在相应一节中手工写入。")
        if not new:
            return
        n = sum(len(v) for v in new.values())
        st.warning(
            f"数据已修改：{n}处与草稿不一致（{'、'.join(names[s] for s in new)}）。"
            "起草后数据表又改过，下列数字与当前数据表不符："
        )
        # one bullet per section and message, named by its section (a number stated twice in a
        # section is one thing to fix)
        items = list(dict.fromkeys((names[sid], str(f.get("message", ""))) for sid, v in new.items() for f in v))
        st.markdown("\n".join(f"- {md_escape(sec)}：{md_escape(msg)}" for sec, msg in items[:8])
                    + ("\n- ……" if len(items) > 8 else ""))
        if not ctx.may_write:  # a reviewer on the team server reads only
            return
        c1, c2, _ = st.columns([1, 1, 2])
        c1.button("按新数据更新这些句子", key="stale_update", type="primary",
                  on_click=_update_sentences, args=(ctx, draft.id, list(new), sheet.to_yaml()),
                  help="只把与数据表不符的数字改为数据表中的数值，其余文字不变；每节存为新版本")
        c2.button(f"重新生成这{len(new)}节", key="stale_regen", on_click=_start,
                  args=({"kind": "sections", "sids": list(new)},),
                  help="按当前数据表重新起草这几节；旧版本保留在各节的“历史版本”中")


def _added_since(draft: StoredDraft, sheet: FactSheet) -> list[str]:
    """What the sheet holds that the outline the draft was written from has no place for."""
    if not getattr(draft, "outline", None):
        return []
    try:
        return outline_gaps(Outline.from_dict(draft.outline), sheet)
    except (DrafterError, KeyError, TypeError, ValueError):
        return []


def _run(ctx: Ctx, job: dict[str, Any], draft: StoredDraft | None, sheet: FactSheet) -> None:
    kind = job.get("kind")
    if kind == "all":
        keep = {sec.section_id: sec for sec in draft.sections if sec.section_id in job.get("keep", [])} if draft else {}
        _generate(ctx, sheet, keep)
    elif kind == "retry" and draft is not None:
        _retry_failed(ctx, draft, sheet)
    elif kind == "sections" and draft is not None:
        _regenerate_sections(ctx, draft, sheet, list(job.get("sids") or []))


def render(ctx: Ctx) -> None:
    """The 起草 tab."""
    if ctx.may_write:  # a reviewer drafts nothing: no model choice to make
        backend.render(ctx)
    if ctx.report_id is None:
        st.info("请先在“数据填报”页填写单位、年度等数据，再来起草。")
        return
    check = current_check()
    sheet = check.sheet
    ss = st.session_state
    job = ss.pop("draft_job", None)
    with st.container():  # notices about the sheet: one fixed slot whatever they are
        if sheet is None:
            n = sum(len(v) for v in check.problems.values())
            st.warning(f"数据表还有{n}处需要修正（见“数据填报”页），修正后才能生成全文。")
    _outline(ctx, sheet)
    with st.container():
        saved_outline = ss.get("outline")
        gaps = outline_gaps(Outline.from_dict(saved_outline), sheet) if sheet is not None and saved_outline else []
        if gaps:
            st.warning(
                "提纲生成后数据表又有补充，以下内容提纲里还没有，起草时不会写入：" + "；".join(gaps)
                + "。请展开“提纲”，点击“按数据表重新生成提纲”，或手工加入后保存。"
            )
    draft = ctx.repo.latest_draft(ctx.report_id)
    running = job is not None and sheet is not None
    failed = [sec for sec in draft.sections if sec.status != "ok"] if draft is not None else []
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    if draft is None:
        c1.button("生成全文", type="primary", key="generate", disabled=sheet is None or running or not ctx.may_write,
                  on_click=_start, args=({"kind": "all", "keep": []},), help="按提纲逐节起草")
    else:
        c1.button("重新生成全文", type="primary", key="generate", disabled=sheet is None or running or not ctx.may_write,
                  on_click=_ask_regen_all, help="先确认；默认保留您修改过的各节。新的一稿另存，旧稿仍可在“对照”页查看")
    with c2:
        if running:
            st.caption("正在生成，请稍候；完成前请不要离开本页。")
        elif failed:
            st.button(f"重试失败的部分（{len(failed)}节）", key="retry_failed", disabled=sheet is None or not ctx.may_write,
                      on_click=_start, args=({"kind": "retry"},))
        elif draft is None:
            st.caption(f"还没有草稿：点击“生成全文”，按提纲逐节起草，进度显示在下方（{resources.draft_time_hint(ctx.settings)}）。")
        else:
            st.caption(f"当前草稿共{len(draft.sections)}节。")
    confirm_slot, flash, banner, job_slot, area = st.empty(), st.empty(), st.empty(), st.empty(), st.empty()
    if running:
        # the old draft goes at once: its slot becomes an empty element (a container in the same slot
        # would reuse the old block, and the old panels past the progress display would linger)
        area.empty()
        with job_slot.container(key="job_area"):
            try:
                _run(ctx, job, draft, sheet)  # type: ignore[arg-type]  # running implies a sheet
            except DrafterError as err:
                ss["draft_msg"] = ("error", f"无法起草：{backend.explain(err, backend.session_settings(ctx.settings))}")
        st.rerun()
    if ss.get("confirm_regen") and draft is not None and sheet is not None:
        _confirm(confirm_slot, draft)
    kind, msg = ss.pop("draft_msg", (None, None))
    if kind:  # headings and server words escaped; the address explain() names as code
        say(kind, msg, flash, code=True)
    if draft is None:
        return
    live = {sec.section_id: section_panel.findings_now(sec, sheet) for sec in draft.sections}
    _stale_banner(ctx, banner, draft, sheet, live)
    with area.container(key=f"draft_area_{draft.id}"):
        section_panel.render_draft(ctx, draft, sheet, live)
    _scroll_to_focus()


_SCROLL_JS = """<script>
(function () {
  let tries = 0;
  const go = () => {
    const el = document.querySelector('mark[data-focus]');
    if (el) { el.scrollIntoView({block: "center"}); return; }
    if (++tries < 40) setTimeout(go, 100);
  };
  go();
})();
</script>"""


def _scroll_to_focus() -> None:
    """Once, after a jump from 检查: bring the marked span into view."""
    if st.session_state.pop("focus_scroll", False):
        st.html(_SCROLL_JS, unsafe_allow_javascript=True)
