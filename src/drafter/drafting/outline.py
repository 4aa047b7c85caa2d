"""The editable outline: a tree of sections, built from the spec and the fact sheet.

:func:`build_outline` makes, in the spec's order: an opening; the overview; one
practices section (``二、…``) per part of the practice catalogue
(:mod:`drafter.facts.units`) that the sheet gives something for — ticked practices,
highlights, figures — with one ``（一）…`` paragraph per catalogue paragraph (a part
with a single paragraph has no lone ``（一）``), and at least two parts (the core
ones left honestly empty, for the writer to fill); the rectification of last year's
appraisal when the sheet gives it; problems; plans. What past reports cover never
decides the outline. Each node knows its ``element``, retrieval ``query``, the
``practices``, ``highlights`` and ``figures`` it states and its catalogue ``key``.
A highlight filed under a part the outline lacks goes to the nearest part present,
and :attr:`Outline.notices` says so.

An outline round-trips through plain dicts (:meth:`Outline.to_dict`) and an indented
text form a user can edit (:meth:`Outline.to_text` / :meth:`Outline.from_text`)::

    标题：某某局2025年度干部选拔任用工作报告
    - 开头 [opening]
    - 2025年干部选拔任用工作总体情况 [overview]
    - 坚持党管干部原则，树立正确选人用人导向 [practices]
      - 突出政治标准
        + 开展政治素质专项考察
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..facts.sheet import FactSheet
from ..facts.units import Catalogue, Part, catalogue
from ..text.markers import missing
from ..text.specs import Spec, classify_heading, load_spec

__all__ = [
    "DEFAULT_TITLES", "CoverageFn", "Outline", "OutlineSection", "assign_ids", "build_outline", "main_recipient",
]

#: ``coverage(query) -> list of (heading, text)`` of retrieved past-report passages.
CoverageFn = Callable[[str], list[tuple[str, str]]]

#: Heading titles of the non-practices elements (``{year}`` is filled in).
DEFAULT_TITLES: dict[str, dict[str, str]] = {
    "report": {
        "opening": "开头",
        "overview": "{year}年干部选拔任用工作总体情况",
        "rectification": "上年度“一报告两评议”反馈问题整改情况",
        "problems": "存在的主要问题",
        "other": "其他需要报告的情况",
        "plans": "下一步工作打算",
    },
    "speech": {
        "opening": "开头",
        "overview": "总体情况",
        "rectification": "上年度反馈问题整改情况",
        "problems": "存在问题",
        "other": "其他情况",
        "plans": "改进方向",
    },
}

_MAX_SUBS = 4


@dataclass
class OutlineSection:
    """One node: ``level`` 0 is the opening, 1 a ``一、`` section, 2 a ``（一）`` subsection."""

    id: str
    element: str
    level: int
    title: str
    query: str = ""
    children: list[OutlineSection] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    #: ticked practice ids (knowledge/practices.yaml) written up here
    practices: list[str] = field(default_factory=list)
    #: keys of the entered figures stated here
    figures: list[str] = field(default_factory=list)
    #: catalogue place: ``procedure`` (a part) or ``procedure/recommend`` (one paragraph)
    key: str = ""

    def walk(self) -> Iterable[OutlineSection]:
        yield self
        for c in self.children:
            yield from c.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "element": self.element,
            "level": self.level,
            "title": self.title,
            "query": self.query,
            "highlights": list(self.highlights),
            "practices": list(self.practices),
            "figures": list(self.figures),
            "key": self.key,
            "children": [c.to_dict() for c in self.children],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OutlineSection:
        return cls(
            id=str(d.get("id", "")),
            element=str(d.get("element", "practices")),
            level=int(d.get("level", 1)),
            title=str(d.get("title", "")),
            query=str(d.get("query", "")),
            highlights=[str(h) for h in d.get("highlights", [])],
            practices=[str(p) for p in d.get("practices", [])],
            figures=[str(f) for f in d.get("figures", [])],
            key=str(d.get("key", "")),
            children=[cls.from_dict(c) for c in d.get("children", [])],
        )


@dataclass
class Outline:
    """Title, genre and top-level sections (the opening first)."""

    title: str
    genre: str
    sections: list[OutlineSection] = field(default_factory=list)
    salutation: str | None = None
    #: what the writer should know about the outline (a highlight moved to another part …)
    notices: list[str] = field(default_factory=list)

    def section(self, section_id: str) -> OutlineSection:
        for top in self.sections:
            for node in top.walk():
                if node.id == section_id:
                    return node
        raise KeyError(f"提纲中没有编号为“{section_id}”的部分")

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "genre": self.genre,
            "salutation": self.salutation,
            "sections": [s.to_dict() for s in self.sections],
            "notices": list(self.notices),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Outline:
        outline = cls(
            title=str(d["title"]),
            genre=str(d.get("genre", "report")),
            salutation=d.get("salutation"),
            sections=[OutlineSection.from_dict(s) for s in d.get("sections", [])],
            notices=[str(n) for n in d.get("notices", [])],
        )
        assign_ids(outline)
        return outline

    def to_text(self) -> str:
        """The indented, editable text form."""
        lines = [f"标题：{self.title}"]
        for top in self.sections:
            lines.append(f"- {top.title} [{top.element}]")
            for h in top.highlights:
                lines.append(f"  + {h}")
            for sub in top.children:
                lines.append(f"  - {sub.title}")
                for h in sub.highlights:
                    lines.append(f"    + {h}")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_text(cls, text: str, *, genre: str = "report", base: Outline | None = None) -> Outline:
        """Parse the text form; queries are kept from ``base`` where titles match.

        Raises :class:`~drafter.errors.InputError` naming the line that cannot be read.
        """
        spec = load_spec(genre)
        queries = {n.title: n.query for top in base.sections for n in top.walk()} if base else {}
        carried = {n.title: n for top in base.sections for n in top.walk()} if base else {}
        title = base.title if base else ""
        sections: list[OutlineSection] = []
        for lineno, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            stripped = raw.strip()
            indent = len(raw) - len(raw.lstrip(" \t"))
            if stripped.startswith(("标题：", "标题:")):
                title = stripped[3:].strip()
                continue
            if stripped.startswith("+"):
                node = _last_node(sections, indent)
                if node is None:
                    raise InputError(f"提纲第{lineno}行：亮点“{stripped}”前面没有所属的标题")
                node.highlights.append(stripped[1:].strip())
                continue
            if not stripped.startswith("-"):
                raise InputError(f"提纲第{lineno}行应以“- ”开头（标题行）或“+ ”开头（亮点行）：{stripped}")
            body = stripped[1:].strip()
            m = re.match(r"^(?P<title>.*?)\s*\[(?P<el>[a-z_]+)\]\s*$", body)
            node_title, element = (m.group("title"), m.group("el")) if m else (body, None)
            node_title = _strip_number(node_title)
            if not node_title:
                raise InputError(f"提纲第{lineno}行的标题为空")
            if indent == 0:
                if element is None:
                    element = "opening" if node_title == "开头" else (
                        classify_heading(node_title, spec) or spec.default_element
                    )
                if element != "opening" and spec.element(element) is None:
                    raise InputError(
                        f"提纲第{lineno}行：不认识的部分“{element}”，可选：opening、"
                        + "、".join(e.id for e in spec.elements)
                    )
                level = 0 if element == "opening" else 1
                query = queries.get(node_title) or _element_query(spec, element, node_title)
                sections.append(OutlineSection("", element, level, node_title, query))
            else:
                if not sections or sections[-1].level == 0:
                    raise InputError(f"提纲第{lineno}行：小标题“{node_title}”前面没有一级标题")
                parent = sections[-1]
                query = queries.get(node_title) or f"{node_title} {parent.title}"
                parent.children.append(OutlineSection("", parent.element, 2, node_title, query))
        if not title:
            raise InputError("提纲缺少“标题：……”一行")
        for top in sections:
            for node in top.walk():
                old = carried.get(node.title)
                if old is not None:
                    node.practices, node.figures, node.key = list(old.practices), list(old.figures), old.key
        outline = cls(
            title=title, genre=genre, sections=sections,
            salutation=base.salutation if base is not None and base.genre == genre else spec.salutation,
            notices=list(base.notices) if base else [],
        )
        assign_ids(outline)
        return outline


def _last_node(sections: list[OutlineSection], indent: int) -> OutlineSection | None:
    if not sections:
        return None
    top = sections[-1]
    if indent >= 4 and top.children:
        return top.children[-1]
    return top


def _strip_number(title: str) -> str:
    return re.sub(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])\s*", "", title).strip()


def _element_query(spec: Spec, element: str, title: str) -> str:
    el = spec.element(element)
    return f"{title} {el.query}" if el is not None else title


def assign_ids(outline: Outline) -> None:
    """Stable ids from position: ``opening``, ``overview``, ``practices-2``, ``practices-2.1`` …"""
    seen: dict[str, int] = {}
    practice_no = 0
    for top in outline.sections:
        if top.element == "practices":
            practice_no += 1
            base = f"practices-{practice_no}"
        else:
            base = top.element
        seen[base] = seen.get(base, 0) + 1
        top.id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        top.level = 0 if top.element == "opening" else 1
        for i, child in enumerate(top.children, start=1):
            child.id = f"{top.id}.{i}"
            child.level = 2
            child.element = top.element


def _score(text: str, keywords: Iterable[str]) -> int:
    return sum(1 for k in keywords if k and k in text)


@dataclass
class _Slot:
    """What one catalogue paragraph (part/sub) carries for this sheet."""

    practices: list[str] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.practices or self.highlights or self.figures)


#: Figure labels that belong to the overview only (selection counts), never to a practice paragraph.
_OVERVIEW_ONLY = ("提拔", "选拔任用", "进一步使用", "选任", "推荐")


def _best_sub(text: str, cat: Catalogue, allowed: set[tuple[str, str]] | None = None) -> tuple[str, str] | None:
    best: tuple[int, int, tuple[str, str]] | None = None
    order = 0
    for part in cat.parts:
        for sub in part.subs:
            order += 1
            key = (part.id, sub.id)
            if allowed is not None and key not in allowed:
                continue
            score = _score(text, sub.keywords) * 2 + (1 if sub.title in text else 0)
            if score and (best is None or score > best[0]):
                best = (score, -order, key)
    return best[2] if best else None


def _slots(facts: FactSheet, cat: Catalogue, highlights: list[str]) -> dict[tuple[str, str], _Slot]:
    """Ticked practices, practice highlights and figures, each in its catalogue paragraph."""
    profile = facts.profile()
    applicable = {(p.part, p.sub) for p in profile.practices()}
    slots: dict[tuple[str, str], _Slot] = {}
    for item in facts.practices:
        practice = cat.practice(item.id)
        if practice is not None:
            slots.setdefault((practice.part, practice.sub), _Slot()).practices.append(item.id)
    loose: list[str] = []
    practice_keys = {(part.id, sub.id) for part in cat.parts if part.id != "rectification" for sub in part.subs}
    for text in highlights:
        key = _best_sub(text, cat, (applicable | set(slots)) & practice_keys) or _best_sub(text, cat, practice_keys)
        if key is None:
            loose.append(text)
        else:
            slots.setdefault(key, _Slot()).highlights.append(text)
    for fig in facts.figures:
        if fig.section not in (None, "practices") and cat.part(fig.section) is None:
            continue  # tagged to 总体情况 / 存在问题 …: written there
        key = _best_sub(fig.label, cat, applicable | set(slots))
        if key is None or (
            any(w in fig.label for w in _OVERVIEW_ONLY) and fig.unit in ("人", "名")
            and _score(fig.label, ("年轻", "35岁", "40岁")) == 0
        ):
            continue
        if key[0] == "rectification":
            continue
        slots.setdefault(key, _Slot()).figures.append(fig.key or "")
    if loose:  # highlights that name no practice: the first paragraph written, else the first core one
        target = next((k for k in slots if k[0] != "rectification"), None) or ("direction", cat.parts[0].subs[0].id)
        slots.setdefault(target, _Slot()).highlights.extend(loose)
    return slots


def _node_for(part: Part, sub_id: str, slot: _Slot, level: int) -> OutlineSection:
    sub = part.sub(sub_id)
    title = sub.title if sub else part.title
    return OutlineSection(
        "", "practices", level, title, f"{title} {' '.join(sub.keywords[:4]) if sub else ''}".strip(),
        highlights=list(slot.highlights), practices=list(slot.practices), figures=list(slot.figures),
        key=f"{part.id}/{sub_id}",
    )


def _practice_sections(
    facts: FactSheet, cat: Catalogue, slots: dict[tuple[str, str], _Slot], minimum: int = 2,
    required_parts: tuple[str, ...] = (),
) -> list[OutlineSection]:
    """One section per part that has something to say; at least ``minimum`` (the core parts, honestly empty)."""
    sections: list[OutlineSection] = []
    for part in cat.parts:
        if part.id == "rectification":
            continue
        filled = [(sub.id, slots[(part.id, sub.id)]) for sub in part.subs if slots.get((part.id, sub.id))]
        if not filled:
            continue
        if len(filled) == 1:  # one paragraph: no lone （一）
            node = _node_for(part, filled[0][0], filled[0][1], 1)
            node.title, node.query = part.title, f"{part.title} {node.query}"
            sections.append(node)
            continue
        node = OutlineSection("", "practices", 1, part.title, part.title, key=part.id)
        node.children = [_node_for(part, sid, slot, 2) for sid, slot in filled]
        sections.append(node)
    for core in _CORE_PARTS:
        if len(sections) >= minimum:
            break
        core_part = cat.part(core)
        if core_part is None or any(s.key.split("/")[0] == core for s in sections):
            continue
        sections.append(OutlineSection("", "practices", 1, core_part.title, core_part.title, key=core_part.id))
    for required in required_parts:  # a part every report of the kind gives: written, with a marker if empty
        req_part = cat.part(required)
        if req_part is None or any(s.key.split("/")[0] == required for s in sections):
            continue
        sections.append(OutlineSection("", "practices", 1, req_part.title, req_part.title, key=req_part.id))
    order = {p.id: i for i, p in enumerate(cat.parts)}
    sections.sort(key=lambda s: order.get(s.key.split("/")[0], 99))
    return sections


_CORE_PARTS = ("direction", "procedure")
#: Practices parts a report (not a speech) always has: 干部监督 is one of the parts the unit must report.
_REQUIRED_PARTS = ("supervision",)


def _relocate(element: str, present: list[str], spec: Spec) -> str:
    """The element nearest to ``element`` in the spec's order among ``present`` (earlier on a tie)."""
    order = [e.id for e in spec.elements]
    if element not in order:
        return "practices" if "practices" in present else present[0]
    i = order.index(element)
    candidates = sorted(present, key=lambda e: (abs(order.index(e) - i) if e in order else 99, order.index(e) if e in order else 99))
    return candidates[0]


def build_outline(
    facts: FactSheet, *, coverage: CoverageFn | None = None, spec: Spec | None = None
) -> Outline:
    """The outline for ``facts``: only parts the sheet gives something for, plus the required ones.

    ``coverage`` is accepted for compatibility and not used: what past reports cover
    never decides what this unit reports.
    """
    del coverage
    spec = spec or load_spec(facts.genre)
    cat = catalogue()
    titles = DEFAULT_TITLES.get(spec.id, DEFAULT_TITLES["report"])
    notices: list[str] = []
    # which elements the outline has (before highlights are placed)
    rect_practices = [
        i.id for i in facts.practices if (p := cat.practice(i.id)) is not None and p.part == "rectification"
    ]
    present: list[str] = []
    for element in spec.elements:
        if element.id == "rectification" and spec.id != "report" and not (
            facts.rectification or rect_practices or facts.feedback
        ):
            continue  # a report always gives last year's rectification (or a marker, or 上年度无反馈问题)
        if element.id == "other" and not facts.highlights_for("other"):
            continue
        present.append(element.id)
    present_for_highlights = present
    # highlights: each goes to its part, or the nearest part present (the writer is told)
    placed: dict[str, list[str]] = {}
    part_ids = {p.id for p in cat.parts}
    for h in facts.highlights:
        target = h.section or "practices"
        if target in part_ids and target != "rectification":
            target = "practices"
        if target not in present_for_highlights:
            where = _relocate(target, present_for_highlights, spec)
            el_from, el_to = spec.element(target), spec.element(where)
            name = el_from.name if el_from is not None else target
            dest = el_to.name if el_to is not None else where
            notices.append(f"亮点“{h.text[:30]}”所属的“{name}”部分不在提纲中，已写入“{dest}”部分。")
            target = where
        placed.setdefault(target, []).append(h.text)
    practice_highlights = placed.get("practices", []) if spec.element("practices") is not None else placed.get("overview", [])
    slots = _slots(facts, cat, practice_highlights if spec.element("practices") is not None else [])
    practices = _practice_sections(
        facts, cat, slots, required_parts=_REQUIRED_PARTS if spec.id == "report" else ()
    )
    placed_figures = (
        {k for top in practices for n in top.walk() for k in n.figures} if spec.element("practices") is not None else set()
    )
    sections: list[OutlineSection] = [OutlineSection("opening", "opening", 0, "开头", "开头 干部选拔任用工作 总体要求")]
    for element in spec.elements:
        if element.id not in present:
            continue
        if element.id == "practices":
            sections.extend(practices)
            continue
        node = OutlineSection(
            "", element.id, 1, titles.get(element.id, element.name).format(year=facts.year), element.query
        )
        node.highlights = [] if element.id == "practices" else list(placed.get(element.id, []))
        if element.id == "problems":
            node.figures = [f.key or "" for f in facts.figures if f.section == "problems"]
        if element.id == "overview":
            # the year's totals: every figure not placed in a practices paragraph or another part
            node.figures = [
                f.key or "" for f in facts.figures
                if f.key not in placed_figures and f.section in (None, "overview", "practices")
                or (f.section not in (None, "overview") and spec.element(f.section) is None
                    and cat.part(f.section) is None and f.key not in placed_figures)
            ]
            if spec.element("practices") is None:
                # a speech: the parts become the overview's subsections
                speech_slots = _slots(facts, cat, node.highlights)
                node.highlights = []
                node.children = [
                    OutlineSection(
                        "", "overview", 2, _short_theme_title(s.title), s.query,
                        highlights=[h for n in [s, *s.children] for h in n.highlights],
                        practices=[p for n in [s, *s.children] for p in n.practices],
                        key=s.key,
                    )
                    for s in _practice_sections(facts, cat, speech_slots, minimum=0)
                ]
        if element.id == "rectification":
            node.practices = rect_practices
        sections.append(node)
    outline = Outline(
        title=_title(facts, spec), genre=spec.id, sections=sections, salutation=_salutation(facts, spec),
        notices=notices,
    )
    assign_ids(outline)
    return outline


def _title(facts: FactSheet, spec: Spec) -> str:
    """A report's title in its unit type's form; other genres by their spec."""
    if spec.id != "report":
        return spec.title_for(facts.unit, facts.year)
    return str(facts.profile().title(facts.year, facts.signature_unit))


def _salutation(facts: FactSheet, spec: Spec) -> str | None:
    """A report's 主送: the superior organisation department (a marker when the sheet has none)."""
    if spec.id != "report":
        return spec.salutation
    return main_recipient(facts)


def main_recipient(facts: FactSheet) -> str:
    """``江源市委组织部：`` — or the missing-fact marker naming it."""
    return f"{facts.superior or missing('主送机关（上级组织部门）')}："


def _short_theme_title(title: str) -> str:
    return title.split("，")[0]
