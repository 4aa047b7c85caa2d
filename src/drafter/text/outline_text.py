"""The outline's editable text with Chinese part names instead of element ids.

:meth:`drafter.drafting.outline.Outline.to_text` tags each top-level heading with
its spec element id (``- 总体情况 [overview]``). Writers read Chinese, so the app
shows ``[总体情况]`` and turns the names back into ids before parsing.

>>> to_chinese("- 开头 [opening]\\n- 主要做法 [practices]\\n")
'- 开头 [开头]\\n- 主要做法 [主要做法]\\n'
>>> from_chinese("- 开头 [开头]\\n- 问题 [存在问题]\\n")
'- 开头 [opening]\\n- 问题 [problems]\\n'
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from .specs import load_spec

__all__ = ["from_chinese", "outline_gaps", "part_names", "to_chinese"]

_TAG = re.compile(r"\[([^\[\]\n]+)\][ \t]*$", re.MULTILINE)


def part_names(genre: str = "report") -> dict[str, str]:
    """Element id → Chinese name for ``genre`` (``opening`` is 开头)."""
    spec = load_spec(genre)
    return {"opening": "开头", **{e.id: e.name for e in spec.elements}}


def to_chinese(text: str, genre: str = "report") -> str:
    """Replace ``[element_id]`` tags at line ends with the part's Chinese name."""
    names = part_names(genre)
    return _TAG.sub(lambda m: f"[{names.get(m.group(1).strip(), m.group(1))}]", text)


def from_chinese(text: str, genre: str = "report") -> str:
    """Replace Chinese part names in ``[…]`` tags with element ids.

    Raises :class:`~drafter.errors.InputError` naming the line and the parts one
    may choose from when a tag is neither a known name nor an id.
    """
    names = part_names(genre)
    ids = {v: k for k, v in names.items()}
    out = []
    for lineno, line in enumerate(text.splitlines(keepends=True), start=1):
        m = _TAG.search(line)
        if m:
            tag = m.group(1).strip()
            if tag in ids:
                tag = ids[tag]
            elif tag not in names:
                raise InputError(
                    f"提纲第{lineno}行：不认识的部分“{tag}”，方括号里可填：" + "、".join(names.values())
                )
            line = line[: m.start()] + f"[{tag}]" + line[m.end():]
        out.append(line)
    return "".join(out)


def outline_gaps(outline: Any, facts: Any) -> list[str]:
    """What the fact sheet holds that a saved outline has no place for (Chinese, one item each).

    An outline made early (before the writer entered the rectification or a
    highlight) silently leaves those out of the draft; the app says so instead.
    ``outline`` is a :class:`~drafter.drafting.outline.Outline`, ``facts`` a
    :class:`~drafter.facts.sheet.FactSheet`.
    """
    elements = {s.element for s in outline.sections}
    placed = {h for top in outline.sections for node in top.walk() for h in node.highlights}
    gaps = []
    if getattr(facts, "rectification", None) and "rectification" not in elements:
        gaps.append("上年度评议整改情况（数据表中已填写，提纲里没有这一部分）")
    if getattr(facts, "problems", None) and "problems" not in elements:
        gaps.append("存在问题（数据表中已填写，提纲里没有这一部分）")
    for h in getattr(facts, "highlights", None) or []:
        text = getattr(h, "text", h)
        if text not in placed:
            gaps.append(f"亮点“{text}”")
    return gaps
