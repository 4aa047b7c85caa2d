"""Report specifications: the required structure of a genre, as data.

A spec lives in ``knowledge/specs/<genre>.yaml``; a new genre needs a file, not
code. Each element has a stable id (``overview``, ``practices``, ``problems``,
``plans``, ``rectification``, ``other``), whether it is required, the heading
keywords that recognise it, and the retrieval query used when drafting it.

:func:`assign_elements` maps each top-level section of a parsed document to an
element id (:func:`classify_section`: the heading as a whole, then what the
section holds); the checker, the drafter and the comparison view all use it.
Headings are matched after folding traditional characters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..errors import ConfigError
from ..settings import BUNDLED_KB
from .doctree import Document, Section
from .fold import fold

__all__ = [
    "Element",
    "Spec",
    "load_spec",
    "available_genres",
    "assign_elements",
    "opening_has_overview",
    "elements_of",
    "classify_heading",
    "classify_section",
    "carries_counts",
    "SPECS_DIR",
]

SPECS_DIR = BUNDLED_KB / "specs"

# Elements matched before the practices keywords, most specific first.
_MATCH_ORDER = ("problems", "rectification", "plans", "other", "overview")
_COUNT_RE = re.compile(r"(\d+|[*＊]+|[一二三四五六七八九十两]+)\s*(名|人次|人)")


class Element(BaseModel):
    """One part of the required structure."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    required: bool = True
    repeat: bool = False
    description: str = ""
    headings: list[str] = Field(default_factory=list)
    text_cues: list[str] = Field(default_factory=list)
    allow_in_opening: bool = False
    min_sections: int = 1
    min_subsections: int = 0
    query: str = ""
    #: Severity of the checker's finding when the element is absent; default:
    #: ``error`` for a required element, nothing for an optional one.
    if_missing: Literal["error", "warning", "info"] | None = None

    @property
    def missing_severity(self) -> str | None:
        """``error``/``warning``/``info`` if a missing element is reported, else None."""
        if self.if_missing is not None:
            return self.if_missing
        return "error" if self.required else None

    def matches_heading(self, title: str) -> bool:
        return any(k in title for k in self.headings)


class Spec(BaseModel):
    """The structure of one genre; ``elements`` are in required order."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    title_pattern: str = "{unit}{year}年度干部选拔任用工作报告"
    default_element: str = "practices"
    salutation: str | None = None
    #: Heading words that name the overview or the practices alike (主要工作情况,
    #: 工作开展情况): the section's content decides (see :func:`classify_section`).
    ambiguous_headings: list[str] = Field(default_factory=list)
    elements: list[Element]

    def element(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.id == element_id), None)

    def order_of(self, element_id: str) -> int:
        for i, e in enumerate(self.elements):
            if e.id == element_id:
                return i
        return len(self.elements)

    @property
    def required(self) -> list[Element]:
        return [e for e in self.elements if e.required]

    def title_for(self, unit: str, year: int) -> str:
        return self.title_pattern.format(unit=unit, year=year)


def available_genres(specs_dir: Path | None = None) -> list[str]:
    """Genre ids that have a spec file."""
    return sorted(p.stem for p in (specs_dir or SPECS_DIR).glob("*.yaml"))


@lru_cache(maxsize=32)
def _load(path: Path) -> Spec:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Spec.model_validate(data)


def load_spec(genre: str = "report", specs_dir: Path | None = None) -> Spec:
    """The spec for ``genre`` (``report``, ``speech`` …)."""
    path = (specs_dir or SPECS_DIR) / f"{genre}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"没有文种“{genre}”的结构规范（{path}），可选：{'、'.join(available_genres(specs_dir))}"
        )
    return _load(path)


def _longest(title: str, words: list[str]) -> int:
    return max((len(w) for w in words if w in title), default=0)


def _heading_match(title: str, spec: Spec) -> tuple[str | None, int, int]:
    """``(element, keyword length, ambiguous keyword length)`` for a heading title.

    The element whose keyword is the longest one in the title wins (``改进措施`` is
    plans, not the practices' ``措施``; ``主要问题`` problems, not …); on a tie the
    spec's matching order decides (problems, rectification, plans, other, overview,
    then the rest).
    """
    title = fold(title)
    best: tuple[str | None, int] = (None, 0)
    ids = [e.id for e in spec.elements]
    for element_id in dict.fromkeys(_MATCH_ORDER + tuple(ids)):
        element = spec.element(element_id)
        if element is None:
            continue
        n = _longest(title, element.headings)
        if n > best[1]:
            best = (element.id, n)
    return best[0], best[1], _longest(title, spec.ambiguous_headings)


def classify_heading(title: str, spec: Spec) -> str | None:
    """The element a top-level heading names by its wording alone, or None."""
    element, _, ambiguous = _heading_match(title, spec)
    if element is None and ambiguous:
        return spec.default_element
    return element


def carries_counts(section: Section, spec: Spec) -> bool:
    """The section's own text states the year's figures (``提拔…*人，晋升职级…5人``)."""
    overview = spec.element("overview")
    cues = overview.text_cues if overview else []
    text = fold(section.body)
    return bool(cues) and any(c in text for c in cues) and len(_COUNT_RE.findall(text)) >= 2


def _looks_like_practices(section: Section) -> bool:
    return len(section.children) >= 1 or any(p.enumerations for p in section.paragraphs)


def classify_section(section: Section, spec: Spec, *, first: bool = False) -> str:
    """The element of a top-level section, from its heading as a whole and from its content.

    The heading's longest keyword decides, except where the heading is one that
    names either the overview or the practices (``主要工作情况``, ``工作开展情况`` —
    the spec's ``ambiguous_headings``) or names nothing: then a section that carries
    the year's counts is the overview, one with subsections or 一是/二是 items the
    practices. A first section naming nothing that carries the counts and has no
    subsections is the overview.
    """
    if section.element:
        return section.element
    if section.implicit:
        return "plans" if spec.element("plans") else spec.default_element
    element, length, ambiguous = _heading_match(section.title, spec)
    has_overview = spec.element("overview") is not None
    practices = "practices" if spec.element("practices") else spec.default_element
    if ambiguous and ambiguous >= length and element in (None, "overview", practices):
        if has_overview and carries_counts(section, spec) and not section.children:
            return "overview"
        if _looks_like_practices(section):
            return practices
        return element or ("overview" if has_overview and carries_counts(section, spec) else practices)
    if element is None:
        if first and has_overview and not section.children and carries_counts(section, spec):
            return "overview"
        return spec.default_element
    return element


def assign_elements(doc: Document, spec: Spec) -> dict[int, str]:
    """Map ``id(section)`` of every section to its element id.

    Top-level sections are classified by :func:`classify_section` (heading as a
    whole, then content); an implicit closing section (a trailing 下一步 paragraph)
    is ``plans``. Subsections inherit their top-level section's element. Sections
    already carrying ``element`` keep it.
    """
    result: dict[int, str] = {}
    for i, top in enumerate(doc.sections):
        element = classify_section(top, spec, first=i == 0)
        for s in top.walk():
            result[id(s)] = s.element or element
    return result


def opening_has_overview(doc: Document, spec: Spec) -> bool:
    """True if the opening paragraphs state the year's figures (as sample 002 does)."""
    overview = spec.element("overview")
    if overview is None or not overview.allow_in_opening:
        return False
    for p in doc.opening:
        if any(c in p.text for c in overview.text_cues) and _COUNT_RE.search(p.text):
            return True
    return False


def elements_of(doc: Document, spec: Spec) -> list[tuple[Section, str]]:
    """Top-level sections with their element ids, in document order."""
    mapping = assign_elements(doc, spec)
    return [(s, mapping[id(s)]) for s in doc.sections]

