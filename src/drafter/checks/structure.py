"""Required structure, held against the genre's spec (``knowledge/specs/*.yaml``).

* a missing element: its ``missing_severity`` (a required one is an error,
  ``rectification`` a warning);
* elements out of the spec's order (overview first, plans last);
* a section with no content;
* a practices part that is too thin: two or more practice sections, or one
  主要做法 section with at least two subsections.

Only meaningful on a whole report; :func:`~drafter.checks.check_text` runs it
when the ``structure`` category is requested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.doctree import Section
from ..text.finding import Finding, Locator
from ..text.specs import Spec, assign_elements, opening_has_overview

__all__ = ["ElementStatus", "check_structure", "element_statuses"]

_FIGURE_RE = re.compile(r"(\d+|[*＊]+|[一二三四五六七八九十两]+)\s*(名|人次|人)")


@dataclass
class ElementStatus:
    """How one spec element shows up in the document."""

    id: str
    name: str
    required: bool
    status: str  # present | missing | misordered | opening
    sections: list[Section] = field(default_factory=list)

    def to_dict(self, loc: Locator | None = None) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "required": self.required,
            "status": self.status,
            "sections": [
                {"title": s.label, "line": loc.line(s.heading_start) if loc else None} for s in self.sections
            ],
        }


def element_statuses(loc: Locator, spec: Spec) -> tuple[list[ElementStatus], list[tuple[Section, str]]]:
    """Each spec element's status, and the misordered top-level sections with their element."""
    doc = loc.doc
    mapping = assign_elements(doc, spec)
    by_el: dict[str, list[Section]] = {e.id: [] for e in spec.elements}
    misordered: list[tuple[Section, str]] = []
    highest = -1
    highest_el = ""
    for s in doc.sections:
        el = mapping.get(id(s), spec.default_element)
        by_el.setdefault(el, []).append(s)
        order = spec.order_of(el)
        if order < highest:
            misordered.append((s, highest_el))
        elif order > highest:
            highest, highest_el = order, el
    statuses: list[ElementStatus] = []
    bad = {id(s) for s, _ in misordered}
    for e in spec.elements:
        secs = by_el.get(e.id, [])
        if secs:
            status = "misordered" if any(id(s) in bad for s in secs) else "present"
        elif e.id == "overview" and opening_has_overview(doc, spec):
            status = "opening"
        else:
            status = "missing"
        statuses.append(ElementStatus(e.id, e.name, e.required, status, list(secs)))
    return statuses, misordered


def _figures_elsewhere(loc: Locator, spec: Spec) -> Section | None:
    """A section (not the overview) whose text states the year's figures."""
    overview = spec.element("overview")
    cues = overview.text_cues if overview else []
    for s in loc.doc.walk():
        for p in s.paragraphs:
            if any(c in p.text for c in cues) and len(_FIGURE_RE.findall(p.text)) >= 2:
                return s
    return None


def check_structure(loc: Locator, spec: Spec) -> tuple[list[Finding], list[ElementStatus]]:
    """Structure findings and the per-element view."""
    doc = loc.doc
    out: list[Finding] = []
    statuses, misordered = element_statuses(loc, spec)
    end = len(doc.text.rstrip())
    names = {e.id: e.name for e in spec.elements}
    order_text = "→".join(e.name for e in spec.elements if e.required or e.if_missing)

    for st in statuses:
        element = spec.element(st.id)
        if element is None or st.status != "missing":
            continue
        severity = element.missing_severity
        if severity is None:
            continue
        if st.id == "overview":
            where = _figures_elsewhere(loc, spec)
            if where is not None:
                out.append(loc.make(
                    "structure", "structure-overview-elsewhere", "warning",
                    f"没有单独的“{st.name}”部分，年度数据写在“{where.label[:24]}”中："
                    "建议把提拔、职级晋升等数据集中写在报告开头或第一部分。",
                    where.heading_start, where.heading_end, element=st.id,
                ))
                continue
        what = "缺少" if severity == "error" else "未见"
        advice = element.description or element.name
        out.append(loc.make(
            "structure", f"structure-missing-{st.id}", severity,  # type: ignore[arg-type]
            f"{what}“{st.name}”部分：应写明{advice}。按规范顺序为：{order_text}。",
            end, end, element=st.id,
        ))

    for s, after in misordered:
        el = _mapping(loc, spec).get(id(s), "")
        out.append(loc.make(
            "structure", "structure-order", "error",
            f"“{s.label[:24]}”（{names.get(el, el)}）排在“{names.get(after, after)}”之后，顺序不对："
            f"请按{order_text}的顺序调整。",
            s.heading_start, s.heading_end, element=el,
        ))

    # practices (and any element with a minimum of sections/subsections)
    for st in statuses:
        element = spec.element(st.id)
        if element is None or not st.sections:
            continue
        if element.min_sections > 1:
            if len(st.sections) >= element.min_sections:
                continue
            if any(len(s.children) >= max(2, element.min_subsections) for s in st.sections):
                continue
            s = st.sections[0]
            out.append(loc.make(
                "structure", f"structure-thin-{st.id}", "error",
                f"“{st.name}”只有{len(st.sections)}个部分且下设不足{max(2, element.min_subsections)}个小节："
                f"应写{element.min_sections}个以上部分，或在一个部分下分（一）（二）等小节展开。",
                s.heading_start, s.heading_end, element=st.id,
            ))
        elif element.min_subsections and sum(len(s.children) for s in st.sections) < element.min_subsections:
            s = st.sections[0]
            if s.paragraphs or s.children:
                out.append(loc.make(
                    "structure", f"structure-thin-{st.id}", "warning",
                    f"“{s.label[:24]}”下不足{element.min_subsections}个小节：建议分（一）（二）等小节展开。",
                    s.heading_start, s.heading_end, element=st.id,
                ))

    for s in doc.walk():
        if not s.implicit and not s.paragraphs and not s.children:
            out.append(loc.make(
                "structure", "structure-empty", "error",
                f"“{s.label[:24]}”下面没有内容：请补写正文或删去这个标题。",
                s.heading_start, s.heading_end,
            ))

    if spec.salutation and doc.salutation is None and doc.sections:
        out.append(loc.make(
            "structure", "structure-salutation", "warning",
            f"讲话稿缺少称呼语“{spec.salutation}”：请在正文开头加上。", 0, 0,
        ))
    return out, statuses


def _mapping(loc: Locator, spec: Spec) -> dict[int, str]:
    """The element mapping, reusing the locator's when it has one."""
    return loc.elements or assign_elements(loc.doc, spec)
