"""查重 section of the 检查 tab: the draft against every report the knowledge base holds.

The 重复率 overall, per section, copied from the unit's own earlier reports and from
other units', and each copied passage beside its source. Data from
:mod:`drafter.checks.dup`; the knowledge base's reports are prepared once per
process and refreshed when a file is added, changed or removed.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import streamlit as st

from drafter.checks.dup import check_dup, kb_sources
from drafter.kb.scope import KnowledgeScope
from drafter.settings import Settings
from drafter.similarity.copies import SourceIndex

from .highlight import md_escape

__all__ = ["dup_result", "render_dup", "seen_units"]


def _kb_stamp(s: Settings) -> tuple[tuple[str, float, int], ...]:
    """What identifies the knowledge base's reports: every file's path, mtime and size."""
    out = []
    for root in (Path(s.knowledge_dir) / "reports", s.uploads_dir):
        if Path(root).is_dir():
            for p in sorted(Path(root).rglob("*")):
                if p.is_file():
                    st_ = p.stat()
                    out.append((str(p), st_.st_mtime, st_.st_size))
    return tuple(out)


@st.cache_resource(show_spinner=False, max_entries=8)
def _index(_settings: Settings, knowledge_dir: str, home: str, stamp_key: int,
           units: tuple[str, ...] | None) -> SourceIndex:
    scope = None if units is None else KnowledgeScope(frozenset(units))
    return SourceIndex(kb_sources(_settings, scope=scope))


@st.cache_data(show_spinner=False, max_entries=32)
def _dup(text: str, unit: str | None, year: int | None, knowledge_dir: str, home: str,
         stamp_key: int, units: tuple[str, ...] | None, _settings: Settings) -> dict[str, Any]:
    index = _index(_settings, knowledge_dir, home, stamp_key, units)
    return check_dup(text, index, unit=unit or None, year=year).to_dict()


def dup_result(settings: Settings, text: str, unit: str | None = None, year: int | None = None,
               who: Any = None) -> dict[str, Any]:
    """The 查重 result as plain data (cached by text, the knowledge base's files and who may see them).

    On a team server only the uploads *who* may see are compared (and shown beside the draft).
    """
    stamp = hash(_kb_stamp(settings))
    return _dup(text, unit, year, str(settings.knowledge_dir), str(settings.home), stamp, seen_units(who), settings)


def seen_units(who: Any) -> tuple[str, ...] | None:
    """The units whose uploads *who* may see, as a cache key (None: all of them)."""
    units = KnowledgeScope.of(who).units
    return None if units is None else tuple(sorted(units))


def _box(text: str, color: str) -> str:
    return (f'<div style="border-left:4px solid {color};padding:4px 10px;margin:2px 0;'
            f'line-height:1.8;background:#fafafa">{html.escape(text)}</div>')


def render_dup(ctx: Any, text: str, unit: str | None = None, year: int | None = None) -> None:
    """The 查重 expander: rates, per-section table and the copied passages beside their sources."""
    data = dup_result(ctx.settings, text, unit, year, getattr(ctx, "who", None))
    spans = data["spans"]
    stats = data.get("stats") or []
    extra = f"，格式相同的统计句 {len(stats)} 处" if stats else ""
    with st.expander(f"查重：重复率 {data['rate']:.1%}（{len(spans)} 处{extra}）", expanded=bool(spans or stats)):
        c1, c2, c3 = st.columns(3)
        c1.metric("重复率", f"{data['rate']:.1%}")
        c2.metric("照搬本单位往年报告", f"{data['own_rate']:.1%}")
        c3.metric("与其他单位报告重复", f"{data['other_rate']:.1%}")
        st.caption("与知识库中的全部报告（样例、上传）逐句比对；“坚持党管干部”“凡提四必”等规范表述不计入。")
        rows = [
            {"部分": r["section"], "字数": r["chars"], "重复字数": r["copied"], "重复率": f"{r['rate']:.1%}"}
            for r in data["sections"]
        ]
        if rows:
            st.table(rows)
        if not spans:
            st.success("未发现与知识库中报告重复的内容。")
        for label, own in (("照搬本单位往年报告", True), ("与其他单位报告重复", False)):
            group = [sp for sp in spans if sp["own"] is own]
            if not group:
                continue
            st.markdown(f"**{label}（{len(group)} 处）**")
            for sp in group[:40]:
                left, right = st.columns(2)
                left.markdown(f"本稿 · {md_escape(sp['section'])}")
                left.markdown(_box(sp["text"], "#d4a72c"), unsafe_allow_html=True)
                right.markdown(f"来源 · {md_escape(sp['source'])}（相似度 {sp['score']:.0%}）")
                right.markdown(_box(sp["source_text"], "#8c959f"), unsafe_allow_html=True)
        _render_stats(data.get("stats") or [])


def _describe(changes: list[Any]) -> str:
    """“提拔正科级 3→5；职级晋升 12→15” (as :meth:`StatSentence.describe`)."""
    return "；".join(f"{lab} {old}→{new}" if lab else f"{old}→{new}" for lab, old, new in changes)


def _render_stats(stats: list[dict[str, Any]]) -> None:
    """Clauses worded like a source's but with this year's figures: facts, not copied text."""
    if not stats:
        return
    st.markdown(f"**格式相同的统计句（{len(stats)} 处）**")
    st.caption("句式与往年或其他单位报告相同、只有数字不同：数字已更新，不计为重复。")
    for sp in stats[:40]:
        whose = "本单位往年报告" if sp.get("own") else "其他单位报告"
        st.markdown(f"本稿 · {md_escape(sp['section'])}：与{whose}《{md_escape(sp['source'])}》相比 "
                    f"**{md_escape(_describe(sp['changes']))}**")
        left, right = st.columns(2)
        left.markdown(_box(sp["text"], "#4c8bf5"), unsafe_allow_html=True)
        right.markdown(_box(sp["source_text"], "#8c959f"), unsafe_allow_html=True)
