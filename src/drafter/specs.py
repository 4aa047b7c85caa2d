"""Report specifications: the required structure of a genre, as data.

A spec lives in ``knowledge/specs/<genre>.yaml``; a new genre needs a file, not
code. Each element has a stable id (``overview``, ``practices``, ``problems``,
``plans``, ``rectification``, ``other``), whether it is required, the heading
keywords that recognise it, and the retrieval query used when drafting it.

:func:`assign_elements` maps each top-level section of a parsed document to an
element id; the checker, the drafter and the comparison view all use it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .doctree import Document, Section
from .errors import ConfigError
from .settings import BUNDLED_KB

__all__ = [
    "Element",
    "Spec",
    "load_spec",
    "available_genres",
    "assign_elements",
    "opening_has_overview",
    "elements_of",
    "classify_heading",
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


def classify_heading(title: str, spec: Spec) -> str | None:
    """The element a top-level heading names, or None if it names none."""
    ids = [e.id for e in spec.elements]
    for element_id in _MATCH_ORDER + tuple(ids):
        element = spec.element(element_id)
        if element is not None and element.matches_heading(title):
            return element.id
    return None


def assign_elements(doc: Document, spec: Spec) -> dict[int, str]:
    """Map ``id(section)`` of every section to its element id.

    Top-level sections are classified by heading; an implicit closing section
    (a trailing 下一步 paragraph) is ``plans``; a top-level section naming no
    element gets the spec's ``default_element``. Subsections inherit their
    top-level section's element. Sections already carrying ``element`` keep it.
    """
    result: dict[int, str] = {}
    for top in doc.sections:
        if top.element:
            element = top.element
        elif top.implicit:
            element = "plans" if spec.element("plans") else spec.default_element
        else:
            element = classify_heading(top.title, spec) or spec.default_element
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

