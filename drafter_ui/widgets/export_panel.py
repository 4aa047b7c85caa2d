"""Export of the current draft: GB/T 9704 .docx, Markdown, plain text — with a warning while errors remain.

The .docx gets the 主送机关 line under the title and the signature block (落款单位,
成文日期) from three fields prefilled from the fact sheet (the CLI's ``--unit`` and
``--date``). A 成文日期 the writer did not give is exported as a 〔待补：成文日期〕 marker,
never as the server's date.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from drafter.errors import InputError
from drafter.export import Signature, docx_bytes, parse_date, to_markdown
from drafter.text.doctree import Paragraph, parse
from drafter.text.frame import DATE_MISSING

from ..state import Ctx, form, read_only
from .highlight import md_escape

__all__ = ["build_docx", "render"]


def _signature(unit: str, date: str) -> Signature:
    """The signature block of the export fields (``date`` already checked, or blank)."""
    if not date.strip():  # no date yet: 〔待补：成文日期〕, as the draft shows
        return Signature(unit=unit.strip() or None, date_placeholder=DATE_MISSING)
    return Signature(unit=unit.strip() or None, date=parse_date(date))


@st.cache_data(show_spinner=False, max_entries=8)
def build_docx(text: str, addressee: str = "", unit: str = "", date: str = "") -> bytes:
    """The .docx of ``text`` with the 主送机关 line and the signature block (``date`` as YYYY-MM-DD)."""
    doc = parse(text)
    addressee = addressee.strip().rstrip("：:")
    if addressee:
        doc.salutation = Paragraph(addressee + "：", 0, 0)
    return docx_bytes(doc, signature=_signature(unit, date))


def _defaults(draft: Any, signature: Signature | None = None) -> dict[str, str]:
    """主送机关, 落款单位 and 成文日期 as the fact sheet suggests them (its 落款 and date first)."""
    f = form()
    org = str(f.get("org") or "").strip()
    unit = str(f.get("unit") or "").strip()
    signer = unit
    if org and org not in unit and org.endswith(("党组", "党委")):
        # 江城市交通运输局 + 局党组 → 中共江城市交通运输局党组 (the 局 not twice)
        signer = f"中共{unit}{org[1:] if unit.endswith(org[0]) else org}"
    salutation = str(getattr(draft, "salutation", "") or "").strip().rstrip("：:")
    if signature is not None and signature.unit:
        signer = signature.unit
    date = ""  # the sheet's 成文日期; never today's date (a date not given is a marker)
    if signature is not None and signature.date:
        date = signature.date.isoformat()
    elif str(f.get("date") or "").strip():
        try:
            date = parse_date(str(f["date"])).isoformat()
        except InputError:
            date = str(f["date"]).strip()  # shown as typed, with the message below the field
    return {
        "exp_addressee": salutation or str(f.get("superior") or "").strip(),
        "exp_unit": signer,
        "exp_date": date,
    }


_FIELDS = ("exp_addressee", "exp_unit", "exp_date")


def _keep(key: str) -> None:
    st.session_state["export_fields"][key] = st.session_state.get(key, "")


def _fields(draft: Any, signature: Signature | None = None) -> tuple[str, str, str]:
    """The three fields; their values live in ``export_fields`` (widget state is dropped off screen)."""
    ss = st.session_state
    report = ss.get("report_id")
    kept = ss.get("export_fields")
    defaults = _defaults(draft, signature)
    if not kept or kept.get("report") != report:  # prefilled from the sheet; the writer's changes then stay
        kept = ss["export_fields"] = {"report": report, **defaults, "defaults": defaults}
    else:  # the sheet changed since (a 成文日期 entered later): fields the writer did not change follow it
        old = kept.get("defaults") or {}
        for key in _FIELDS:
            if kept.get(key) == old.get(key) and defaults[key] != old.get(key):
                kept[key] = defaults[key]
        kept["defaults"] = defaults
    for key in _FIELDS:  # the kept values are current (kept by on_change), so always safe to show
        ss[key] = kept[key]
    c1, c2, c3 = st.columns([2, 2, 1])
    ro = read_only()  # a reviewer exports the report as the sheet gives it
    c1.text_input("主送机关", key="exp_addressee", on_change=_keep, args=("exp_addressee",), disabled=ro,
                  help="标题下顶格的主送机关，如：市委组织部；可不填")
    c2.text_input("落款单位", key="exp_unit", on_change=_keep, args=("exp_unit",), disabled=ro,
                  help="正文后的署名单位；默认取数据表的单位名称")
    c3.text_input("成文日期", key="exp_date", on_change=_keep, args=("exp_date",), disabled=ro,
                  placeholder="未填：导出为〔待补〕", help="按 YYYY-MM-DD 填写，如 2026-01-05；Word 中写作“2026年1月5日”")
    return ss["exp_addressee"], ss["exp_unit"], ss["exp_date"]


def render(ctx: Ctx, draft: Any, text: str, errors: list[str], signature: Signature | None = None,
           sheet: Any = None) -> None:
    """Download buttons for ``text``; ``errors`` are the unresolved error messages.

    ``signature`` is the 落款 block the draft ends with (from the fact sheet): it prefills
    落款单位 and 成文日期, and ``text`` comes without it (the exporters lay it out).
    """
    with st.expander("导出（Word / Markdown / 纯文本）", key="exp_export"):  # keyed: stays open across reruns
        if errors:
            st.warning(
                f"草稿还有{len(errors)}处错误（如未填的占位符、无依据的数字），正式导出前请先修正：\n\n"
                + "\n".join(f"- {md_escape(e)}" for e in errors[:10])
                + ("\n- ……" if len(errors) > 10 else "")
            )
        addressee, unit, date = _fields(draft, signature)
        name = draft.title or "草稿"
        date_ok = True
        if date.strip():
            try:
                parse_date(date)
            except InputError:
                st.error(f"成文日期“{date.strip()}”无法识别：请按 YYYY-MM-DD 填写，如 2026-01-05。")
                date_ok = False
        c1, c2, c3 = st.columns(3)
        if c1.button("生成 Word 文件（GB/T 9704 版式）", key="make_docx", disabled=not date_ok):
            st.session_state["docx_ready"] = True
        if st.session_state.get("docx_ready") and date_ok:
            c1.download_button(
                "下载 .docx" + ("（仍有错误）" if errors else ""),
                data=build_docx(text, addressee, unit, date),
                file_name=f"{name}.docx",
                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                key="dl_docx",
                on_click=ctx.audit,  # the team server's audit log
                args=("export", f"{name}.docx"),
            )
        chosen = _signature(unit, date if date_ok else "")
        c2.download_button("下载 .md", data=to_markdown(parse(text), signature=chosen or None).encode("utf-8"),
                           file_name=f"{name}.md", mime="text/markdown", key="dl_md",
                           on_click=ctx.audit, args=("export", f"{name}.md"))
        plain = text.rstrip("\n") + "\n" + "".join(f"{t}\n" for t in (chosen.unit, chosen.date_text) if t)
        c3.download_button("下载 .txt", data=plain.encode("utf-8"), file_name=f"{name}.txt", mime="text/plain",
                           key="dl_txt", on_click=ctx.audit, args=("export", f"{name}.txt"))
        from .basis_view import package_button  # 送审包 (issue 22)

        package_button(ctx, draft, text, sheet, chosen or None)
