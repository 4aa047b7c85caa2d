"""Findings shown in the text: placeholders and unsupported numbers marked in colour."""

from __future__ import annotations

import datetime as _dt
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["CATEGORY_ZH", "COLORS", "SEVERITY_ZH", "backend_zh", "highlight_html", "local_time", "md_escape"]

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

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$])")
_BEIJING = _dt.timezone(_dt.timedelta(hours=8))


def md_escape(text: str) -> str:
    """``text`` shown literally by ``st.markdown`` (``*人`` is not emphasis), line breaks kept."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def backend_zh(backend: str | None) -> str:
    """``composer`` → 离线组合, ``openai:qwen2.5`` → 模型 qwen2.5."""
    if not backend:
        return "—"
    if backend == "composer":
        return "离线组合"
    if backend.startswith("openai"):
        model = backend.partition(":")[2]
        return f"模型 {model}" if model else "模型服务"
    return backend


def local_time(when: _dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time (UTC, naive or aware) in Beijing time."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return when.astimezone(_BEIJING).strftime(fmt)


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
