"""检查: every finding of the whole draft, one entry per habit (errors first), in context; the structure view."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import streamlit as st

from drafter.checks import CATEGORIES, check_text
from drafter.drafting.types import Draft
from drafter.errors import IngestError
from drafter.facts.sheet import parse_facts
from drafter.kb.indexer import discover
from drafter.kb.ingest import SUPPORTED_SUFFIXES, read_text
from drafter.text.doctree import normalize_newlines

from ..safe_text import md
from ..state import Ctx
from ..widgets.highlight import CATEGORY_ZH, COLORS, SEVERITY_ZH, md_escape
from .facts_page import current_check

__all__ = ["check_report", "errors_first", "goto_finding", "render"]

_STATUS_ZH = {"present": "已有", "missing": "缺少", "misordered": "顺序不对", "opening": "已有（在开头段落中）"}


def _older_texts(roots: tuple[str, ...], sources: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Texts of the past reports the draft drew on (for the stale-copy check), by title."""
    out = []
    for source, label in sources:
        for root in roots:
            path = Path(root) / source
            if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                try:  # any format the knowledge base reads (.docx, .doc, .pdf …), not only text
                    out.append((label, read_text(path).text))
                except IngestError:
                    pass
                break
    return out


@st.cache_data(show_spinner=False, max_entries=64)
def check_report(
    text: str,
    facts_yaml: str | None,
    roots: tuple[str, ...],
    sources: tuple[tuple[str, str], ...],
    elements: tuple[tuple[str, str], ...] = (),
    lists_seen: tuple[tuple[str, float], ...] = (),
) -> dict[str, Any]:
    """The whole-report check as plain data (cached by text, facts, sources, the outline's parts
    and the unit's 规范提法 lists as stored: ``lists_seen``)."""
    from drafter.checks.formulations import lists_for_unit
    from drafter.settings import get_settings

    facts = parse_facts(facts_yaml) if facts_yaml else None
    against = _older_texts(roots, sources) or None
    lists = lists_for_unit(get_settings(), facts.unit if facts else None) if lists_seen else []
    return check_text(text, facts=facts, against=against, elements=dict(elements), policy_lists=lists).to_dict()


def _lists_seen(settings: Any) -> tuple[tuple[str, float], ...]:
    """The stored 规范提法 lists and their times (a new upload makes the cached check stale)."""
    folder = settings.uploads_dir / ".lists"
    return tuple(sorted((p.name, p.stat().st_mtime) for p in folder.glob("*.yaml"))) if folder.is_dir() else ()


def _context(text: str, f: dict[str, Any]) -> str:
    lines = text.split("\n")
    line = int(f.get("line") or 1)
    lo, hi = max(1, line - 2), min(len(lines), line + 2)
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)
    out = []
    start, end = int(f.get("start") or 0), int(f.get("end") or 0)
    for n in range(lo, hi + 1):
        s0 = starts[n - 1]
        content = lines[n - 1]
        a, b = max(0, start - s0), min(len(content), end - s0)
        if n == line and a < b:
            color = COLORS.get(str(f.get("severity")), "#eee")
            body = (html.escape(content[:a]) + f'<mark style="background:{color}">' + html.escape(content[a:b])
                    + "</mark>" + html.escape(content[b:]))
        else:
            body = html.escape(content)
        out.append(f'<span style="color:#888">{n:>3}</span>　{body}')
    return "<br>".join(out)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def errors_first(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Errors, then warnings, then notes; in text order within each."""
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER.get(str(f.get("severity")), 3), int(f.get("line") or 0)))


def goto_finding(f: dict[str, Any]) -> None:
    """Open 起草 at the finding's section, its span marked (a button callback)."""
    st.session_state["focus"] = {"section": str(f.get("section") or ""), "text": str(f.get("text") or "")}
    st.session_state["focus_scroll"] = True
    st.session_state["nav"] = "起草"


#: Errors listed first, each with 去修改 (more are left to the list by habit).
_ERRORS_SHOWN = 30


def _error_list(findings: list[dict[str, Any]]) -> None:
    """The errors, first and each one click away from its place in 起草."""
    errs = [f for f in findings if f["severity"] == "error"]
    if not errs:
        return
    with st.container(border=True, key="errors_first"):
        st.markdown(f"**先改这些错误（{len(errs)}处）**")
        for i, f in enumerate(errs[:_ERRORS_SHOWN]):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            snippet = f"「{f['text']}」" if f.get("text") else ""
            c1.markdown(
                f"{md_escape(f.get('section') or '开头')} · {CATEGORY_ZH.get(f['category'], f['category'])}："
                f"{md_escape(snippet + f['message'])}"
            )
            c2.button("去修改", key=f"goto_err_{i}", on_click=goto_finding, args=(f,), width="stretch",
                      help="打开起草页中这一处所在的一节，并标出这处文字")
        if len(errs) > _ERRORS_SHOWN:
            st.caption(f"另有{len(errs) - _ERRORS_SHOWN}处错误，见下方分类列表。")


def _groups(groups: list[dict[str, Any]], *, errors_listed: bool) -> None:
    """One entry per habit, errors first; a habit found in several places expands to list them.

    With every error already in “先改这些错误” above, the errors are not listed twice.
    """
    if errors_listed:
        groups = [g for g in groups if g["severity"] != "error"]
        if not groups:
            st.caption("除上方的错误外，没有其他问题。")
    for g in groups:
        tag = f"{SEVERITY_ZH.get(g['severity'], '')}·{CATEGORY_ZH.get(g['category'], g['category'])}"
        spans = g["spans"]
        if g["count"] == 1:
            f = spans[0]
            snippet = f"「{f['text']}」" if f.get("text") else ""
            where = f"（{f['section']}）" if f.get("section") else ""
            st.markdown(f"- **{tag}** 第{f.get('line')}行{md_escape(snippet)}：{md_escape(g['message'] + where)}")
            continue
        with st.expander(f"{tag}：{g['message']}", expanded=g["severity"] == "error" and g["count"] <= 12):
            for f in spans:
                snippet = f"「{f['text']}」" if f.get("text") else ""
                where = f" · {f['section']}" if f.get("section") else ""
                st.markdown(f"- 第{f.get('line')}行{md_escape(snippet + where)}")


def render(ctx: Ctx) -> None:
    """The 检查 tab."""
    if ctx.report_id is None:
        st.info("请先填写数据表并生成草稿。")
        return
    stored = ctx.repo.latest_draft(ctx.report_id)
    if stored is None:
        st.info("还没有草稿：请到“起草”页点击“生成全文”。")
        return
    text = normalize_newlines(Draft.from_dict(stored.to_dict()).text())
    sheet = current_check().sheet
    cited = sorted({str(s.get("source")) for sec in stored.sections for s in sec.sources if s.get("source")})
    titles = {f.source: f.display_name for f in discover(ctx.settings)[0]} if cited else {}
    sources = tuple((c, titles.get(c, c)) for c in cited)
    roots = (str(ctx.settings.knowledge_dir), str(ctx.settings.home))
    # the part the writer chose for each section in the outline, not only its wording
    elements = tuple((sec.heading, sec.element) for sec in stored.sections if sec.heading and sec.element)
    result = check_report(text, sheet.to_yaml() if sheet else None, roots, sources, elements,
                          _lists_seen(ctx.settings))
    findings: list[dict[str, Any]] = errors_first(result["findings"])  # type: ignore[arg-type]
    counts: dict[str, dict[str, int]] = result["counts"]  # type: ignore[assignment]
    errors = sum(1 for f in findings if f["severity"] == "error")
    st.subheader(f"全文检查：{len(findings)}处问题（错误{errors}处）", anchor=False)
    if sheet is None:
        st.caption("数据表尚不完整，数字核对未进行。")
    _error_list(findings)
    cols = st.columns(len(CATEGORIES))
    for col, cat in zip(cols, CATEGORIES):
        n = sum(counts.get(cat, {}).values())
        col.metric(CATEGORY_ZH.get(cat, cat), n)

    left, right = st.columns([3, 2])
    with left:
        _groups(result["groups"], errors_listed=0 < errors <= _ERRORS_SHOWN)  # type: ignore[arg-type]
    with right:
        if findings:
            labels = [
                f"{i + 1}. {SEVERITY_ZH.get(f['severity'], '')}·{CATEGORY_ZH.get(f['category'], f['category'])} · "
                f"{f.get('section') or '开头'} · {f.get('text') or ''}"
                for i, f in enumerate(findings)
            ]
            choice = st.selectbox("查看问题所在位置", range(len(findings)), format_func=lambda i: labels[i],
                                  key="finding_pick")
            f = findings[int(choice or 0)]
            st.markdown(f"**{md_escape(f['message'])}**")
            st.button("到“起草”页查看这一处", key="goto_pick", on_click=goto_finding, args=(f,),
                      help="打开起草页中这一处所在的一节，并标出这处文字")
            st.caption(f"所在：{f.get('section') or '开头'}（下方左侧数字为全文行号）")
            st.markdown(
                f'<div class="finding-context" style="line-height:1.9">{_context(text, f)}</div>',
                unsafe_allow_html=True,
            )
        else:
            st.success("未发现问题。")
    st.markdown("#### 结构对照")
    st.caption("按《地方党委常委会向全委会报告干部选拔任用工作并接受民主评议办法（试行）》第四条，报告应包含的部分：")
    rows = [
        {
            "部分": e["name"],
            "必需": "是" if e["required"] else "否",
            "情况": _STATUS_ZH.get(e["status"], e["status"]),
            "对应标题": "；".join(str(sec["title"]) for sec in e["sections"]),
        }
        for e in result["elements"]  # type: ignore[union-attr]
    ]
    # a static table: long 对应标题 wrap instead of being cut (at 1440 px as on a phone)
    # (st.table renders Markdown: the headings are document text, so escaped)
    st.table([{k: md(v) for k, v in row.items()} for row in rows], hide_index=True, border="horizontal")
    _render_dup(ctx, text)


def _render_dup(ctx: Ctx, text: str) -> None:
    """查重 against every report in the knowledge base (drafter_ui/widgets/dup_view.py)."""
    from ..widgets.dup_view import render_dup

    info = ctx.repo.get_report(ctx.report_id) if ctx.report_id is not None else None
    render_dup(ctx, text, info.unit if info else None, info.year if info else None)
