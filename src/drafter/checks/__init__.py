"""The draft checker: placeholders, structure, numbering, figures, proofreading,
stale copy and policy formulations — one module per category.

>>> result = check_text("一、总体情况\\n提拔*人。")          # doctest: +SKIP
>>> [(f.code, f.line, f.text) for f in result.findings][:1]  # doctest: +SKIP
[('placeholder-number', 2, '*人')]

:func:`check_text` works on a whole report or on a fragment (one section): the
``structure`` category only makes sense on a whole report, so callers checking a
section pass ``categories={"placeholder", "figure", "numbering"}``. Offsets and
lines are into the text as given (after :func:`~drafter.text.doctree.normalize_newlines`):
:func:`check_text` checks a reflowed, traditional-folded copy (:mod:`.source`) and
maps every finding back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..facts.formulations import FormulationLibrary
from ..facts.sheet import FactSheet
from ..text.doctree import Document, normalize_newlines, parse
from ..text.finding import SEVERITIES, Finding, Locator
from ..text.specs import Spec, assign_elements, available_genres, load_spec
from .feedback import check_feedback
from .figures import Count, CountMatch, check_figures, find_counts, match_count
from .grouping import FindingGroup, group_findings
from .numbering import check_numbering
from .placeholder import Placeholder, check_placeholders, find_placeholders
from .policy import check_policy
from .proofread import check_proofread
from .source import prepare, restore
from .stale import OlderReport, check_stale, older_report
from .structure import ElementStatus, check_structure, element_statuses

__all__ = [
    "CATEGORIES",
    "CheckResult",
    "Count",
    "CountMatch",
    "ElementStatus",
    "Finding",
    "FindingGroup",
    "Placeholder",
    "check_document",
    "check_text",
    "detect_genre",
    "find_counts",
    "find_placeholders",
    "match_count",
    "older_report",
]

#: Finding categories, in the order reports list them.
CATEGORIES: tuple[str, ...] = (
    "placeholder", "structure", "numbering", "figure", "basis", "proofread", "stale", "policy",
)


@dataclass
class CheckResult:
    """Findings for one text, with the parsed document and the structure view."""

    doc: Document
    findings: list[Finding]
    elements: list[ElementStatus] = field(default_factory=list)
    genre: str = "report"
    categories: tuple[str, ...] = CATEGORIES
    locator: Locator | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and info allowed)."""
        return not self.errors

    def counts(self) -> dict[str, dict[str, int]]:
        """``{category: {severity: n}}`` for the categories that were checked."""
        table = {c: {s: 0 for s in SEVERITIES} for c in self.categories}
        for f in self.findings:
            table.setdefault(f.category, {s: 0 for s in SEVERITIES})[f.severity] += 1
        return table

    @property
    def groups(self) -> list[FindingGroup]:
        """One group per code with every instance: errors first (see :mod:`.grouping`)."""
        return group_findings(self.findings)

    def by_category(self, category: str) -> list[Finding]:
        return [f for f in self.findings if f.category == category]

    def outline(self) -> list[dict[str, object]]:
        """The parsed headings: level, number, title, line (and element)."""
        loc = self.locator or Locator(self.doc)
        rows: list[dict[str, object]] = []
        for s in self.doc.walk():
            rows.append({
                "level": s.level,
                "number": s.number,
                "title": s.title,
                "line": loc.line(s.heading_start),
                "implicit": s.implicit,
                "element": loc.elements.get(id(s)),
            })
        return rows

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ``outline``, ``findings``, ``groups``, ``elements``, ``counts``, ``genre``."""
        return {
            "genre": self.genre,
            "ok": self.ok,
            "outline": self.outline(),
            "elements": [e.to_dict(self.locator) for e in self.elements],
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "groups": [g.to_dict() for g in self.groups],
        }


def detect_genre(doc: Document, facts: FactSheet | None = None) -> str:
    """The genre of a text: a speech if it opens with a spec's salutation, else the fact sheet's."""
    if doc.salutation is not None:
        for genre in available_genres():
            spec = load_spec(genre)
            if spec.salutation and doc.salutation.text.startswith(spec.salutation.rstrip("：:")):
                return genre
    if facts is not None and facts.genre:
        return facts.genre
    return "report"


def _older(against: Iterable[str | tuple[str, str] | OlderReport] | None) -> list[OlderReport]:
    out: list[OlderReport] = []
    for i, item in enumerate(against or [], start=1):
        if isinstance(item, OlderReport):
            out.append(item)
        elif isinstance(item, tuple):
            name, text = item
            out.append(older_report(name, normalize_newlines(text)))
        else:
            out.append(older_report(f"旧报告{i}", normalize_newlines(item)))
    return out


def check_document(
    doc: Document,
    *,
    facts: FactSheet | None = None,
    against: Sequence[str | tuple[str, str] | OlderReport] | None = None,
    genre: str | None = None,
    categories: Iterable[str] | None = None,
    spec: Spec | None = None,
    elements: Mapping[str, str] | None = None,
    policy_lists: Sequence[FormulationLibrary] = (),
) -> CheckResult:
    """Check an already parsed document (``doc.text`` is the normalised text).

    ``elements`` maps a top-level heading (its label, e.g. ``三、短板弱项``) to the
    spec element the writer chose for it in the outline; headings not named there
    are recognised from their wording.
    """
    wanted = tuple(c for c in CATEGORIES if categories is None or c in set(categories))
    unknown = set(categories or ()) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown check categories: {sorted(unknown)}")
    genre = genre or detect_genre(doc, facts)
    spec = spec or load_spec(genre)
    for top in doc.sections:
        chosen = (elements or {}).get(top.label)
        if chosen and spec.element(chosen) is not None:
            top.element = chosen
    loc = Locator(doc, assign_elements(doc, spec))
    findings: list[Finding] = []
    statuses: list[ElementStatus] = []
    if "placeholder" in wanted:
        findings += check_placeholders(loc)
    if "structure" in wanted:
        found, statuses = check_structure(loc, spec)
        findings += found
    else:
        statuses, _ = element_statuses(loc, spec)
    if "numbering" in wanted:
        findings += check_numbering(loc)
    if "figure" in wanted and facts is not None:
        findings += check_figures(loc, facts, whole="structure" in wanted)
    if "basis" in wanted and facts is not None:
        from .grounded import check_grounded

        findings += check_grounded(loc, facts)
    if "proofread" in wanted:
        findings += check_proofread(loc)
    if "stale" in wanted and against:
        findings += check_stale(loc, _older(against), facts.year if facts else None)
    if "policy" in wanted:
        findings += check_policy(loc, year=facts.year if facts else None, lists=policy_lists)
    if facts is not None and "policy" in wanted and "structure" in wanted:
        findings += check_feedback(loc, facts)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    findings.sort(key=lambda f: (f.start, order.get(f.category, 99), f.end))
    return CheckResult(doc, findings, statuses, genre, wanted, loc)


def check_text(
    text: str,
    *,
    facts: FactSheet | None = None,
    against: Sequence[str | tuple[str, str] | OlderReport] | None = None,
    genre: str | None = None,
    categories: Iterable[str] | None = None,
    elements: Mapping[str, str] | None = None,
    policy_lists: Sequence[FormulationLibrary] = (),
) -> CheckResult:
    """Check ``text`` (a whole report or one section).

    ``facts`` enables the figure check (and tells the stale check the report's
    year); ``against`` is a list of older report texts, or ``(name, text)`` pairs;
    ``genre`` a spec id (detected if omitted); ``categories`` a subset of
    :data:`CATEGORIES` (all by default); ``elements`` the outline's choice of spec
    element per top-level heading (see :func:`check_document`).
    """
    prep = prepare(normalize_newlines(text))
    result = check_document(parse(prep.folded), facts=facts, against=against,
                            genre=genre, categories=categories, elements=elements,
                            policy_lists=policy_lists)
    if prep.changed:
        result.locator = restore(result.doc, result.findings, result.locator or Locator(result.doc), prep)
        order = {c: i for i, c in enumerate(CATEGORIES)}
        result.findings.sort(key=lambda f: (f.start, order.get(f.category, 99), f.end))
    return result
