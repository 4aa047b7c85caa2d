"""One panel per drafted section: editable text, findings in place, sources, regenerate, versions."""

from __future__ import annotations

from typing import Any

import streamlit as st

from drafter.drafting.composer import style_for
from drafter.drafting.outline import build_outline
from drafter.drafting.signature import closing_for, signature_lines, split_signature
from drafter.drafting.types import Draft, SectionDraft
from drafter.errors import DrafterError
from drafter.facts.sheet import FactSheet, parse_facts
from drafter.storage import SectionVersion, StoredDraft

from .. import backend, resources
from ..pages.kb_page import source_names
from ..runner import QueueCallbacks, run_job
from ..safe_text import md, say
from ..staleness import live_findings
from ..state import Ctx
from . import basis_view, export_panel
from .highlight import (
    CATEGORY_ZH,
    SEVERITY_ZH,
    author_label,
    backend_zh,
    highlight_html,
    local_time,
    md_escape,
)

__all__ = ["findings_now", "pull_in", "references", "render_draft", "section_findings"]

_KIND_ZH = {"generated": "生成", "edited": "修改", "restored": "恢复", "word": "Word修改稿"}


def _origin(ctx: Ctx, v: SectionVersion) -> str:
    """How a version came about: 「生成 · 离线组合」, or 「本人修改」 for a hand edit (no backend wrote it)."""
    if v.kind == "edited":
        return "本人修改" if (v.author or "") == ctx.author else "修改"
    return f"{_KIND_ZH.get(v.kind, v.kind)} · {backend_zh(v.backend)}"


def _requirements(instruction: str) -> list[str]:
    """A regeneration instruction as its separate requirements (「突出年轻干部培养，更精炼」 → two)."""
    import re

    return [p.strip() for p in re.split(r"[，,；;。\n]+|(?<=[精炼简洁详细])、", instruction) if p.strip()]


def instruction_outcome(instruction: str | None, backend_name: str, new_text: str) -> str:
    """What became of each requirement: applied, handed to the model, or not applied (offline)."""
    if not instruction:
        return "本节已重新生成。"
    parts = _requirements(instruction)
    if backend_name != "composer":
        return f"本节已重新生成，要求已交给模型：{'；'.join(parts)}。模型未必全部照办，请核对本节内容。"
    done, not_done = [], []
    for part in parts:
        style = style_for(part)
        if style.add:
            (done if all(item in new_text for item in style.add) else not_done).append(part)
        elif style.concise or style.detailed:
            done.append(part)
        else:
            not_done.append(part)
    msg = "本节已重新生成。"
    if done:
        msg += f"已按要求：{'；'.join(done)}。"
    if not_done:
        msg += (f"未能按要求：{'；'.join(not_done)}——离线组合只能“更精炼”“更详细”或“加入……”（所加内容须来自数据表）；"
                "请直接修改正文，或改用模型服务。")
    return msg


def section_findings(heading: str, text: str, sheet: FactSheet | None, genre: str = "report") -> list[dict[str, Any]]:
    """The findings of one section's text, checked as the engine checks a generated one.

    Without a valid fact sheet only placeholders can be checked.
    """
    return live_findings(heading, text, sheet, genre)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_findings(heading: str, text: str, facts_yaml: str | None, genre: str) -> list[dict[str, Any]]:
    return live_findings(heading, text, parse_facts(facts_yaml) if facts_yaml else None, genre)


def findings_now(sec: SectionVersion, sheet: FactSheet | None) -> list[dict[str, Any]]:
    """The section's findings against the CURRENT fact sheet (never the stored, possibly stale, ones)."""
    if sec.status != "ok":
        return list(sec.findings)
    return _cached_findings(sec.heading, sec.text, sheet.to_yaml() if sheet else None,
                            sheet.genre if sheet else "report")


def _edit_key(draft_id: int, sec: SectionVersion) -> str:
    """The widget key of a section's text box: per version, renewed when the box is given its text back."""
    n = st.session_state.get("edit_nonce", {}).get(sec.section_id, 0)
    return f"edit_{draft_id}_{sec.section_id}_{sec.version}" + (f"_{n}" if n else "")


def _on_edit(ctx: Ctx, draft_id: int, sec: SectionVersion, key: str, sheet: FactSheet | None) -> None:
    """Save an edit as a new version, at once (runs before the next script run).

    A box that comes back empty (or only blanks) over a section with text is never saved
    silently: the box gets the saved text back and the writer is asked to confirm 清空本节.
    """
    text = st.session_state.get(key)
    if text is None or text == sec.text:
        return
    if not str(text).strip() and sec.text.strip():
        nonces = st.session_state.setdefault("edit_nonce", {})
        nonces[sec.section_id] = nonces.get(sec.section_id, 0) + 1  # a fresh box, drawn with the saved text
        st.session_state.setdefault("edit_clear_ask", {})[sec.section_id] = sec.version
        st.session_state.setdefault("panel_msgs", {})[sec.section_id] = (
            "warning",
            f"本节正文被清空，未保存，框内已恢复第{sec.version}版的内容。如确要清空本节，请点击下方“确认清空本节”。",
        )
        return
    st.session_state.get("edit_clear_ask", {}).pop(sec.section_id, None)
    _save_edit(ctx, draft_id, sec, str(text), sheet)


def _on_clear(ctx: Ctx, draft_id: int, sec: SectionVersion, sheet: FactSheet | None) -> None:
    """The writer confirmed: the section is saved empty (a new version; the old one stays in 历史版本)."""
    st.session_state.get("edit_clear_ask", {}).pop(sec.section_id, None)
    if not ctx.may_write:
        return
    _save_edit(ctx, draft_id, sec, "", sheet)


def _save_edit(ctx: Ctx, draft_id: int, sec: SectionVersion, text: str, sheet: FactSheet | None) -> None:
    data = sec.to_section_dict()
    data.update(text=text, findings=section_findings(sec.heading, text, sheet, sheet.genre if sheet else "report"), status="ok", error=None,
                instruction=None)
    saved = ctx.repo.add_section_version(draft_id, data, kind="edited", author=ctx.author, base_version=sec.version)
    msgs = st.session_state.setdefault("panel_msgs", {})
    if saved.conflict is not None:
        msgs[sec.section_id] = (
            "warning",
            (
                f"{saved.conflict.author or '另一会话'}在您之前保存了本节第{saved.conflict.version}版；"
                f"您的修改已存为第{saved.version.version}版（显示的是最新版），对方的版本可在“历史版本”中找回。"
            ),
        )
    else:
        msgs[sec.section_id] = ("success", f"修改已保存为第{saved.version.version}版。")


def _on_restore(ctx: Ctx, draft_id: int, section_id: str, version: int) -> None:
    saved = ctx.repo.restore(draft_id, section_id, version, author=ctx.author)
    st.session_state.setdefault("panel_msgs", {})[section_id] = (
        "success", f"已恢复第{version}版（存为第{saved.version.version}版）。"
    )


def _regenerate(ctx: Ctx, draft: StoredDraft, sec: SectionVersion, sheet: FactSheet) -> None:
    s = backend.session_settings(ctx.settings)
    msgs = st.session_state.setdefault("panel_msgs", {})
    if not ctx.may_write:  # the button is disabled; a forged click saves nothing and says so
        msgs[sec.section_id] = ("error", "审核人只能查看报告，不能重新生成。本节未改变。")
        return
    engine = resources.engine_for(s, ctx.who)
    instruction = (st.session_state.get(f"instr_{draft.id}_{sec.section_id}") or "").strip() or None
    current = Draft.from_dict(draft.to_dict())
    older = [v for v in ctx.repo.section_history(draft.id, sec.section_id) if v.version != sec.version]
    current.history[sec.section_id] = [SectionDraft.from_dict(v.to_section_dict()) for v in reversed(older)]
    if draft.outline:
        current.outline = draft.outline  # type: ignore[attr-defined]  # the engine reads it back

    author, repo = ctx.author, ctx.repo  # read here: the saver runs on a worker thread, without a session

    def save(section: SectionDraft) -> None:
        repo.add_section_version(
            draft.id, section, kind="generated", author=author, base_version=sec.version,
            instruction=instruction,
        )

    cb = QueueCallbacks(save, {sec.section_id: sec.heading})
    try:
        new = run_job(
            lambda c: engine.regenerate(current, sec.section_id, sheet, instruction=instruction, callbacks=c),
            cb,
            [sec.section_id],
        )
    except DrafterError as err:
        msgs[sec.section_id] = ("error", f"重新生成失败：{backend.explain(err, s)}。本节保持原样。")
        return
    if new.status != "ok":
        msgs[sec.section_id] = ("error", f"重新生成失败：{new.error}。本节保持原样。")
        return
    if new.id not in cb.saved:
        cb._save(new)
    if cb.save_errors:  # generated but not stored: say so, never 「已重新生成」
        msgs[sec.section_id] = ("error", f"重新生成的内容未能保存：{'；'.join(cb.save_errors)}。本节保持原样。")
        return
    outcome = instruction_outcome(instruction, s.backend, new.text)
    msgs[sec.section_id] = ("warning" if "未能按要求" in outcome else "success", outcome)


def _findings(findings: list[dict[str, Any]]) -> None:
    if not findings:
        st.caption("本节未发现问题。")
        return
    errors = sum(1 for f in findings if f.get("severity") == "error")
    st.markdown(f"**本节发现 {len(findings)} 处问题**（错误 {errors}）")
    for f in findings:
        sev = SEVERITY_ZH.get(str(f.get("severity")), "")
        cat = CATEGORY_ZH.get(str(f.get("category")), str(f.get("category")))
        snippet = f"「{f.get('text')}」" if f.get("text") else ""
        st.markdown(f"- {sev}·{cat}：{md_escape(snippet + str(f.get('message', '')))}")


def _versions(ctx: Ctx, draft_id: int, sec: SectionVersion) -> None:
    history = ctx.repo.section_history(draft_id, sec.section_id)
    with st.expander(f"历史版本（{len(history)}）", key=f"exp_hist_{draft_id}_{sec.section_id}"):
        for v in history:
            line = (
                f"第{v.version}版 · {_origin(ctx, v)} · {author_label(v.author)} · "
                f"{local_time(v.created_at, '%m-%d %H:%M:%S')}" + (f" · 要求：{v.instruction}" if v.instruction else "")
            )
            c1, c2 = st.columns([5, 1])
            c1.caption(("**当前** · " if v.version == sec.version else "") + md(line))
            if v.version != sec.version:
                c2.button("恢复", key=f"restore_{draft_id}_{sec.section_id}_{v.version}", disabled=not ctx.may_write,
                          on_click=_on_restore, args=(ctx, draft_id, sec.section_id, v.version))
                c1.text(v.text[:200] + ("……" if len(v.text) > 200 else ""))


def _panel(ctx: Ctx, draft: StoredDraft, sec: SectionVersion, sheet: FactSheet | None,
           findings: list[dict[str, Any]], focus: str | None = None) -> None:
    sid = sec.section_id
    with st.container(border=True, key=f"panel_{sid}"):
        st.subheader(md(sec.heading or "开头"), anchor=False)
        st.caption(md(
            f"第{sec.version}版 · {_origin(ctx, sec)} · "
            f"{author_label(sec.author)} · {local_time(sec.created_at)}"
        ))
        kind, msg = st.session_state.setdefault("panel_msgs", {}).pop(sid, (None, None))
        if kind:
            say(kind, msg, code=True)  # explain() names the address as `code`
        if sec.status != "ok":
            say("error", f"本节生成失败：{sec.error or '原因不明'}。请点击“重新生成本节”重试。")
        # the box is given its text as its value, never by writing the key beforehand: a key
        # written in one run is pushed to the browser in that run only, and on every later run
        # the box's own value was the default, an empty string, which is what the browser shows
        # whenever it draws the box afresh without the value it kept (and _on_edit then saved)
        key = _edit_key(draft.id, sec)
        left, right = st.columns(2)
        with left:
            if st.session_state.get("edit_clear_ask", {}).get(sid) == sec.version:
                st.button("确认清空本节", key=f"clear_{draft.id}_{sid}_{sec.version}", disabled=not ctx.may_write,
                          on_click=_on_clear, args=(ctx, draft.id, sec, sheet),
                          help="把本节保存为空白的新版本；原文仍可在“历史版本”中恢复")
            st.text_area(
                "正文（修改后点击框外即保存为新版本）",
                value=sec.text,
                key=key,
                disabled=not ctx.may_write,  # a reviewer reads only
                height=max(150, min(520, 26 * (len(sec.text) // 30 + sec.text.count("\n") + 2))),
                on_change=_on_edit,
                args=(ctx, draft.id, sec, key, sheet),
            )
        with right:
            if focus or any(f.get("text") and str(f.get("text")) in sec.text for f in findings):
                st.markdown("**检查结果（问题处已标色，鼠标悬停看原因）**")
                st.markdown(
                    f'<div class="section-view" style="line-height:1.9">'
                    f"{highlight_html(sec.text, findings, focus=focus)}</div>",
                    unsafe_allow_html=True,
                )
            else:
                st.markdown("**检查结果**")
            _findings(findings)
            basis_view.render_section_basis(ctx, draft.id, sec, sheet)  # 事实依据 (issue 22)
            references(ctx, draft.id, sec, key, sheet)
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")  # wide enough for the button at 1024 px
        c1.text_input(
            "重新生成的要求（可不填）",
            key=f"instr_{draft.id}_{sid}",
            placeholder="例如：更精炼 / 突出年轻干部工作",
            disabled=not ctx.may_write,
        )
        if c2.button("重新生成本节", key=f"regen_{draft.id}_{sid}", disabled=sheet is None or not ctx.may_write,
                     width="stretch"):
            try:
                _regenerate(ctx, draft, sec, sheet)  # type: ignore[arg-type]  # disabled without a sheet
            except DrafterError as err:
                st.session_state.setdefault("panel_msgs", {})[sid] = ("error", f"无法重新生成：{err}")
            st.rerun()
        _versions(ctx, draft.id, sec)


def render_draft(ctx: Ctx, draft: StoredDraft, sheet: FactSheet | None,
                 live: dict[str, list[dict[str, Any]]] | None = None) -> None:
    """The latest draft: the full text, then each section's panel, findings as of the current sheet."""
    live = live if live is not None else {s.section_id: findings_now(s, sheet) for s in draft.sections}
    total = sum(len(v) for v in live.values())
    errors = sum(1 for v in live.values() for f in v if f.get("severity") == "error")
    st.subheader(md(draft.title or "草稿"), anchor=False)
    st.caption(
        f"共{len(draft.sections)}节 · 各节发现问题{total}处（错误{errors}处，按当前数据表核对）· "
        f"起草于 {local_time(draft.created_at)}（{backend_zh(draft.backend)}）· "
        "沿用旧稿、结构等全文检查见“检查”页"
    )
    if sheet is None:
        st.caption("数据表尚有问题，各节暂只核对占位符；数据表改正后即核对数字。")
    whole = Draft.from_dict(draft.to_dict())
    _draft_notices(sheet)
    if sheet is not None:
        whole.signature = signature_lines(sheet)  # the 落款 block, as the export writes it
        outline = draft.outline or {}
        whole.salutation = outline.get("salutation")  # 主送, as the draft was outlined
        whole.closing = closing_for(str(outline.get("genre") or sheet.genre))  # 特此报告。
    text = whole.text()
    with st.expander("全文（纯文本）", key="exp_fulltext"):
        st.text(text)
    error_msgs = [
        f"{s.heading or '开头'}：{f.get('message', '')}"
        for s in draft.sections
        for f in live.get(s.section_id, [])
        if f.get("severity") == "error"
    ]
    body, signature = split_signature(text, sheet)
    basis_view.render_import(ctx, draft, sheet)  # 导入修改稿 (issue 22)
    export_panel.render(ctx, draft, body, error_msgs, signature=signature, sheet=sheet)
    focus = st.session_state.get("focus") or {}
    for sec in draft.sections:
        hit = focus.get("text") if focus.get("section") in (sec.heading, sec.section_id) else None
        _panel(ctx, draft, sec, sheet, live.get(sec.section_id, []), focus=hit or None)


# ---- 参考写法 beside each section, with one-click pull-in (issue 9) -------------------
def pull_in(ctx: Ctx, draft_id: int, sec: SectionVersion, key: str, sheet: FactSheet | None, index: int) -> None:
    """Append reference passage ``index`` to the section text and save it as a new version."""
    sources = sec.sources or []
    if not 0 <= index < len(sources):
        return
    src = sources[index]
    passage = " ".join(str(src.get("text", "")).split())
    current = str(st.session_state.get(key, sec.text) or "")
    # saved straight away as a new version (a new box); the old box's key is left alone
    _save_edit(ctx, draft_id, sec, (current.rstrip("\n") + "\n" + passage) if current.strip() else passage, sheet)
    msgs = st.session_state.setdefault("panel_msgs", {})
    kind, saved = msgs.get(sec.section_id, ("success", ""))
    title = str(src.get("title") or src.get("source") or "")
    msgs[sec.section_id] = (
        "warning",
        f"已把“{title}”的参考写法引入正文末尾（{saved.rstrip('。')}）。这是其他单位的报告："
        "请改写成本单位本年度的实际做法，删去不属于本单位的活动、数字和名称。",
    )


def references(ctx: Ctx, draft_id: int, sec: SectionVersion, key: str, sheet: FactSheet | None) -> None:
    """The section's 参考写法: other units' passages, named by unit and year, each with 引用到正文."""
    sources = sec.sources or []
    with st.expander(f"参考写法（{len(sources)}段，其他单位的报告）", key=f"exp_src_{draft_id}_{sec.section_id}"):
        if not sources:
            st.caption("本节没有参考写法（完全依据数据表）。")
            return
        st.caption("以下是其他单位往年报告中的写法，只借鉴表述，不是本单位的事实；引用后请按本单位实际改写。")
        names = source_names()  # “单位 · 年度 · 标题”, never the stored file name
        for i, src in enumerate(sources):
            source = str(src.get("source") or "")
            # the catalogue's “单位 · 年度 · 标题” first (it knows the year from the file name or
            # sidecar); the title stored with the draft may say 年度未知
            title = str(names.get(source) or src.get("title") or source)
            heading = str(src.get("heading") or "")
            st.markdown(md_escape(f"{src.get('id', '')} · {title}" + (f" · {heading}" if heading else "")))
            st.caption(md_escape(str(src.get("text", ""))[:400]))
            st.button(
                "引用到正文",
                key=f"pull_{draft_id}_{sec.section_id}_{sec.version}_{i}",
                on_click=pull_in,
                args=(ctx, draft_id, sec, key, sheet, i),
                disabled=not ctx.may_write,
                help="把这段参考写法加到本节正文末尾，保存为新版本",
            )


def _draft_notices(sheet: FactSheet | None) -> None:
    """What the writer should know about where entered items went (a highlight moved …)."""
    if sheet is None:
        return
    try:
        notices = build_outline(sheet).notices
    except DrafterError:
        return
    for notice in notices:
        st.info(notice)
