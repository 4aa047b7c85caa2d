"""What a fact sheet still lacks for a draft without 〔待补〕 markers (no streamlit here).

A sheet can be *valid* (every field it has is well formed) and still be missing
the content the report needs: the composer then writes a 〔待补：…〕 marker, which
the checker reports as an error. The 数据填报 page names these gaps instead of
saying the sheet is complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["missing_items"]


def missing_items(form: Mapping[str, Any]) -> list[str]:
    """The parts of the report the sheet gives nothing for, in report order (empty when none)."""
    out = []
    figures = form.get("figures") or []
    if not any(r.get("value") not in (None, "") for r in figures):
        out.append("本年度数据（表中还没有填任何数值）")
    if not form.get("highlights"):
        out.append("工作亮点")
    if not form.get("problems"):
        out.append("存在问题")
    if not form.get("plans"):
        out.append("下一步工作打算")
    return out
