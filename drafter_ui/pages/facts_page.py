"""数据填报: the fact sheet as a form, validated at each field, saved as it is typed."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import streamlit as st
import yaml

from drafter.drafting.composer import practice_preview
from drafter.errors import AccessDenied, FactSheetError, InputError
from drafter.facts.form import (
    FormCheck,
    cell_value,
    check_form,
    form_from_sheet,
    lines,
    sheet_data,
)
from drafter.facts.shape import normalise_shape
from drafter.facts.sheet import COUNT_UNITS, FIELD_LABELS, parse_facts
from drafter.facts.templates import blank_figures
from drafter.facts.units import (
    catalogue,
    infer_unit_type,
    split_levels,
    unit_type,
    unit_types,
)
from drafter.text.safe_yaml import load_yaml

from .. import state
from ..completeness import missing_items
from ..safe_text import md, say
from ..state import FORM_WIDGETS, LIST_FIELDS, Ctx
from ..widgets import history
from ..widgets.feedback_panel import feedback_panel

__all__ = ["current_check", "has_content", "keep_typed", "render", "save_form"]

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
    saved = json.loads(st.session_state.get("saved_json") or "{}")  # the open report as saved, not as typed
    if st.session_state.get("report_id") is not None and has_content(saved) and not _same_report(saved, new):
        # another unit or year: a report of its own, never written over the open one
        old_label = f"{saved.get('unit') or '未命名'} · {saved.get('year') or ''}年度"
        state.new_form()
        kind, text = msg
        msg = (kind, f"{text}。单位或年度与当前报告不同，已另建为新报告；原报告“{old_label}”仍可在左侧“已保存的报告”中打开")
    st.session_state["form"] = new
    state._push_widgets(new)
    st.session_state["import_msg"] = msg


def _import_export(ctx: Ctx) -> None:
    with st.expander("导入 / 导出数据表（YAML，与命令行通用）", key="exp_yaml"):
        uploaded = st.file_uploader(
            "导入数据表文件", type=["yaml", "yml"], key=f"yaml_upload_{st.session_state.get('fig_nonce', 0)}",
            disabled=state.read_only(),
        )
        if uploaded is not None and uploaded.file_id not in st.session_state.setdefault("imported", set()):
            _import_yaml(uploaded)
            # noted only once the form, its boxes and its table are all replaced: a run stopped
            # halfway (a tab clicked at once) imports again on the next run of this page
            st.session_state["imported"] = st.session_state["imported"] | {uploaded.file_id}
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


def _on_level_change(generation: int | None = None) -> None:
    if generation is not None and generation != state.form_generation():
        return  # a box drawn for the form an import replaced: its old choice is stale
    f = state.form()
    level = st.session_state.get("f_level") or ""
    f["level"] = level
    f["unit_type"] = st.session_state.get("f_unit_type") or ""
    if all(r.get("value") in (None, "") for r in f.get("figures") or []):
        state.reset_figures(blank_figures(level or None, _resolved_type(f)))


def _add_template_rows() -> None:
    f = state.form()
    have = {r.get("label") for r in f.get("figures") or []}
    rows = list(f.get("figures") or []) + [
        r for r in blank_figures(f.get("level") or None, _resolved_type(f)) if r["label"] not in have
    ]
    state.reset_figures(rows)


def _text_inputs(f: dict[str, Any]) -> dict[str, Any]:
    """The text fields, two rows; each row's messages go in a full-width slot below it."""
    slots: dict[str, Any] = {}
    ss = st.session_state
    for field, key in FORM_WIDGETS.items():
        if key not in ss:
            ss[key] = "" if f.get(field) is None else str(f.get(field))
    c1, c2, c3 = st.columns([3, 2, 1])
    ro = state.read_only()
    c1.text_input("单位名称 *", key="f_unit", help=_HELP["unit"], placeholder=_HELP["unit"], disabled=ro)
    c2.text_input("报告主体 *", key="f_org", help=_HELP["org"], placeholder=_HELP["org"], disabled=ro)
    c3.text_input("年度 *", key="f_year", help=_HELP["year"], placeholder="四位年份", disabled=ro)
    row = st.empty()
    slots.update(unit=row, org=row, year=row)
    _unit_type_field(f)
    c1, c2, c3 = st.columns([1, 2, 2])
    with c1:
        _level_field(f)
    c2.text_input("上级组织部门", key="f_superior", help=_HELP["superior"], placeholder=_HELP["superior"], disabled=ro)
    c3.text_input("所在地区", key="f_region", help=_HELP["region"], placeholder=_HELP["region"], disabled=ro)
    row = st.empty()
    slots.update(level=row, superior=row, region=row, unit_type=row)
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
        disabled=state.read_only(),
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
    c1.button("补齐本层级常用行", on_click=_add_template_rows, disabled=state.read_only(), help="按所选干部层级补上表中缺少的常用数据行")
    c2.caption("要添加表中没有的数据（如某项占比），点表格右上角的 ＋ 或表格最后一行；选中行后按 Delete 可删除。")
    return st.empty()


def _compact_edit(i: int, key: str, generation: int | None = None) -> None:
    """A value typed in the compact editor goes into the form and the table (a fresh table key).

    ``generation`` is the form's when the box was drawn (:func:`state.form_generation`): a box
    drawn before the form was replaced (an import) may still send its old value with the next
    click; that value is stale and never overwrites the new figures.
    """
    if generation is not None and generation != state.form_generation():
        return
    rows = [dict(r) for r in state.form().get("figures") or []]
    if i < len(rows):
        rows[i]["value"] = cell_value(str(st.session_state.get(key) or "").strip() or None)
        state.reset_figures(rows)


def _compact_figures(f: dict[str, Any]) -> None:
    """On narrow screens (CSS in drafter_ui.layout): one field per figure, its unit in the label."""
    with st.container(key="figs_compact"):
        for i, row in enumerate(f.get("figures") or []):
            # one key per row for good: a fresh key would draw a new box and drop the focus of a
            # writer tabbing on to the next row while this run goes on (the next value typed into nothing)
            # the form's generation in the key: a box drawn for a replaced form (an import) is another widget
            key = f"figc_{state.form_generation()}_{i}"
            want = _cell_text(row.get("value"))
            if st.session_state.get(key) != want:  # the form's value (the table may have changed it)
                st.session_state[key] = want
            st.text_input(f"{row.get('label') or f'第{i + 1}行'}（{row.get('unit') or '人'}）", key=key,
                          placeholder="（未填写）", on_change=_compact_edit,
                          args=(i, key, state.form_generation()), disabled=state.read_only())
        st.caption("添加、删除数据行请在较宽的屏幕上操作。")


def _lists(f: dict[str, Any]) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    ss = st.session_state
    cols: list[Any] = []
    for i, (field, key) in enumerate(LIST_FIELDS.items()):
        if key not in ss:
            ss[key] = "\n".join(f.get(field) or [])
        if i % 2 == 0:  # one row of two boxes at a time: Tab goes in reading order, left then right
            cols = st.columns(2)
        with cols[i % 2]:
            st.text_area(_LABELS[field], key=key, help=_LIST_HELP[field], placeholder=_LIST_HELP[field], height=130,
                         disabled=state.read_only())
            slots[field] = st.empty()
        f[field] = lines(ss.get(key, ""))
    return slots


def has_content(f: dict[str, Any]) -> bool:
    """Whether the writer has typed anything worth saving (a unit the app filled in does not count)."""
    prefilled = st.session_state.get("prefilled_unit")
    return bool(
        (f.get("unit") and f.get("unit") != prefilled) or f.get("org") or any(r.get("value") is not None for r in f.get("figures") or [])
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
    refused = ss.get("refused")
    unit = str(f.get("unit") or "").strip()
    if refused and refused[0] == unit:  # this unit was refused (and logged once): say it again, ask nothing
        say("error", refused[1])
        return None
    if ctx.report_id is None:
        if not has_content(f):
            return None
        check_unit = getattr(ctx.repo, "check_unit", None)  # team server: a refused unit creates nothing
        if check_unit is not None:
            try:
                check_unit(str(f.get("unit") or ""))
            except AccessDenied as err:
                ss["refused"] = (unit, str(err))
                say("error", str(err))
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
    except AccessDenied as err:
        ss["refused"] = (unit, f"未保存：{err}")
        say("error", f"未保存：{err}")
        return None
    except InputError as err:
        say("error", f"保存失败：{err}")
        return None
    history.saved(ss["report_id"], result)
    ss["saved_json"] = current
    ss["facts_rev"] = result.revision
    ss["name_taken"] = result.name_taken
    return result


def _typed_figures(f: dict[str, Any]) -> None:
    """The table's cell edits not yet read by a run of this page (a tab clicked straight from a cell)."""
    delta = st.session_state.get(state.figures_key())
    base = st.session_state.get("fig_base")
    if not isinstance(delta, dict) or base is None:
        return
    rows = [{"label": _cell_text(r.get("label")), "value": _cell_text(r.get("value")),
             "unit": _cell_text(r.get("unit")) or "人"} for r in base]
    for i, cells in (delta.get("edited_rows") or {}).items():
        if 0 <= int(i) < len(rows) and isinstance(cells, dict):
            rows[int(i)].update({k: v for k, v in cells.items() if k in ("label", "value", "unit")})
    rows += [{"label": "", "value": "", "unit": "人", **r} for r in delta.get("added_rows") or [] if isinstance(r, dict)]
    gone = {int(i) for i in delta.get("deleted_rows") or []}
    f["figures"] = _rows_from_editor(pd.DataFrame([r for i, r in enumerate(rows) if i not in gone],
                                                  columns=["label", "value", "unit"]))


def keep_typed(ctx: Ctx) -> None:
    """What was typed in 数据填报 and not yet read there, read and saved before another tab is drawn.

    A box's value reaches the server when it loses focus; clicking a tab straight from
    the box sends that value with the tab change, so the run that draws the other tab
    is the only one that sees it (the box is then off screen and Streamlit forgets it).
    """
    ss = st.session_state
    if state.form_widgets_dropped() or "form" not in ss:  # 数据填报 was not the page last drawn
        return
    f = state.form()
    for field, key in FORM_WIDGETS.items():
        if key in ss and ss[key] is not None:
            f[field] = ss[key]
    for field, key in LIST_FIELDS.items():
        if key in ss and ss[key] is not None:
            f[field] = lines(ss[key])
    for item in f.get("practices") or []:
        if isinstance(item, dict) and item.get("id"):
            v, n = practice_key("v", item["id"]), practice_key("n", item["id"])
            if v in ss and "value" in item:
                item["value"] = cell_value(ss.get(v)) if item.get("value") is not None or ss.get(v) else None
            if n in ss:
                item["note"] = str(ss.get(n) or "").strip() or None
    _typed_figures(f)
    if ctx.may_write and (ctx.report_id is not None or has_content(f)):
        save_form(ctx, current_check())


def render(ctx: Ctx) -> None:
    """The 数据填报 tab."""
    if state.form_widgets_dropped():  # coming from another page: the widgets show the form again
        state.push_text_widgets(state.form())
    state.drawing("facts")  # after the push: an interruption before it only pushes again
    opened = st.session_state.pop("form_opened", None)  # this run draws a report just opened
    _import_export(ctx)
    f = state.form()  # after the import, which replaces the form
    slots = _text_inputs(f)
    fig_slot = _figures_editor(f)
    _practice_checklist(f)
    list_slots = _lists(f)
    feedback_panel(f, current_check().at("feedback") + current_check().at("appraisal"))  # issue 24
    slots.update(_signature_fields(f))
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
    ss = st.session_state
    if opened is not None and opened == state.form_generation():
        # nothing can have been typed into a form drawn for the first time: what the boxes
        # give back is the sheet as saved, not a change to save (or log as 修改数据表)
        ss["saved_json"] = json.dumps(f, ensure_ascii=False, sort_keys=True)
    result = save_form(ctx, check)
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
    saved = f"已自动保存（第{rev}版）" if isinstance(rev, int) else "已自动保存"  # never “第None版”
    if ctx.report_id is None:
        st.caption("填写后自动保存。")
    elif not check.valid:
        n = sum(len(v) for v in check.problems.values())
        st.info(f"{saved}，但还有{n}处需要修正，修正后才能起草。")
    elif missing := missing_items(f):
        st.info(
            f"{saved}，可以起草，但还缺：{'、'.join(missing)}。"
            "未填的内容在草稿中会标为“〔待补〕”，导出前需补上。"
        )
    else:
        st.success(f"数据表完整，{saved}。可以到“起草”页生成全文。")


def _history(ctx: Ctx) -> None:
    history.render(ctx)


# ---- unit type, level, practice checklist, 落款 (issue 9) ----------------------------
def _resolved_type(f: dict[str, Any]) -> str:
    """The form's unit type: as chosen, else inferred from the unit and reporting body."""
    chosen = str(f.get("unit_type") or "")
    if chosen in unit_types():
        return chosen
    return infer_unit_type(str(f.get("unit") or ""), str(f.get("org") or "")).unit_type


def _unit_type_field(f: dict[str, Any]) -> None:
    """单位类型: a choice, or automatic (the inferred type is shown)."""
    ss = st.session_state
    types = unit_types()
    guess = infer_unit_type(str(ss.get("f_unit") or f.get("unit") or ""), str(ss.get("f_org") or f.get("org") or ""))
    if ss.get("f_unit_type") not in ("", *types):
        ss["f_unit_type"] = ""
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    c1.selectbox(
        "单位类型",
        options=["", *types],
        key="f_unit_type",
        format_func=lambda x: types[x].name if x else f"自动判断（{types[guess.unit_type].name}）",
        on_change=_on_level_change,
        args=(state.form_generation(),),
        disabled=state.read_only(),
        help="决定报告的自称、会议名称、依据的规定、预填的数据行和做法清单",
    )
    chosen = ss.get("f_unit_type") or ""
    now = chosen or guess.unit_type
    last = ss.get("ut_last")
    if last in types and last != now and all(r.get("value") in (None, "") for r in f.get("figures") or []):
        # another type and nothing typed in the table yet: its own levels and rows
        level = str(ss.get("f_level") or "")
        if level in ("", types[last].default_level) or (level in types[last].levels and level not in types[now].levels):
            ss["f_level"] = types[now].default_level
            f["level"] = ss["f_level"]
        state.reset_figures(blank_figures(ss.get("f_level") or None, now))
    ss["ut_last"] = now
    if chosen:
        c2.caption(f"已选定：{types[chosen].name}。{types[chosen].description}")
    else:
        c2.caption(f"未选择时自动判断：{guess.reason}。如不对，请在“单位类型”中选定。")


def _level_field(f: dict[str, Any]) -> None:
    """干部层级: the type's levels and their combinations; any other level typed is kept."""
    ss = st.session_state
    ut = unit_type(_resolved_type({**f, "unit": ss.get("f_unit"), "org": ss.get("f_org"),
                                   "unit_type": ss.get("f_unit_type")}))
    current = str(ss.get("f_level") or "")
    options = list(ut.levels)
    if len(ut.levels) >= 2:
        options.append("、".join(ut.levels[:2]))
    for extra in [current, *split_levels(current)]:
        if extra and extra not in options:
            options.append(extra)  # an imported level the type does not list stays as it was
    st.selectbox(
        "干部层级",
        options=[*options, ""],
        key="f_level",
        format_func=lambda x: x or "（不填）",
        on_change=_on_level_change,
        args=(state.form_generation(),),
        accept_new_options=True,
        disabled=state.read_only(),
        help="可选多个层级的组合，也可直接输入；决定表格中预填的常用数据行",
    )


def practice_key(kind: str, practice_id: str) -> str:
    """Widget key of a checklist item (renewed when the form is replaced, e.g. on import)."""
    return f"pr{kind}_{st.session_state.get('fig_nonce', 0)}_{practice_id}"


def _practice_checklist(f: dict[str, Any]) -> None:
    """做法清单: the practices of the unit type, grouped by part; a count beside each ticked item."""
    ss = st.session_state
    type_id = _resolved_type(f)
    ut = unit_type(type_id)
    cat = catalogue()
    entered = {p["id"]: p for p in (f.get("practices") or []) if isinstance(p, dict) and p.get("id")}
    offered = [cat.practice(i) for i in ut.practices]
    offered += [cat.practice(i) for i in entered if i not in ut.practices]  # ticked earlier, kept
    st.markdown(
        f"**本年度做法清单**（{ut.name}）· 只勾选本年度确实做过的；草稿只写勾选的做法，往年报告只作参考写法"
    )
    ticked: list[dict[str, Any]] = []
    for part in cat.parts:
        items = [p for p in offered if p is not None and p.part == part.id]
        if not items:
            continue
        n = sum(1 for p in items if ss.get(practice_key("", p.id), p.id in entered))
        with st.expander(f"{part.short}（已勾选{n}项）", key=f"exp_pr_{part.id}"):
            for p in items:
                key = practice_key("", p.id)
                if key not in ss:
                    ss[key] = p.id in entered
                    ss[practice_key("v", p.id)] = _cell_text(entered.get(p.id, {}).get("value"))
                    ss[practice_key("n", p.id)] = str(entered.get(p.id, {}).get("note") or "")
                ro = state.read_only()
                if not ss.get(key):  # unticked: the box alone (no empty columns on a narrow screen)
                    st.checkbox(p.label_for(type_id), key=key, disabled=ro)
                    continue
                c1, c2, c3 = st.columns([3, 1, 3], vertical_alignment="center")
                c1.checkbox(p.label_for(type_id), key=key, disabled=ro)
                if p.count is not None:
                    c2.text_input(
                        f"数量（{p.count.unit}）", key=practice_key("v", p.id), placeholder=p.count.unit,
                        help=f"{p.count.label or p.label}的数量，可不填", label_visibility="collapsed", disabled=ro,
                    )
                c3.text_input(
                    "说明", key=practice_key("n", p.id), placeholder="补充说明（可不填）",
                    label_visibility="collapsed", disabled=ro,
                )
                entry = {
                    "id": p.id,
                    "value": cell_value(ss.get(practice_key("v", p.id))) if p.count is not None else None,
                    "note": str(ss.get(practice_key("n", p.id)) or "").strip() or None,
                }
                ticked.append(entry)
                _practice_preview(f, type_id, entry)
    f["practices"] = ticked
    check = current_check()
    for msg in check.at("practices"):
        st.error(f"做法清单：{msg}")


def _practice_preview(f: dict[str, Any], type_id: str, entry: dict[str, Any]) -> None:
    """The exact sentence the draft will write for a ticked practice (count and note filled in)."""
    value = entry.get("value")
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else None
    sentence = practice_preview(
        entry["id"], number, entry.get("note"), unit=str(f.get("unit") or ""), org=str(f.get("org") or ""),
        unit_type=type_id, superior=str(f.get("superior") or "").strip() or None,
    )
    if sentence:
        st.caption("草稿将写：" + md(sentence))


def _signature_fields(f: dict[str, Any]) -> dict[str, Any]:
    """落款 and 成文日期: the block that ends the draft and the exported document."""
    ss = st.session_state
    c1, c2 = st.columns([3, 2])
    derived = ""
    try:
        from drafter.facts.units import profile_for

        ut = unit_type(_resolved_type(f))
        derived = profile_for(ut, str(f.get("unit") or ""), str(f.get("org") or "")).signer if f.get("unit") else ""
    except Exception:  # noqa: BLE001 - a hint only
        derived = ""
    ro = state.read_only()
    c1.text_input("落款", key="f_signer", placeholder=derived or "如：中共某某局党组", disabled=ro,
                  help="报告末尾的署名；不填则按单位名称和报告主体生成" + (f"：{derived}" if derived else ""))
    c2.text_input("成文日期", key="f_date", placeholder="如：2026-01-10", disabled=ro, help="报告末尾的日期，格式 2026-01-10；可不填")
    f["signer"] = ss.get("f_signer", "")
    f["date"] = ss.get("f_date", "")
    row = st.empty()
    return {"signer": row, "date": row}
