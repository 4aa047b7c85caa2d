"""The whole document from the fact sheet alone: the offline composer, section by section.

:func:`compose_draft` is what the engine's composer path writes, without a knowledge
base (no 参考写法 offered): title in the unit type's form, 主送, the opening ending
「现将…报告如下：」, the parts, 「特此报告。」, 落款 and 成文日期 (or its marker). The
samples in ``docs/samples/`` and ``bench/quality.py`` are made with it.
"""

from __future__ import annotations

from ..facts.sheet import FactSheet
from ..text.doctree import int_to_chinese
from .composer import ComposeRequest, compose
from .outline import Outline, build_outline
from .signature import closing_for, signature_lines
from .similarity import DraftMemory
from .types import Draft, SectionDraft

__all__ = ["compose_draft", "headings"]


def headings(outline: Outline) -> dict[str, str]:
    """``{section id: "二、严格程序规范操作"}``; the opening has none."""
    out: dict[str, str] = {}
    n = 0
    for s in outline.sections:
        if s.level == 0 or s.element == "opening":
            out[s.id] = ""
        else:
            n += 1
            out[s.id] = f"{int_to_chinese(n)}、{s.title}"
    return out


def compose_draft(facts: FactSheet, outline: Outline | None = None) -> Draft:
    """The composer's draft of ``facts`` (deterministic; one memory, so no sentence is written twice)."""
    outline = outline or build_outline(facts)
    memory = DraftMemory()
    heads = headings(outline)
    sections = [
        SectionDraft(
            node.id, node.element, heads[node.id], node.level,
            compose(ComposeRequest(node=node, facts=facts, genre=outline.genre, memory=memory)).text,
        )
        for node in outline.sections
    ]
    return Draft(
        title=outline.title,
        sections=sections,
        salutation=outline.salutation,
        outline=outline.to_dict(),
        notices=list(outline.notices),
        signature=signature_lines(facts),
        closing=closing_for(outline.genre),
    )
