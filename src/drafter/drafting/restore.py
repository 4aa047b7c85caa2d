"""A draft read back from its native text, and one section spliced into it.

``drafter draft --from DRAFT.txt --section PATH`` parses the file with
:func:`drafter.text.doctree.parse`, rebuilds the :class:`~drafter.drafting.types.Draft`
(ids ``opening``, ``overview``, ``practices-1`` … as the engine gives them), and
:func:`splice` replaces exactly the span of one section so every other byte of the
file stays as it was.
"""

from __future__ import annotations

import re

from ..facts.sheet import FactSheet
from ..text.doctree import Document, Section, parse
from ..text.specs import Spec, assign_elements
from .outline import Outline, OutlineSection, assign_ids, build_outline
from .types import Draft, SectionDraft

__all__ = ["draft_from_text", "node_from_section", "outline_from_draft", "resolve_section", "section_spans", "splice"]


def _ids(doc: Document, spec: Spec) -> list[tuple[str, str, Section]]:
    mapping = assign_elements(doc, spec)
    outline = Outline(title="", genre=spec.id)
    for s in doc.sections:
        outline.sections.append(OutlineSection("", mapping[id(s)], 1, s.title))
    assign_ids(outline)
    return [(o.id, o.element, s) for o, s in zip(outline.sections, doc.sections, strict=True)]


def section_spans(text: str, spec: Spec) -> dict[str, tuple[int, int]]:
    """``{section id: (start, end)}`` offsets of each top-level block (opening included)."""
    doc = parse(text)
    spans: dict[str, tuple[int, int]] = {}
    if doc.opening:
        spans["opening"] = (doc.opening[0].start, doc.opening[-1].end)
    for sid, _el, s in _ids(doc, spec):
        spans[sid] = (s.heading_start, s.end)
    return spans


def draft_from_text(text: str, spec: Spec) -> Draft:
    """The draft a native text represents (backend ``text``; no findings yet)."""
    doc = parse(text)
    sections: list[SectionDraft] = []
    if doc.opening:
        body = "\n".join(p.text for p in doc.opening)
        sections.append(SectionDraft("opening", "opening", "", 0, body, backend="text"))
    for sid, element, s in _ids(doc, spec):
        block = doc.text[s.heading_start : s.end]
        heading = "" if s.implicit else s.label
        body = block[len(heading) :].lstrip("\n") if heading and block.startswith(heading) else block
        if heading and not block.startswith(heading):  # inline heading: "（一）标题。正文"
            body = block[block.find("\n") + 1 :] if "\n" in block else ""
        sections.append(SectionDraft(sid, element, heading, 1, body.strip("\n"), backend="text"))
    title = doc.title.text if doc.title else ""
    salutation = doc.salutation.text if doc.salutation else None
    return Draft(title=title, sections=sections, salutation=salutation)


_SUB_RE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.+?)[。]?$")


def node_from_section(section: SectionDraft, facts: FactSheet) -> OutlineSection:
    """An outline node for an existing section: the node of the sheet's own outline with its title.

    The practices, highlights and figures it states come from the fact sheet (the
    outline it would be drafted from); a section whose title the sheet's outline
    does not have keeps its title and ``（一）`` subsections, with nothing attached.
    """
    title = re.sub(r"^[一二三四五六七八九十]+、", "", section.heading).strip()
    outline = build_outline(facts)
    for top in outline.sections:
        if top.title == (title or "开头") and top.element == section.element:
            top.id = section.id
            return top
    node = OutlineSection(section.id, section.element, section.level, title or "开头", title or "开头")
    for i, line in enumerate(ln for ln in section.text.split("\n") if _SUB_RE.match(ln.strip())):
        m = _SUB_RE.match(line.strip())
        if m is None:
            continue
        sub_title = m.group(2).split("。")[0]
        node.children.append(OutlineSection(f"{section.id}.{i + 1}", section.element, 2, sub_title, sub_title))
    if section.element not in ("opening", "practices"):
        node.highlights = [h.text for h in facts.highlights_for(section.element)]
    return node


def outline_from_draft(draft: Draft, genre: str) -> Outline:
    """A light outline (titles only) for prompts that show the whole report's shape."""
    sections = [
        OutlineSection(s.id, s.element, s.level, re.sub(r"^[一二三四五六七八九十]+、", "", s.heading) or "开头")
        for s in draft.sections
    ]
    return Outline(title=draft.title, genre=genre, sections=sections, salutation=draft.salutation)


def resolve_section(draft: Draft, path: str) -> SectionDraft:
    """A section by id (``practices-2``), number (``2`` = 二、), label or title prefix."""
    path = path.strip()
    for s in draft.sections:
        if s.id == path:
            return s
    numbered = [s for s in draft.sections if s.heading]
    if path.isdigit() and 1 <= int(path) <= len(numbered):
        return numbered[int(path) - 1]
    if path in ("开头", "opening", "0"):
        return draft.section("opening")
    for s in draft.sections:
        title = re.sub(r"^[一二三四五六七八九十]+、", "", s.heading)
        if path and (s.heading.startswith(path) or title.startswith(path)):
            return s
    ids = "、".join(s.id for s in draft.sections)
    raise KeyError(f"草稿中找不到“{path}”。可用编号：{ids}，或写一级标题的序号（如 2 表示“二、”）")


def splice(text: str, spans: dict[str, tuple[int, int]], section_id: str, block: str) -> str:
    """``text`` with the span of ``section_id`` replaced by ``block``; nothing else changes."""
    start, end = spans[section_id]
    return text[:start] + block + text[end:]
