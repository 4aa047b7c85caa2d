"""Section-by-section comparison of two texts (drafts, versions, last year's report).

Both texts are parsed into :class:`~drafter.text.doctree.Document`; every section (at
every level, plus the opening before the first heading) becomes one *unit*. Units
are aligned in order by :mod:`drafter.review.alignment` (equal sections anchored
first, the rest by a dynamic programme scoring each pair on spec element, heading
similarity and body similarity), so a renamed or renumbered section still pairs with
its counterpart. Paired units are then diffed by :mod:`drafter.review.textdiff`: word
by word (jieba tokens; Chinese has no spaces, a line diff is useless), a replaced run
of words refined character by character, so a one-character edit shows as exactly
that character. Both steps run in about linear time (long inputs are anchored on
unique lines, sentences and words first), so ``compare`` is limited only by
:data:`drafter.text.limits.MAX_COMPARE_CHARS`.

>>> c = compare_texts("一、情况\\n选拔干部4人。", "一、情况\\n选拔干部5人。")
>>> [(s.status, [(op.op, op.old, op.new) for op in s.diff if op.op != "equal"]) for s in c.sections]
[('changed', [('replace', '4', '5')])]

The result serialises to ``{"similarity", "sections": [{"status", "old", "new",
"similarity", "diff"}]}`` (:meth:`Comparison.to_dict`). :func:`diff_html` renders the
two-column view, :func:`inline_diff` the 【+…】/【-…】 text form for the CLI.
Number and stale-copy views for reviewers live in :mod:`drafter.review.views`
and are re-exported here.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from ..errors import DrafterError
from ..text.doctree import Document, Section, parse
from .alignment import Unit, align
from .textdiff import (
    DiffOp,
    Granularity,
    diff_strings,
    diff_tokens,
    inline_diff,
    ops_similarity,
    similarity_of,
)
from .views import (
    NumberRef,
    StaleSpan,
    highlight_html,
    numbers_view,
    stale_spans,
)

__all__ = [
    "OPENING_HEADING",
    "Comparison",
    "DiffOp",
    "NumberRef",
    "SectionDiff",
    "StaleSpan",
    "compare_documents",
    "compare_texts",
    "diff_html",
    "diff_strings",
    "highlight_html",
    "inline_diff",
    "numbers_view",
    "similarity_of",
    "stale_spans",
]

#: Heading shown for the part before the first heading (title, salutation, opening).
OPENING_HEADING = "（标题及开头）"

Status = Literal["same", "changed", "added", "removed"]

@dataclass
class SectionDiff:
    """One aligned pair of sections (or a section present on one side only).

    ``old``/``new`` are the headings as a reader sees them (``二、……``), ``None`` on
    the side where the section does not exist. The diff covers the heading title and
    the section's own paragraphs; a renumbering alone (``三、`` → ``二、``) shows in
    the headings and leaves the status ``same``.
    """

    status: Status
    old: str | None
    new: str | None
    similarity: float
    diff: list[DiffOp]
    level: int = 1
    element: str | None = None
    old_section: Section | None = field(default=None, repr=False, compare=False)
    new_section: Section | None = field(default=None, repr=False, compare=False)

    @property
    def old_text(self) -> str:
        return "".join(op.old for op in self.diff)

    @property
    def new_text(self) -> str:
        return "".join(op.new for op in self.diff)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "old": self.old,
            "new": self.new,
            "similarity": round(self.similarity, 4),
            "diff": [op.to_dict() for op in self.diff],
        }


@dataclass
class Comparison:
    """The result of comparing two texts: overall similarity and aligned sections."""

    similarity: float
    sections: list[SectionDiff]

    def to_dict(self) -> dict[str, Any]:
        return {
            "similarity": round(self.similarity, 4),
            "sections": [s.to_dict() for s in self.sections],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def write_json(self, out: IO[str]) -> None:
        """The same JSON as :meth:`to_json`, written one section a line (little memory, fast)."""
        out.write(f'{{"similarity": {round(self.similarity, 4)}, "sections": [')
        for k, s in enumerate(self.sections):
            out.write(("\n" if k == 0 else ",\n") + json.dumps(s.to_dict(), ensure_ascii=False))
        out.write("\n]}\n" if self.sections else "]}\n")

    def counts(self) -> dict[str, int]:
        """How many sections have each status."""
        out = {"same": 0, "changed": 0, "added": 0, "removed": 0}
        for s in self.sections:
            out[s.status] += 1
        return out

    @property
    def changed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.status != "same"]


# --------------------------------------------------------------------------- units


def _section_content(s: Section) -> str:
    parts = [] if s.implicit or not s.title else [s.title]
    parts.extend(p.text for p in s.paragraphs)
    return "\n".join(parts)


def _units(doc: Document, elements: dict[int, str]) -> list[Unit]:
    units: list[Unit] = []
    head = [p.text for p in (doc.title, doc.salutation) if p is not None]
    head += [p.text for p in doc.opening]
    if head:
        units.append(Unit(OPENING_HEADING, "", "\n".join(head), 0, "opening", None, True))
    for s in doc.walk():
        units.append(
            Unit(s.label, s.title, _section_content(s), s.level, elements.get(id(s), s.element), s)
        )
    return units


# --------------------------------------------------------------------------- compare


def _elements(doc: Document, spec: Any) -> dict[int, str]:
    if spec is None:
        return {id(s): s.element for s in doc.walk() if s.element}
    from ..text.specs import assign_elements

    return assign_elements(doc, spec)


def _default_spec(genre: str | None) -> Any:
    try:
        from ..text.specs import load_spec

        return load_spec(genre or "report")
    except (ImportError, DrafterError):
        return None


def compare_documents(
    old: Document,
    new: Document,
    *,
    spec: Any = None,
    genre: str | None = None,
    granularity: Granularity = "word",
) -> Comparison:
    """Align the sections of two documents and diff each pair.

    ``spec`` (a :class:`~drafter.text.specs.Spec`) lets sections pair by spec element;
    by default the spec for ``genre`` (``report``) is loaded.
    """
    spec = spec if spec is not None else _default_spec(genre)
    old_units = _units(old, _elements(old, spec))
    new_units = _units(new, _elements(new, spec))
    sections: list[SectionDiff] = []
    kept = total = 0
    for i, j in align(old_units, new_units):
        a = old_units[i] if i is not None else None
        b = new_units[j] if j is not None else None
        old_content = a.content if a else ""
        new_content = b.content if b else ""
        if a is not None and b is not None and granularity == "word" and old_content != new_content:
            ops = diff_tokens(a.tokens, b.tokens, granularity=granularity)  # tokenized once, for the alignment
        else:
            ops = diff_strings(old_content, new_content, granularity=granularity)
        if a is None:
            status: Status = "added"
        elif b is None:
            status = "removed"
        else:
            status = "same" if old_content == new_content else "changed"
        kept += 2 * sum(len(op.old) for op in ops if op.op == "equal")
        total += len(old_content) + len(new_content)
        ref = b or a
        sections.append(
            SectionDiff(
                status=status,
                old=a.heading if a else None,
                new=b.heading if b else None,
                similarity=ops_similarity(ops) if a and b else 0.0,
                diff=ops,
                level=ref.level if ref else 1,
                element=ref.element if ref else None,
                old_section=a.section if a else None,
                new_section=b.section if b else None,
            )
        )
    similarity = 1.0 if total == 0 else kept / total
    return Comparison(similarity=similarity, sections=sections)


def compare_texts(
    old_text: str,
    new_text: str,
    *,
    spec: Any = None,
    genre: str | None = None,
    granularity: Granularity = "word",
) -> Comparison:
    """Compare two texts (whole drafts, two versions of one section, any two files)."""
    return compare_documents(
        parse(old_text), parse(new_text), spec=spec, genre=genre, granularity=granularity
    )


# --------------------------------------------------------------------------- rendering


_STATUS_NAMES = {"same": "未改动", "changed": "有改动", "added": "新增", "removed": "删除"}
_DEL_STYLE = "background:#ffd7d5;color:#82071e;text-decoration:line-through;"
_INS_STYLE = "background:#ccffd8;color:#055d20;text-decoration:none;"
_CELL_STYLE = "vertical-align:top;width:50%;padding:6px 8px;border:1px solid #ddd;line-height:1.7;"
_HEAD_STYLE = "padding:4px 8px;border:1px solid #ddd;background:#f6f8fa;font-weight:bold;"


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _side_html(ops: list[DiffOp], side: Literal["old", "new"]) -> str:
    parts: list[str] = []
    for op in ops:
        text = op.old if side == "old" else op.new
        if not text:
            continue
        if op.op == "equal":
            parts.append(_esc(text))
        elif side == "old":
            parts.append(f'<del class="drafter-del" style="{_DEL_STYLE}">{_esc(text)}</del>')
        else:
            parts.append(f'<ins class="drafter-ins" style="{_INS_STYLE}">{_esc(text)}</ins>')
    return "".join(parts)


def diff_html(
    comparison: Comparison | str,
    new_text: str | None = None,
    *,
    old_label: str = "原稿",
    new_label: str = "新稿",
    show_same: bool = True,
) -> str:
    """The two-column view as an HTML table (all text escaped).

    Pass a :class:`Comparison`, or the two texts. Deletions are ``<del>`` on the left,
    insertions ``<ins>`` on the right; unchanged sections are shown in full unless
    ``show_same`` is false, when only their headings remain.
    """
    if isinstance(comparison, str):
        if new_text is None:
            raise TypeError("diff_html(old_text, new_text): new_text is missing")
        comparison = compare_texts(comparison, new_text)
    rows = [
        '<table class="drafter-diff" style="border-collapse:collapse;width:100%;">',
        (
            f'<thead><tr><th style="{_HEAD_STYLE}">{_esc(old_label)}</th>'
            f'<th style="{_HEAD_STYLE}">{_esc(new_label)}</th></tr></thead><tbody>'
        ),
    ]
    for s in comparison.sections:
        badge = f"{_STATUS_NAMES[s.status]}"
        if s.status in ("same", "changed"):
            badge += f" · 相似度 {s.similarity:.0%}"
        old_head = _esc(s.old) if s.old is not None else "—"
        new_head = _esc(s.new) if s.new is not None else "—"
        rows.append(
            f'<tr class="drafter-sec drafter-{s.status}">'
            f'<td style="{_HEAD_STYLE}">{old_head}</td>'
            f'<td style="{_HEAD_STYLE}">{new_head} <span style="font-weight:normal;color:#57606a;">'
            f"（{badge}）</span></td></tr>"
        )
        if s.status == "same" and not show_same:
            continue
        rows.append(
            f'<tr><td style="{_CELL_STYLE}">{_side_html(s.diff, "old")}</td>'
            f'<td style="{_CELL_STYLE}">{_side_html(s.diff, "new")}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "\n".join(rows)

