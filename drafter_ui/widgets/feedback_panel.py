"""数据填报 → 上年度反馈与民主评议 (issue 24).

Last year's 一报告两评议 / 专项检查 feedback items as a table (反馈问题, 来源, 本年度整改情况:
the 整改情况 lines answer their row's item), imported from last year's 审核表 or typed;
last year's 民主评议 rates (好/较好/一般/差) for the year's work and the new cadres. The
form keeps them as ``feedback`` rows and ``appraisal`` cells (:func:`drafter.facts.feedback.sheet_fields`).
"""

from __future__ import annotations

import copy
import math
from io import BytesIO
from typing import Any

import pandas as pd
import streamlit as st

from drafter.errors import DrafterError
from drafter.facts.feedback import APPRAISAL_GRADES, APPRAISAL_PARTS, FeedbackItem, merge_feedback

from ..safe_text import say
from ..state import bump, read_only

__all__ = ["feedback_panel"]

_COLUMNS = ("text", "source", "answer")


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _editor_key() -> str:
    ss = st.session_state
    return f"fb_editor_{ss.get('fig_nonce', 0)}_{ss.get('fb_nonce', 0)}"


def _import(f: dict[str, Any], uploaded: Any) -> None:
    from drafter.review.feedback import read_feedback_table

    unit = str(f.get("unit") or "").strip()
    try:
        found = read_feedback_table(BytesIO(uploaded.getvalue()), unit or None)
    except DrafterError as err:
        st.session_state["fb_msgs"] = [("error", f"{uploaded.name}：{err}")]
        return
    items = [i for group in found.values() for i in group]
    if not items:
        st.session_state["fb_msgs"] = [("warning", f"{uploaded.name}：审核表中没有“{unit or '本单位'}”的复核意见")]
        return
    rows = list(f.get("feedback") or [])
    have = [FeedbackItem(text=r["text"], source=r.get("source") or "") for r in rows if r.get("text")]
    merged = merge_feedback(have, items)
    added = merged[len(have):]
    rows += [{"text": i.text, "source": i.source, "answer": ""} for i in added]
    f["feedback"] = rows
    bump("fb_nonce")
    st.session_state["fb_msgs"] = [("success", f"已从{uploaded.name}导入{len(added)}条上年度反馈")]


def _appraisal(f: dict[str, Any]) -> None:
    ss = st.session_state
    nonce = ss.get("fig_nonce", 0)
    cells = copy.deepcopy(f.get("appraisal") or {})
    st.markdown("**上年度民主评议结果**（%，可不填；每项评议的四档合计应为100%）")
    for part, label in APPRAISAL_PARTS:
        cols = st.columns(4)
        got: dict[str, str] = {}
        for col, grade in zip(cols, APPRAISAL_GRADES, strict=True):
            key = f"ap_{nonce}_{part}_{grade}"
            if key not in ss:
                ss[key] = str((cells.get(part) or {}).get(grade) or "")
            col.text_input(f"{label}·{grade}（%）", key=key, placeholder="%", disabled=read_only())
            got[grade] = str(ss.get(key) or "").strip()
        cells[part] = got
    f["appraisal"] = cells


def feedback_panel(f: dict[str, Any], problems: list[str]) -> None:
    """The expander; ``problems`` are the form check's messages for these fields."""
    ss = st.session_state
    rows = list(f.get("feedback") or [])
    with st.expander(f"上年度反馈与民主评议（{len(rows)}条反馈）", key="exp_feedback"):
        for kind, msg in ss.pop("fb_msgs", []):
            say(kind, msg)
        st.caption("上年度“一报告两评议”和专项检查反馈的问题逐条列出；“本年度整改情况”写这一条的整改措施和成效，"
                   "草稿的整改部分逐条回应，未填写的留待补标记，检查时列为问题。")
        ro = read_only()
        uploaded = st.file_uploader("从上年度审核表导入（审核页导出的 .xlsx，复核意见作为反馈）", type=["xlsx"],
                                    key=f"fb_xlsx_{ss.get('fb_nonce', 0)}", disabled=ro)
        if uploaded is not None and st.button("导入复核意见", key="fb_import", disabled=ro):
            _import(f, uploaded)
            st.rerun()
        key = _editor_key()
        if key not in ss:
            ss["fb_base"] = [dict(r) for r in rows]
        base = pd.DataFrame([{c: _cell(r.get(c)) for c in _COLUMNS} for r in ss.get("fb_base", [])],
                            columns=list(_COLUMNS)).astype("string")
        edited = st.data_editor(
            base, key=key, num_rows="fixed" if ro else "dynamic", hide_index=True, width="stretch", disabled=ro,
            column_config={
                "text": st.column_config.TextColumn("反馈问题", default=""),
                "source": st.column_config.TextColumn("来源", default="", help="如 2024年度“一报告两评议”反馈"),
                "answer": st.column_config.TextColumn("本年度整改情况", default="", width="large"),
            },
        )
        f["feedback"] = [
            {c: _cell(rec.get(c)).strip() for c in _COLUMNS}
            for rec in edited.to_dict("records")
            if any(_cell(rec.get(c)).strip() for c in _COLUMNS)
        ]
        _appraisal(f)
        for msg in problems:
            say("error", msg)
