"""Findings shown in the text: placeholders and unsupported numbers marked in colour."""

from __future__ import annotations

import datetime as _dt
import functools
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from drafter.settings import get_settings

__all__ = [
    "CATEGORY_ZH",
    "COLORS",
    "SEVERITY_ZH",
    "author_label",
    "backend_zh",
    "highlight_html",
    "local_time",
    "md_escape",
]

SEVERITY_ZH = {"error": "错误", "warning": "提醒", "info": "提示"}
CATEGORY_ZH = {
    "placeholder": "待填占位",
    "structure": "结构",
    "numbering": "序号",
    "figure": "数字核对",
    "basis": "依据",
    "proofread": "文字校对",
    "stale": "沿用旧稿",
    "policy": "政策表述",
}
COLORS = {"error": "#ffd6d6", "warning": "#fff0b3", "info": "#dbeafe"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$])")
_SESSION_LABEL = re.compile(r"^会话[0-9a-f]{4}$")


def md_escape(text: str) -> str:
    """``text`` shown literally by ``st.markdown`` (``*人`` is not emphasis), line breaks kept.

    The same as :func:`drafter_ui.safe_text.md`: no Markdown image or link can fetch
    from elsewhere, secrets are masked, control characters dropped.
    """
    from ..safe_text import md

    return md(text)


def backend_zh(backend: str | None) -> str:
    """``composer`` → 离线组合, ``openai:qwen2.5`` → 模型 qwen2.5."""
    if not backend:
        return "—"
    if backend == "composer":
        return "离线组合"
    if backend == "word":  # read back from the writer's Word/WPS file (issue 22)
        return "Word/WPS"
    if backend.startswith("openai"):
        model = backend.partition(":")[2]
        return f"模型 {model}" if model else "模型服务"
    return backend


def author_label(author: str | None) -> str:
    """Who saved a version, as shown: the 署名 name, never a session id (old rows had those)."""
    name = str(author or "").strip()
    return "未署名" if not name or _SESSION_LABEL.match(name) else name


@functools.lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_time(when: _dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time (UTC, naive or aware) in the configured zone (``DRAFTER_TIMEZONE``, default Asia/Shanghai).

    The one place the app turns a time into text, so every view shows the same zone.
    """
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return when.astimezone(_zone(get_settings().timezone)).strftime(fmt)


def _field(f: Any, name: str) -> Any:
    return f.get(name) if isinstance(f, Mapping) else getattr(f, name, None)


def highlight_html(text: str, findings: Iterable[Any], *, focus: str | None = None) -> str:
    """``text`` as HTML with each finding's snippet wrapped in a coloured ``<mark>``.

    Snippets are found by their text (offsets differ between a section and the
    whole report); longer snippets win where two overlap. ``focus`` is the snippet
    the writer came from 检查 to see: its first occurrence is outlined and gets the
    id ``drafter-focus`` (the page scrolls to it).
    """
    marks: dict[str, tuple[str, str]] = {}
    if focus and focus in text:
        marks[focus] = ("error", "在“检查”页选中的问题")
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
    focused = False
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        severity, message = marks[m.group(0)]
        extra = ""
        if focus and m.group(0) == focus and not focused:
            focused = True
            extra = ' id="drafter-focus" data-focus="1"'
            style = "outline:3px solid #d33;outline-offset:1px;"
        else:
            style = ""
        out.append(
            f'<mark class="finding-{severity}"{extra} style="{style}background:{COLORS.get(severity, "#eee")};'
            f'padding:0 2px;border-radius:3px" title="{html.escape(message, quote=True)}">'
            f"{html.escape(m.group(0))}</mark>"
        )
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")
