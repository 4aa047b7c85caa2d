"""Export of the current draft: GB/T 9704 .docx, Markdown, plain text — with a warning while errors remain."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

import streamlit as st

from drafter.doctree import parse
from drafter.export import Signature, docx_bytes, to_markdown

from .highlight import md_escape

__all__ = ["render"]


@st.cache_data(show_spinner=False, max_entries=8)
def _docx(text: str, unit: str | None = None, date: _dt.date | None = None) -> bytes:
    signature = Signature(unit=unit, date=date)
    return docx_bytes(parse(text), signature=signature or None)


def render(
    title: str,
    text: str,
    errors: list[str],
    audit: Callable[[str, str], None] | None = None,
    signature: Signature | None = None,
) -> None:
    """Download buttons for ``text``; ``errors`` are the unresolved error messages.

    ``audit(action, detail)`` is called when a file is downloaded (the team server's audit log).
    ``signature`` is the 落款 block (reporting body and date) laid out under the text.
    """
    unit, date = (signature.unit, signature.date) if signature else (None, None)
    with st.expander("导出（Word / Markdown / 纯文本）", key="exp_export"):  # keyed: stays open across reruns
        if errors:
            st.warning(
                f"草稿还有{len(errors)}处错误（如未填的占位符、无依据的数字），正式导出前请先修正：\n\n"
                + "\n".join(f"- {md_escape(e)}" for e in errors[:10])
                + ("\n- ……" if len(errors) > 10 else "")
            )
        name = title or "草稿"
        c1, c2, c3 = st.columns(3)
        if c1.button("生成 Word 文件（GB/T 9704 版式）", key="make_docx"):
            st.session_state["docx_ready"] = True
        if st.session_state.get("docx_ready"):
            c1.download_button(
                "下载 .docx" + ("（仍有错误）" if errors else ""),
                data=_docx(text, unit, date),
                file_name=f"{name}.docx",
                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                key="dl_docx",
                on_click=audit,
                args=("export", f"{name}.docx"),
            )
        c2.download_button("下载 .md", data=to_markdown(parse(text), signature=signature).encode("utf-8"),
                           file_name=f"{name}.md", mime="text/markdown", key="dl_md",
                           on_click=audit, args=("export", f"{name}.md"))
        plain = text + ("\n".join(t for t in (unit, signature.date_text if signature else "") if t) + "\n"
                        if signature else "")
        c3.download_button("下载 .txt", data=plain.encode("utf-8"), file_name=f"{name}.txt", mime="text/plain",
                           key="dl_txt", on_click=audit, args=("export", f"{name}.txt"))
