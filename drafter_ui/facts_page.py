"""数据填报: the fact sheet as a form, validated at each field, saved as it is typed."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import streamlit as st
import yaml

from drafter.errors import FactSheetError, InputError
from drafter.factform import (
    FormCheck,
    cell_value,
    check_form,
    form_from_sheet,
    lines,
    sheet_data,
)
from drafter.facts import COUNT_UNITS, FIELD_LABELS, parse_facts
from drafter.factshape import normalise_shape
from drafter.safe_yaml import load_yaml
from drafter.templates import LEVELS, blank_figures

from . import history, state
from .completeness import missing_items
from .safe_text import md, say
from .state import FORM_WIDGETS, LIST_FIELDS, Ctx

__all__ = ["current_check", "has_content", "render", "save_form"]

_LABELS = FIELD_LABELS
_HELP = {
    "unit": "如：荆州市生态环境局",
    "org": "如：局党组、党委",
    "year": "报告所述年度，四位数字，如2025",
    "superior": "如：市委组织部（可不填）",
    "region": "如：湖北省荆州市（可不填）",
}
_LIST_HELP = {
    "highlights": "每行一条，如：开展“墩苗”计划，选派6名年轻干部到基层挂职",
    "problems": "每行一条；不填则正文提示待补",
    "plans": "每行一条",
    "rectification": "每行一条；上年度“一报告两评议”反馈问题的整改情况",
}


def current_check() -> FormCheck:
    """The session's form, validated."""
    return check_form(state.form())


def _show_fields(slots: dict[str, Any], check: FormCheck) -> None:
    """Each field's messages in its slot (fields sharing a slot are shown together)."""
    by_slot: dict[int, tuple[Any, list[str]]] = {}
    for key, slot in slots.items():
        label = _LABELS.get(key, "")
        msgs = [f"{label}：{m}" if label else m for m in check.at(key)]
        by_slot.setdefault(id(slot), (slot, []))[1].extend(msgs)
    for slot, msgs in by_slot.values():
        if msgs:
            slot.error(md("\n\n".join(msgs)))


def _figure_messages(check: FormCheck, rows: list[dict[str, Any]]) -> list[str]:
    """Row messages, each naming the row number and (if the message does not) the row's label."""
    out = []
    for (_, i), msgs in sorted(
        ((k, v) for k, v in check.problems.items() if isinstance(k, tuple)), key=lambda kv: kv[0][1]
    ):
        label = str(rows[i].get("label") or "") if i < len(rows) else ""
        for m in msgs:
            named = label and f"“{label}”" not in m
            out.append(f"第{i + 1}行" + (f"“{label}”" if named else "") + f"：{m}")
    return out + check.at("figures")


def _cell_text(value: Any) -> str:
    """A cell as text: blank for nothing, ``2`` (not ``2.0``) for whole numbers."""
    if isinstance(value, float) and not math.isnan(value):
        value = cell_value(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _rows_from_editor(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The table's rows as typed: values kept as numbers, or as the text typed (validated later)."""
    rows = []
    for rec in df.to_dict("records"):
        value = cell_value(rec.get("value"))
        label = _cell_text(rec.get("label")).strip()
        unit = _cell_text(rec.get("unit")).strip() or "人"
        if not label and value is None:
            continue  # an empty added row
        rows.append({"label": label, "value": value, "unit": unit})
    return rows


def _same_report(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two forms are about the same unit and year (blank counts as the same)."""
    for key in ("unit", "year"):
        x, y = str(a.get(key) or "").strip(), str(b.get(key) or "").strip()
        if x and y and x != y:
            return False
    return True


def _import_yaml(uploaded: Any) -> None:
    """Replace the form with an uploaded fact-sheet file (kept even if invalid)."""
    raw = uploaded.getvalue()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        st.session_state["import_msg"] = ("error", f"{uploaded.name}：编码无法识别，请另存为 UTF-8 后再导入")
        return
    try:
        sheet = parse_facts(text)
        new = form_from_sheet(sheet)
        msg = ("success", f"已导入 {uploaded.name}")
    except FactSheetError as err:
        try:
            data = load_yaml(text)  # bounded: billion laughs, deep nesting, huge numbers refused
        except FactSheetError:
            data = None
        if not isinstance(data, dict):
            st.session_state["import_msg"] = ("error", f"{uploaded.name}：{err}")
            return
        data, _shape = normalise_shape(data)  # figures: abc, problems: 5 … never reach the form
        new = form_from_sheet(data)
        msg = ("warning", f"已导入 {uploaded.name}，但数据表有误，请在下方逐项修正：{err}")
    level = new.get("level") or ""
    new["level"] = level if level in LEVELS else ""
    current = state.form()
    if st.session_state.get("report_id") is not None and has_content(current) and not _same_report(current, new):
        # another unit or year: a report of its own, never written over the open one
        old_label = f"{current.get('unit') or '未命名'} · {current.get('year') or ''}年度"
        state.new_form()
        kind, text = msg
        msg = (kind, f"{text}。单位或年度与当前报告不同，已另建为新报告；原报告“{old_label}”仍可在左侧“已保存的报告”中打开")
    st.session_state["form"] = new
    state._push_widgets(new)
    st.session_state["import_msg"] = msg


def _import_export(ctx: Ctx) -> None:
    with st.expander("导入 / 导出数据表（YAML，与命令行通用）", key="exp_yaml"):
        uploaded = st.file_uploader(
            "导入数据表文件", type=["yaml", "yml"], key=f"yaml_upload_{st.session_state.get('fig_nonce', 0)}"
        )
        if uploaded is not None and uploaded.file_id not in st.session_state.setdefault("imported", set()):
            st.session_state["imported"].add(uploaded.file_id)
            _import_yaml(uploaded)
        kind, text = st.session_state.pop("import_msg", (None, None))
        if kind:
            say(kind, text)  # names the uploaded file
        check = current_check()
        f = state.form()
        if check.sheet is not None:
            data = check.sheet.to_yaml()
        else:
            data = "# 数据表尚有问题，修正后方可用于起草\n" + yaml.safe_dump(
                sheet_data(f), allow_unicode=True, sort_keys=False
            )
        name = f"{f.get('unit') or '数据表'}{f.get('year') or ''}.yaml"
        st.download_button("导出数据表（YAML）", data=data.encode("utf-8"), file_name=name, mime="application/x-yaml")


def _on_level_change() -> None:
    f = state.form()
    level = st.session_state.get("f_level") or ""
    f["level"] = level
    if all(r.get("value") in (None, "") for r in f.get("figures") or []):
        state.reset_figures(blank_figures(level or None))


def _add_template_rows() -> None:
    f = state.form()
    have = {r.get("label") for r in f.get("figures") or []}
    rows = list(f.get("figures") or []) + [r for r in blank_figures(f.get("level") or None) if r["label"] not in have]
    state.reset_figures(rows)


def _text_inputs(f: dict[str, Any]) -> dict[str, Any]:
    """The text fields, two rows; each row's messages go in a full-width slot below it."""
    slots: dict[str, Any] = {}
    ss = st.session_state
    for field, key in FORM_WIDGETS.items():
        if key not in ss:
            ss[key] = "" if f.get(field) is None else str(f.get(field))
    c1, c2, c3 = st.columns([3, 2, 1])
    c1.text_input("单位名称 *", key="f_unit", help=_HELP["unit"], placeholder=_HELP["unit"])
    c2.text_input("报告主体 *", key="f_org", help=_HELP["org"], placeholder=_HELP["org"])
    c3.text_input("年度 *", key="f_year", help=_HELP["year"], placeholder="四位年份")
    row = st.empty()
    slots.update(unit=row, org=row, year=row)
    c1, c2, c3 = st.columns([1, 2, 2])
    c1.selectbox(
        "干部层级",
        options=[*LEVELS, ""],
        key="f_level",
        format_func=lambda x: x or "（不填）",
        on_change=_on_level_change,
        help="决定表格中预填的常用数据行",
    )
    c2.text_input("上级组织部门", key="f_superior", help=_HELP["superior"], placeholder=_HELP["superior"])
    c3.text_input("所在地区", key="f_region", help=_HELP["region"], placeholder=_HELP["region"])
    row = st.empty()
    slots.update(level=row, superior=row, region=row)
    for field, key in FORM_WIDGETS.items():
        f[field] = ss.get(key, "")
    return slots


def _figures_editor(f: dict[str, Any]) -> Any:
    st.markdown("**本年度数据** · 数值填阿拉伯数字，百分比填0–100（单位选 %）；空白的行不计入")
    key = state.figures_key()
    st.session_state["fig_key"] = key
    if key not in st.session_state or "fig_base" not in st.session_state:
        st.session_state["fig_base"] = [dict(r) for r in f.get("figures") or []]
    rows = st.session_state["fig_base"]
    base = pd.DataFrame(
        [{"label": _cell_text(r.get("label")), "value": _cell_text(r.get("value")),
          "unit": _cell_text(r.get("unit")) or "人"} for r in rows],
        columns=["label", "value", "unit"],
    ).astype("string")
    table = st.container(key="figs_table")  # hidden on narrow screens (drafter_ui.layout)
    edited = table.data_editor(
        base,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        # tall enough to show every row (plus a few added ones) without a scrollbar inside the table
        height=35 * (max(len(rows), 1) + 3) + 3,
        placeholder="",
        column_config={
            # no fixed width: sized to the labels, so 数值 and 单位 stay on screen at 1024 px
            "label": st.column_config.TextColumn("名称", default=""),
            # text, not a number column: a number column silently turns "abc" into 0
            "value": st.column_config.TextColumn(
                "数值", help="人数、次数填整数；百分比填0–100", default="", alignment="right"
            ),
            "unit": st.column_config.SelectboxColumn("单位", options=list(COUNT_UNITS), default="人"),
        },
    )
    f["figures"] = _rows_from_editor(edited)
    _compact_figures(f)
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    c1.button("补齐本层级常用行", on_click=_add_template_rows, help="按所选干部层级补上表中缺少的常用数据行")
    c2.caption("要添加表中没有的数据（如某项占比），点表格右上角的 ＋ 或表格最后一行；选中行后按 Delete 可删除。")
    return st.empty()


def _compact_edit(i: int, key: str) -> None:
    """A value typed in the compact editor goes into the form and the table (a fresh table key)."""
    rows = [dict(r) for r in state.form().get("figures") or []]
    if i < len(rows):
        rows[i]["value"] = cell_value(str(st.session_state.get(key) or "").strip() or None)
        state.reset_figures(rows)


def _compact_figures(f: dict[str, Any]) -> None:
    """On narrow screens (CSS in drafter_ui.layout): one field per figure, its unit in the label."""
    nonce = st.session_state.get("fig_nonce", 0)
    with st.container(key="figs_compact"):
        for i, row in enumerate(f.get("figures") or []):
            key = f"figc_{nonce}_{i}"
            st.session_state[key] = _cell_text(row.get("value"))  # always the form's value (the table may have changed it)
            st.text_input(f"{row.get('label') or f'第{i + 1}行'}（{row.get('unit') or '人'}）", key=key,
                          placeholder="（未填写）", on_change=_compact_edit, args=(i, key))
        st.caption("添加、删除数据行请在较宽的屏幕上操作。")


def _lists(f: dict[str, Any]) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    ss = st.session_state
    cols = st.columns(2)
    for i, (field, key) in enumerate(LIST_FIELDS.items()):
        if key not in ss:
            ss[key] = "\n".join(f.get(field) or [])
        with cols[i % 2]:
            st.text_area(_LABELS[field], key=key, help=_LIST_HELP[field], placeholder=_LIST_HELP[field], height=130)
            slots[field] = st.empty()
        f[field] = lines(ss.get(key, ""))
    return slots


def has_content(f: dict[str, Any]) -> bool:
    """Whether the writer has typed anything worth saving."""
    return bool(
        f.get("unit") or f.get("org") or any(r.get("value") is not None for r in f.get("figures") or [])
        or any(f.get(k) for k in LIST_FIELDS)
    )


#: Reports created by a session whose run was interrupted before it could note the id
#: (any session-state access may stop a run when a newer one is requested): session id → report id.
_CREATED: dict[str, int] = {}


def _create_report(ctx: Ctx) -> int:
    """A new report for this session, created once even if the run is interrupted halfway."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    sid = run.session_id if run is not None else ""
    if sid in _CREATED:
        rid = _CREATED[sid]
        if ctx.repo.get_report(rid) is not None:
            _CREATED.pop(sid, None)
            return rid
    rid = ctx.repo.create_report().id
    _CREATED[sid] = rid  # a plain dict: no interruption point between creating and noting
    st.session_state["report_id"] = rid
    _CREATED.pop(sid, None)
    return rid


def save_form(ctx: Ctx, check: FormCheck) -> Any:
    """Save the form if it changed (creating the report on the first content)."""
    ss = st.session_state
    f = state.form()
    current = json.dumps(f, ensure_ascii=False, sort_keys=True)
    if current == ss.get("saved_json"):
        return None
    if ctx.report_id is None:
        if not has_content(f):
            return None
        ss["report_id"] = _create_report(ctx)
        st.query_params["report"] = str(ss["report_id"])
    yaml_text = check.sheet.to_yaml() if check.sheet is not None else None
    try:
        result = ctx.repo.save_facts(
            ss["report_id"],
            f,
            valid=check.valid,
            problems=check.pairs,
            yaml_text=yaml_text,
            author=ctx.author,
            base_revision=ss.get("facts_rev"),
            replace_revision=history.sitting_revision(ss["report_id"]),
        )
    except InputError as err:
        say("error", f"保存失败：{err}")
        return None
    history.saved(ss["report_id"], result)
    ss["saved_json"] = current
    ss["facts_rev"] = result.revision
    ss["name_taken"] = result.name_taken
    return result


def render(ctx: Ctx) -> None:
    """The 数据填报 tab."""
    if not state.was_shown("facts"):  # coming from another tab: the widgets show the form again
        state.push_text_widgets(state.form())
    state.shown("facts")
    _import_export(ctx)
    f = state.form()  # after the import, which replaces the form
    slots = _text_inputs(f)
    fig_slot = _figures_editor(f)
    list_slots = _lists(f)
    check = current_check()
    if ctx.report_id is None and not has_content(f):
        st.caption("带 * 的为必填项；填写后自动保存。")
        return
    _show_fields({**slots, **list_slots}, check)
    fig_msgs = _figure_messages(check, list(f.get("figures") or []))
    if fig_msgs:
        fig_slot.error(md("\n\n".join(fig_msgs)))
    for msg in check.at(""):
        say("error", msg)
    result = save_form(ctx, check)
    ss = st.session_state
    if result is not None and result.conflict is not None:
        other = result.conflict
        st.warning(
            f"提示：{other.author or '另一会话'}在您之前保存了这份数据表（第{other.revision}版），"
            f"您的修改已另存为第{result.revision}版；两版都保留在历史中，可在下方“数据表历史”查看。"
        )
    taken = ss.get("name_taken")
    if taken is not None:
        st.warning(
            f"已有“{taken.label}”的报告。本数据表已保存在当前报告中；若要继续那份报告，请在左侧“已保存的报告”中打开它。"
        )
    _save_status(ctx, check, f)
    _history(ctx)


def _save_status(ctx: Ctx, check: FormCheck, f: dict[str, Any]) -> None:
    """Saved or not, and what the sheet still lacks (never “完整” while a part is empty)."""
    rev = st.session_state.get("facts_rev")
    if ctx.report_id is None:
        st.caption("填写后自动保存。")
    elif not check.valid:
        n = sum(len(v) for v in check.problems.values())
        st.info(f"已自动保存（第{rev}版），但还有{n}处需要修正，修正后才能起草。")
    elif missing := missing_items(f):
        st.info(
            f"已自动保存（第{rev}版），可以起草，但还缺：{'、'.join(missing)}。"
            "未填的内容在草稿中会标为“〔待补〕”，导出前需补上。"
        )
    else:
        st.success(f"数据表完整，已自动保存（第{rev}版）。可以到“起草”页生成全文。")


def _history(ctx: Ctx) -> None:
    history.render(ctx)
