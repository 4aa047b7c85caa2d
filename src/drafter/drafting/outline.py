"""The editable outline: a tree of sections, built from the spec and the fact sheet.

:func:`build_outline` makes, in the spec's order: an opening; the overview; two to
four practices sections (``二、…``) whose ``（一）（二）…`` subsections come from
the themes (:mod:`drafter.drafting.themes`) that the user's highlights and the
retrieved past reports cover; the rectification of last year's appraisal when the
fact sheet gives it; problems; plans. Each node knows its spec ``element`` and its
retrieval ``query``; highlights are attached to the subsection they belong to.

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
from ..facts import FactSheet
from ..specs import Spec, classify_heading, load_spec
from .themes import CORE_THEMES, THEMES, Theme, subtheme_score, theme_for_highlight

__all__ = ["DEFAULT_TITLES", "CoverageFn", "Outline", "OutlineSection", "assign_ids", "build_outline"]

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
            children=[cls.from_dict(c) for c in d.get("children", [])],
        )


@dataclass
class Outline:
    """Title, genre and top-level sections (the opening first)."""

    title: str
    genre: str
    sections: list[OutlineSection] = field(default_factory=list)
    salutation: str | None = None

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
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Outline:
        outline = cls(
            title=str(d["title"]),
            genre=str(d.get("genre", "report")),
            salutation=d.get("salutation"),
            sections=[OutlineSection.from_dict(s) for s in d.get("sections", [])],
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
        outline = cls(title=title, genre=genre, sections=sections, salutation=spec.salutation)
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


def _covered(coverage: CoverageFn | None, query: str, keywords: Iterable[str]) -> int:
    """How many retrieved passages on ``query`` mention one of ``keywords``."""
    if coverage is None:
        return 0
    hits = 0
    for heading, text in coverage(query):
        blob = heading + text
        if any(k in blob for k in keywords):
            hits += 1
    return hits


def _practice_sections(facts: FactSheet, coverage: CoverageFn | None) -> list[OutlineSection]:
    """Two to four practices sections with their subsections and highlights."""
    placed: dict[tuple[str, str], list[str]] = {}
    loose: list[str] = []
    for h in facts.highlights_for("practices"):
        match = theme_for_highlight(h.text)
        if match is None:
            loose.append(h.text)
        else:
            placed.setdefault((match[0].id, match[1].title), []).append(h.text)

    chosen: list[tuple[Theme, list[OutlineSection]]] = []
    for theme in THEMES:
        subs: list[tuple[int, int, OutlineSection]] = []
        for order, sub in enumerate(theme.subs):
            hl = placed.get((theme.id, sub.title), [])
            cover = _covered(coverage, sub.query, sub.keywords)
            node = OutlineSection("", "practices", 2, sub.title, sub.query, highlights=list(hl))
            subs.append((len(hl) * 100 + min(cover, 5), -order, node))
        has_highlights = any(s[2].highlights for s in subs)
        theme_cover = sum(min(s[0], 5) for s in subs if not s[2].highlights)
        if theme.id not in CORE_THEMES and not has_highlights and theme_cover < 2:
            continue
        keep = [s for s in subs if s[2].highlights or s[0] > 0]
        if len(keep) < 2:
            keep = sorted(subs, key=lambda s: (s[0], s[1]), reverse=True)[:2]
        keep = sorted(keep, key=lambda s: (s[0], s[1]), reverse=True)[:_MAX_SUBS]
        keep.sort(key=lambda s: -s[1])  # back to catalogue order
        chosen.append((theme, [s[2] for s in keep]))

    sections = [
        OutlineSection("", "practices", 1, theme.title, theme.query, children=subs)
        for theme, subs in chosen[:4]
    ]
    if loose:  # highlights matching no theme go where they fit best by words, else the first
        for text in loose:
            best = max(
                (c for s in sections for c in s.children),
                key=lambda c: (subtheme_score(text, _sub_of(c)), 0),
                default=None,
            )
            if best is not None:
                best.highlights.append(text)
    return sections


def _sub_of(node: OutlineSection) -> Any:
    for theme in THEMES:
        for sub in theme.subs:
            if sub.title == node.title:
                return sub
    return THEMES[0].subs[0]


def build_outline(
    facts: FactSheet, *, coverage: CoverageFn | None = None, spec: Spec | None = None
) -> Outline:
    """The outline for ``facts`` (``coverage`` reports what past reports cover)."""
    spec = spec or load_spec(facts.genre)
    titles = DEFAULT_TITLES.get(spec.id, DEFAULT_TITLES["report"])
    practices = _practice_sections(facts, coverage)
    sections: list[OutlineSection] = [OutlineSection("opening", "opening", 0, "开头", "开头 干部选拔任用工作 总体要求")]
    for element in spec.elements:
        if element.id == "practices":
            sections.extend(practices)
            continue
        if element.id == "rectification" and not facts.rectification:
            continue
        if element.id == "other" and not facts.highlights_for("other"):
            continue
        node = OutlineSection(
            "", element.id, 1, titles.get(element.id, element.name).format(year=facts.year), element.query
        )
        node.highlights = [h.text for h in facts.highlights_for(element.id)]
        if element.id == "overview" and spec.element("practices") is None:
            # a speech: the practices become the overview's subsections
            node.children = [
                OutlineSection("", "overview", 2, _short_theme_title(s.title), s.query, highlights=[
                    h for c in s.children for h in c.highlights
                ])
                for s in practices
            ]
        sections.append(node)
    outline = Outline(
        title=spec.title_for(facts.unit, facts.year), genre=spec.id, sections=sections, salutation=spec.salutation
    )
    assign_ids(outline)
    return outline


def _short_theme_title(title: str) -> str:
    return title.split("，")[0]
