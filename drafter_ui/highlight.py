"""Findings shown in the text: placeholders and unsupported numbers marked in colour."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["CATEGORY_ZH", "COLORS", "SEVERITY_ZH", "highlight_html"]

SEVERITY_ZH = {"error": "错误", "warning": "提醒", "info": "提示"}
CATEGORY_ZH = {
    "placeholder": "待填占位",
    "structure": "结构",
    "numbering": "序号",
    "figure": "数字核对",
    "proofread": "文字校对",
    "stale": "沿用旧稿",
    "policy": "政策表述",
}
COLORS = {"error": "#ffd6d6", "warning": "#fff0b3", "info": "#dbeafe"}


def _field(f: Any, name: str) -> Any:
    return f.get(name) if isinstance(f, Mapping) else getattr(f, name, None)


def highlight_html(text: str, findings: Iterable[Any]) -> str:
    """``text`` as HTML with each finding's snippet wrapped in a coloured ``<mark>``.

    Snippets are found by their text (offsets differ between a section and the
    whole report); longer snippets win where two overlap.
    """
    marks: dict[str, tuple[str, str]] = {}
    for f in findings:
        snippet = str(_field(f, "text") or "").strip()
        if not snippet or snippet not in text:
            continue
        severity = str(_field(f, "severity") or "info")
        message = str(_field(f, "message") or "")
        if snippet not in marks or severity == "error":
            marks[snippet] = (severity, message)
    if not marks:
        return html.escape(text).replace("\n", "<br>")
    pattern = re.compile("|".join(re.escape(s) for s in sorted(marks, key=len, reverse=True)))
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        severity, message = marks[m.group(0)]
        out.append(
            f'<mark class="finding-{severity}" style="background:{COLORS.get(severity, "#eee")};'
            f'padding:0 2px;border-radius:3px" title="{html.escape(message, quote=True)}">'
            f"{html.escape(m.group(0))}</mark>"
        )
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")
