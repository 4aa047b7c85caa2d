"""数据表历史: revisions of one sitting coalesced, a list of revisions, a diff, and 恢复.

Every widget change reruns the page and saves the sheet. Saving each change as a
new revision buried the history (32 revisions in five minutes), so the edits of
one *sitting* — this browser session, on this report, with no pause longer than
:data:`SITTING_SECONDS` and nobody else saving in between — update the revision
the sitting started. The repository only updates a revision in place while it is
still the latest one and the session names it (``replace_revision``), so another
writer's save is never overwritten.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from drafter.facts.sheet import FIELD_LABELS
from drafter.storage import FactsSaved, StoredFacts

from .. import state
from ..state import Ctx
from .highlight import author_label, local_time

__all__ = ["SITTING_SECONDS", "form_diff", "render", "saved", "sitting_revision"]

#: A pause longer than this (seconds) ends a sitting: the next change starts a new revision.
SITTING_SECONDS = 600

_TEXT_FIELDS = ("unit", "org", "year", "level", "superior", "region")
_LIST_FIELDS = ("highlights", "problems", "plans", "rectification")


def sitting_revision(report_id: int) -> int | None:
    """The revision this session's current sitting writes to, or None to start a new one."""
    ss = st.session_state
    sitting = ss.get("sitting")
    if ss.get("fresh_revision") or not sitting or sitting.get("report") != report_id:
        return None
    if time.monotonic() - float(sitting.get("last", 0)) > SITTING_SECONDS:
        return None
    return int(sitting["rev"])


def saved(report_id: int, result: FactsSaved) -> None:
    """Record a save: the sitting continues (coalesced) or starts at the new revision."""
    ss = st.session_state
    ss.pop("fresh_revision", None)
    if result.coalesced and ss.get("sitting"):
        ss["sitting"]["last"] = time.monotonic()
    else:
        ss["sitting"] = {"report": report_id, "rev": result.revision, "last": time.monotonic()}


def _value(row: Mapping[str, Any]) -> str:
    value = row.get("value")
    if value in (None, ""):
        return "（空）"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{row.get('unit') or ''}"


def form_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What changed from ``old`` to ``new``, one line per field, figure row or list item."""
    out = []
    for key in _TEXT_FIELDS:
        a, b = str(old.get(key) or ""), str(new.get(key) or "")
        if a != b:
            out.append(f"{FIELD_LABELS.get(key, key)}：{a or '（空）'} → {b or '（空）'}")
    old_rows = {str(r.get("label") or ""): r for r in old.get("figures") or []}
    new_rows = {str(r.get("label") or ""): r for r in new.get("figures") or []}
    for label, row in new_rows.items():
        before = old_rows.get(label)
        if before is None:
            out.append(f"新增数据“{label}”：{_value(row)}")
        elif _value(before) != _value(row):
            out.append(f"“{label}”：{_value(before)} → {_value(row)}")
    for label, row in old_rows.items():
        if label not in new_rows:
            out.append(f"删去数据“{label}”（原为{_value(row)}）")
    for key in _LIST_FIELDS:
        a, b = list(old.get(key) or []), list(new.get(key) or [])
        name = FIELD_LABELS.get(key, key)
        out += [f"{name}：删去“{x}”" for x in a if x not in b]
        out += [f"{name}：新增“{x}”" for x in b if x not in a]
    return out


def _restore(item: StoredFacts) -> None:
    """Put an earlier revision back in the form; it is saved as a new revision on this run."""
    data = copy.deepcopy(item.data)
    st.session_state["form"] = data
    state._push_widgets(data)
    st.session_state["fresh_revision"] = True
    st.session_state["history_msg"] = f"已恢复第{item.revision}版的内容，并另存为新的一版；之前的各版仍在历史中。"


def _label(item: StoredFacts, current: int | None) -> str:
    mark = "完整" if item.valid else "有待修正"
    now = "（当前）" if item.revision == current else ""
    return (f"第{item.revision}版{now} · {local_time(item.created_at, '%Y-%m-%d %H:%M')} · "
            f"{author_label(item.author)} · {mark}")


def render(ctx: Ctx) -> None:
    """The 数据表历史 expander on the 数据填报 tab."""
    if ctx.report_id is None:
        return
    items = ctx.repo.facts_history(ctx.report_id)[:50]
    if msg := st.session_state.pop("history_msg", None):
        st.success(msg)
    with st.expander(f"数据表历史（{len(items)}版）", key="exp_facts_history"):
        st.caption(f"同一次填写中连续的修改合并为一版（停顿超过{SITTING_SECONDS // 60}分钟或他人保存后另起一版）。")
        if len(items) < 1:
            st.caption("还没有保存的版本。")
            return
        current = st.session_state.get("facts_rev")
        by_rev = {item.revision: item for item in items}
        choices = list(by_rev)
        pick = st.selectbox("查看哪一版", choices, index=min(1, len(choices) - 1),
                            format_func=lambda r: _label(by_rev[r], current), key="hist_pick")
        item = by_rev[int(pick)]
        changes = form_diff(item.data, state.form())
        if not changes:
            st.caption("这一版与当前填写的内容相同。")
        else:
            st.markdown(f"**第{item.revision}版 → 当前填写**（{len(changes)}处不同）")
            st.text("\n".join(changes[:40]) + ("\n……" if len(changes) > 40 else ""))
        st.button(f"恢复第{item.revision}版", key="hist_restore", on_click=_restore, args=(item,),
                  disabled=not changes or not ctx.may_write, help="用这一版替换当前填写的内容；当前内容仍保留在历史中")
