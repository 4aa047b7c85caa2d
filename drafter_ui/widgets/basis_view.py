"""The 事实依据 view of a section, 「导入修改稿」 and the 送审包 download (issue 22).

- :func:`render_section_basis`: each sentence of a section with its status (有依据 /
  通用提法 / 参考写法 / 本人修改 / 无依据) and, on hover and below it, what it rests on.
  Computed against the CURRENT fact sheet; a sentence not in the section's last
  generated version is the writer's own edit.
- :func:`render_import`: the writer's .docx/.wps/.doc/.txt read back: sections paired by
  heading, each changed section saved as a 「Word修改稿」 version under the signed-in
  name, the diff shown per section, checks and basis run again.
- :func:`package_button`: 导出 → 送审包 (.docx, 事实依据表 .xlsx, checks, fact sheet).
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from drafter.drafting.basis import BasisMatcher, SentenceBasis
from drafter.errors import DrafterError
from drafter.facts.sheet import FactSheet, parse_facts
from drafter.storage import SectionVersion, StoredDraft

from ..safe_text import md, say
from ..state import Ctx
from .highlight import md_escape

__all__ = ["package_button", "render_import", "render_review_basis", "render_section_basis", "section_rows"]

_BADGE = {
    "有依据": ("#e6f4ea", "#137333"),
    "通用提法": ("#eef2f7", "#3c4a5c"),
    "参考写法": ("#fff4db", "#8a5a00"),
    "本人修改": ("#e8f0fe", "#1a56c4"),
    "无依据": ("#fde2e1", "#a50e0e"),
}
_CSS = """<style>
.basis-list{display:flex;flex-direction:column;gap:6px;margin:4px 0 8px 0}
.basis-row{display:flex;gap:8px;align-items:flex-start;border-bottom:1px solid #eee;padding:3px 0}
.basis-badge{flex:0 0 auto;font-size:12px;border-radius:4px;padding:1px 6px;white-space:nowrap;margin-top:2px}
.basis-text{flex:1 1 auto;min-width:0;line-height:1.7;overflow-wrap:anywhere}
.basis-why{display:block;color:#5f6368;font-size:12.5px;line-height:1.5}
</style>"""


@st.cache_data(show_spinner=False, max_entries=512)
def _rows(text: str, heading: str, facts_yaml: str | None, previous: str | None, author: str) -> list[dict[str, Any]]:
    facts = parse_facts(facts_yaml) if facts_yaml else None
    rows = BasisMatcher(facts).text(text, section=heading or "开头", previous=previous, author=author)
    return [r.to_dict() for r in rows]


def section_rows(ctx: Ctx, draft_id: int, sec: SectionVersion, sheet: FactSheet | None) -> list[SentenceBasis]:
    """The section's 事实依据表 rows, against the current sheet; edits since the last generation marked."""
    previous: str | None = None
    author = ""
    if sec.kind != "generated":
        history = ctx.repo.section_history(draft_id, sec.section_id)
        generated = next((v for v in history if v.kind == "generated"), None)
        previous = generated.text if generated is not None else ""
        author = sec.author
    data = _rows(sec.text, sec.heading, sheet.to_yaml() if sheet else None, previous, author)
    return [SentenceBasis.from_dict(d) for d in data]


def _html(rows: list[SentenceBasis]) -> str:
    out = [_CSS, '<div class="basis-list">']
    for r in rows:
        bg, fg = _BADGE.get(r.status, ("#eee", "#333"))
        why = html.escape(r.basis_text(), quote=True)
        out.append(
            f'<div class="basis-row"><span class="basis-badge" style="background:{bg};color:{fg}">{r.status}</span>'
            f'<span class="basis-text" title="{why}">{html.escape(r.sentence)}'
            f'<span class="basis-why">依据：{why}</span></span></div>'
        )
    out.append("</div>")
    return "".join(out)


def render_section_basis(ctx: Ctx, draft_id: int, sec: SectionVersion, sheet: FactSheet | None) -> None:
    """An expander under the section's findings: each sentence, its status and its basis."""
    if not sec.text.strip():
        return
    try:
        rows = section_rows(ctx, draft_id, sec, sheet)
    except DrafterError as err:
        say("warning", f"无法计算本节的事实依据：{err}")
        return
    bad = sum(1 for r in rows if r.status == "无依据")
    label = f"事实依据（{len(rows)}句" + (f"，无依据{bad}句）" if bad else "）")
    with st.expander(label, expanded=bool(bad), key=f"exp_basis_{draft_id}_{sec.section_id}"):
        if sheet is None:
            st.caption("数据表尚有问题：只识别规范提法和短语库，数字和事项待数据表改正后核对。")
        st.markdown(_html(rows), unsafe_allow_html=True)


# ---- 导入修改稿 ------------------------------------------------------------------------
_STATUS_ZH = {"unchanged": "未改动", "changed": "有改动", "added": "新增", "removed": "删除"}


def _read_upload(name: str, data: bytes) -> str:
    from drafter.review.readback import read_edited

    suffix = Path(name).suffix.lower() or ".txt"
    with tempfile.TemporaryDirectory(prefix="drafter-readback-") as tmp:
        path = Path(tmp) / f"修改稿{suffix}"
        path.write_bytes(data)
        return read_edited(path)


def _import(ctx: Ctx, draft: StoredDraft, sheet: FactSheet | None, upload: Any) -> None:
    from drafter.review.readback import apply_readback, read_back
    from drafter.text.limits import check_document

    try:
        edited = check_document(_read_upload(upload.name, upload.getvalue()), upload.name, command="readback")
        rb = read_back(draft.text(), edited, facts=sheet, draft_sections=draft.sections, author=ctx.author)
        saved = apply_readback(ctx.repo, draft.id, rb, facts=sheet, author=ctx.author,
                               genre=sheet.genre if sheet else "report")
    except DrafterError as err:
        st.session_state["readback_result"] = {"error": f"无法读取修改稿“{upload.name}”：{err}"}
        return
    st.session_state["readback_result"] = {
        "file": upload.name,
        "saved": saved,
        "counts": rb.counts(),
        "frame": rb.frame.to_dict(),
        "sections": [
            {"status": s.status, "old": s.old_heading, "new": s.new_heading, "renamed": s.renamed,
             "diff": [op.to_dict() for op in s.diff]}
            for s in rb.sections
        ],
        "findings": [f.to_dict() for f in rb.new_findings],
        "unsupported": [b.to_dict() for b in rb.basis if b.status == "无依据"],
    }
    ctx.audit("readback", upload.name)


def _diff_html(ops: list[dict[str, str]]) -> str:
    out = []
    for op in ops:
        if op["op"] == "equal":
            text = op["old"]
            if len(text) > 60:
                text = text[:25] + "……" + text[-25:]
            out.append(html.escape(text).replace("\n", "<br>"))
        else:
            if op.get("old"):
                out.append(f'<del style="background:#ffd7d5;color:#82071e">{html.escape(op["old"])}</del>')
            if op.get("new"):
                out.append(f'<ins style="background:#ccffd8;color:#055d20;text-decoration:none">{html.escape(op["new"])}</ins>')
    return '<div style="line-height:1.8;overflow-wrap:anywhere">' + "".join(out) + "</div>"


def _show_result(result: dict[str, Any]) -> None:
    if "error" in result:
        say("error", result["error"])
        return
    c = result["counts"]
    saved = len(result["saved"])
    say("success" if saved else "info",
        f"已读回“{result['file']}”：未改动{c['unchanged']}节，有改动{c['changed']}节，新增{c['added']}节，删除{c['removed']}节；"
        + (f"{saved}节已存为「Word修改稿」新版本。" if saved else "没有需要保存的改动。"))
    fr = result["frame"]
    frame = [f"{k}：{fr[v]}" for k, v in (("主送", "salutation"), ("落款", "signer"), ("成文日期", "date")) if fr.get(v)]
    if frame:
        st.caption(md("识别为公文格式（不计入正文）：" + "；".join(frame)))
    for s in result["sections"]:
        if s["status"] == "unchanged":
            continue
        head = s["new"] or s["old"] or "开头"
        extra = f"（原标题：{s['old']}）" if s["renamed"] else ""
        st.markdown(f"**{_STATUS_ZH[s['status']]} · {md_escape(head + extra)}**")
        st.markdown(_diff_html(s["diff"]), unsafe_allow_html=True)
    if result["findings"]:
        sev = {"error": "错误", "warning": "警告", "info": "提示"}
        st.markdown(f"**修改后新出现的问题（{len(result['findings'])}处）**")
        for f in result["findings"]:
            st.markdown(f"- {sev.get(f['severity'], '')}·{md_escape((f.get('section') or '开头') + '：' + f['message'])}")
    if result["unsupported"]:
        st.markdown(f"**无依据的句子（{len(result['unsupported'])}句）**")
        for r in result["unsupported"]:
            what = "、".join(r["unsupported"]) or "没有对应的数据表内容"
            st.markdown(f"- {md_escape(r['section'] + '：' + r['sentence'])}（{md_escape(what)}）")


def render_import(ctx: Ctx, draft: StoredDraft, sheet: FactSheet | None) -> None:
    """「导入修改稿」: the writer's edited Word/WPS file back into the draft's versions."""
    with st.expander("导入修改稿（在 Word / WPS 中改过的文稿）", key="exp_readback",
                     expanded="readback_result" in st.session_state):
        st.caption("上传导出后在 Word 或 WPS 中修改过的文稿：按标题逐节比对，改过的部分存为「Word修改稿」新版本，"
                   "未改动的部分保持不变；主送、落款和日期不计入正文。")
        upload = st.file_uploader("修改稿（.docx / .wps / .doc / .txt）", type=["docx", "wps", "doc", "txt"],
                                  key="readback_upload", disabled=not ctx.may_write)
        if st.button("读回修改稿", key="readback_go", disabled=upload is None or not ctx.may_write):
            _import(ctx, draft, sheet, upload)
            st.rerun()
        result = st.session_state.get("readback_result")
        if result:
            _show_result(result)


# ---- 送审包 ---------------------------------------------------------------------------
def package_button(ctx: Ctx, draft: Any, text: str, sheet: FactSheet | None, signature: Any) -> None:
    """导出 → 送审包: the .docx, 事实依据表, check results and fact sheet in one .zip."""
    if sheet is None:
        st.caption("送审包需要有效的数据表：请先在“数据填报”中改正数据表。")
        return
    if st.button("生成送审包（文稿 + 事实依据表 + 检查结果 + 数据表）", key="make_package"):
        from drafter.checks import check_text
        from drafter.export.package import build_package

        full = text
        st.session_state["package_bytes"] = build_package(
            full, sheet, signature=signature, check=check_text(full, facts=sheet))
    data = st.session_state.get("package_bytes")
    if data:
        name = (getattr(draft, "title", "") or "草稿") + "-送审包.zip"
        st.download_button("下载送审包 .zip", data=data, file_name=name, mime="application/zip",
                           key="dl_package", on_click=ctx.audit, args=("export", name))


# ---- 审核: a 送审包's 事实依据表 -----------------------------------------------------------
def render_review_basis(report: Any) -> None:
    """The reviewer's view of a 送审包: counts per status and every sentence with its basis."""
    rows = [SentenceBasis.from_dict(d) for d in (report.basis or [])]
    counts = {s: sum(1 for r in rows if r.status == s) for s in _BADGE}
    bad = counts.get("无依据", 0)
    label = f"事实依据表（送审包，{len(rows)}句：" + "，".join(f"{k}{v}" for k, v in counts.items() if v) + "）"
    with st.expander(label, expanded=bool(bad), key=f"review_basis_{report.file}"):
        only = st.toggle("只看无依据的句子", value=bool(bad), key=f"review_basis_only_{report.file}")
        shown = [r for r in rows if r.status == "无依据"] if only else rows
        if not shown:
            st.caption("没有无依据的句子。")
            return
        section = None
        parts: list[str] = []
        for r in shown:
            if r.section != section:
                section = r.section
                parts.append(f'<div style="font-weight:600;margin-top:6px">{html.escape(section or "开头")}</div>')
            parts.append(_html([r]))
        st.markdown("".join(parts), unsafe_allow_html=True)
