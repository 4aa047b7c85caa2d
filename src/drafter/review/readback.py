"""Reading back a draft the writer edited in Word or WPS.

:func:`read_back` takes the draft drafter wrote (its native text, or the stored
sections) and the text of the edited file (``.docx``/``.wps``/``.doc``/``.txt``, read
by :func:`drafter.kb.ingest.read_text`) and says, per top-level section, whether it
is ``unchanged``, ``changed`` (with the word diff of :mod:`.textdiff`), ``added`` or
``removed``. Sections are matched by heading — a renamed, renumbered or moved
section still pairs with its own (the pairing is :mod:`.alignment`'s, scoring
heading and body) — never by position alone.

The frame is not body: the title (a .docx export may break it over two lines), the
主送 line, 特此报告, the 落款 unit and the date are recognised, reported in
:attr:`Readback.frame`, and left out of every section. Checks and the 事实依据表 run
again on the edited text; :attr:`Readback.new_findings` are those the draft did not
have, and sentences the writer wrote themselves carry the ``edit`` basis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..drafting.basis import BasisMatcher, SentenceBasis
from ..facts.sheet import FactSheet
from ..similarity.shingles import normalise
from ..text.doctree import normalize_newlines
from ..text.finding import Finding
from ..text.report_frame import Frame, split_frame
from .textdiff import DiffOp, diff_strings, inline_diff

__all__ = ["Frame", "Readback", "SectionChange", "Block", "read_back", "read_edited", "split_frame", "top_blocks"]

Status = Literal["unchanged", "changed", "added", "removed"]
STATUS_ZH = {"unchanged": "未改动", "changed": "有改动", "added": "新增", "removed": "删除"}



@dataclass
class Block:
    """One top-level part: ``heading`` ("" for the opening) and its body text."""

    heading: str
    title: str
    body: str
    element: str | None = None
    id: str = ""


@dataclass
class SectionChange:
    """One top-level section of the draft against the edited file."""

    status: Status
    id: str | None  # the draft section's id (None for an added section)
    old_heading: str | None
    new_heading: str | None
    old_body: str
    new_body: str
    diff: list[DiffOp] = field(default_factory=list)

    @property
    def renamed(self) -> bool:
        return (self.old_heading is not None and self.new_heading is not None
                and _title(self.old_heading) != _title(self.new_heading))

    def inline(self) -> str:
        """The diff as 【+新增】【-删除】 text."""
        return inline_diff(self.diff, context=40)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "id": self.id,
            "old_heading": self.old_heading,
            "new_heading": self.new_heading,
            "renamed": self.renamed,
            "old": self.old_body,
            "new": self.new_body,
            "diff": [op.to_dict() for op in self.diff],
        }


@dataclass
class Readback:
    sections: list[SectionChange]
    frame: Frame
    edited_text: str
    new_findings: list[Finding] = field(default_factory=list)
    basis: list[SentenceBasis] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in STATUS_ZH}
        for s in self.sections:
            out[s.status] += 1
        return out

    @property
    def changes(self) -> list[SectionChange]:
        return [s for s in self.sections if s.status != "unchanged"]

    def to_dict(self) -> dict[str, Any]:
        from ..drafting.types import finding_to_dict

        return {
            "counts": self.counts(),
            "frame": self.frame.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
            "new_findings": [finding_to_dict(f) for f in self.new_findings],
            "basis": [b.to_dict() for b in self.basis],
        }


def read_edited(path: str | Path) -> str:
    """The text of an edited file (.docx/.wps/.doc/.txt …), as drafter reads any upload."""
    from ..kb.ingest import read_text

    return normalize_newlines(read_text(path).text)


def _title(heading: str | None) -> str:
    if not heading:
        return ""
    return normalise(re.sub(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", "", heading))


def top_blocks(body: str, spec: Any = None) -> list[Block]:
    """The opening and each top-level section of a frame-less body, with section ids as the engine gives them."""
    from ..drafting.restore import draft_from_text
    from ..text.specs import load_spec

    spec = spec or load_spec("report")
    draft = draft_from_text("\n" + body if body else body, spec)  # no title line: the frame is gone
    out: list[Block] = []
    for s in draft.sections:
        title = _title(s.heading)
        out.append(Block(s.heading, title, s.text.strip("\n"), s.element, s.id))
    return out


_PAIR_MIN = 0.5  # a renamed section pairs with its own when heading and body together score this much


def pair_blocks(old: list[Block], new: list[Block]) -> list[tuple[int | None, int | None]]:
    """Pairs ``(i, j)`` in the edited file's order; removed sections ``(i, None)`` after their predecessor.

    By heading first (the same title anywhere: a moved or renumbered section), then
    the rest by heading and body similarity (a renamed one), so order never decides.
    """
    from rapidfuzz.fuzz import ratio

    match: dict[int, int] = {}
    used: set[int] = set()
    for j, b in enumerate(new):  # the opening with the opening, a title with the same title
        for i, a in enumerate(old):
            if i in match.values() or bool(a.heading) != bool(b.heading):
                continue
            if a.title == b.title:
                match[j] = i
                used.add(i)
                break
    scored = []
    for j, b in enumerate(new):
        if j in match or not b.heading:
            continue
        for i, a in enumerate(old):
            if i in used or not a.heading:
                continue
            head = ratio(a.title, b.title) / 100
            body = ratio(normalise(a.body)[:2000], normalise(b.body)[:2000]) / 100
            score = 0.4 * head + 0.6 * body
            if score >= _PAIR_MIN:
                scored.append((score, i, j))
    for _score, i, j in sorted(scored, key=lambda x: (-x[0], x[1], x[2])):
        if j not in match and i not in used:
            match[j] = i
            used.add(i)
    pairs: list[tuple[int | None, int | None]] = []
    placed: set[int] = set()
    for j in range(len(new)):
        mi = match.get(j)
        if mi is not None:
            # removed sections that stood before this one in the draft come first
            for k in range(mi):
                if k not in used and k not in placed:
                    pairs.append((k, None))
                    placed.add(k)
        pairs.append((mi, j))
    pairs += [(k, None) for k in range(len(old)) if k not in used and k not in placed]
    return pairs


def _same(a: str, b: str) -> bool:
    return normalise(a) == normalise(b) and _punct(a) == _punct(b)


def _punct(text: str) -> str:
    return "".join(c for c in text if c in "。，；：！？、“”《》（）")


def read_back(
    draft_text: str,
    edited_text: str,
    *,
    facts: FactSheet | None = None,
    draft_sections: list[Any] | None = None,
    author: str = "",
    genre: str | None = None,
) -> Readback:
    """Compare the draft with the edited text, section by section; rerun checks and basis.

    ``draft_sections`` (``SectionDraft``s or stored versions with ``id``/``heading``/
    ``text``) give the draft's own ids and bodies; without them the draft text is
    parsed the same way as the edited one.
    """
    from ..text.specs import load_spec

    spec = load_spec(genre or (facts.genre if facts else "report"))
    draft_text = normalize_newlines(draft_text)
    title = draft_text.split("\n", 1)[0].strip()
    signers = tuple(x for x in ((facts.signature_unit if facts else ""),
                                (facts.signer if facts else "")) if x)
    old_body, _old_frame = split_frame(draft_text, title=title, signers=signers)
    new_body, frame = split_frame(edited_text, title=title, signers=signers)
    old_blocks = top_blocks(old_body, spec)
    if draft_sections:
        by_title = {_title(getattr(s, "heading", "")): s for s in draft_sections}
        for b in old_blocks:
            src = by_title.get(b.title) if b.heading else next(
                (s for s in draft_sections if not getattr(s, "heading", "")), None)
            if src is not None:
                b.id = str(getattr(src, "section_id", "") or getattr(src, "id", ""))
    new_blocks = top_blocks(new_body, spec)
    sections: list[SectionChange] = []
    for i, j in pair_blocks(old_blocks, new_blocks):
        a = old_blocks[i] if i is not None else None
        nb = new_blocks[j] if j is not None else None
        old_t = a.body if a else ""
        new_t = nb.body if nb else ""
        if a is None:
            status: Status = "added"
        elif nb is None:
            status = "removed"
        elif _same(old_t, new_t) and _title(a.heading) == _title(nb.heading):
            status = "unchanged"
        else:
            status = "changed"
        old_full = "\n".join(x for x in ((a.heading if a else ""), old_t) if x)
        new_full = "\n".join(x for x in ((nb.heading if nb else ""), new_t) if x)
        ops = diff_strings(old_full, new_full) if status != "unchanged" else []
        sections.append(SectionChange(status, a.id if a else None, a.heading if a else None,
                                      nb.heading if nb else None, old_t, new_t, ops))
    result = Readback(sections, frame, normalize_newlines(edited_text))
    if facts is not None:
        matcher = BasisMatcher(facts)
        prev = {id(s): s for s in sections}
        for s in sections:
            if s.status == "removed":
                continue
            previous = s.old_body if s.status in ("changed", "unchanged") else ""
            result.basis += matcher.text(s.new_body, section=s.new_heading or "开头",
                                         previous=previous, author=author)
        del prev
        result.new_findings = _new_findings(old_body, new_body, facts, genre=spec.id)
    return result


def _new_findings(old_body: str, new_body: str, facts: FactSheet, *, genre: str) -> list[Finding]:
    """Findings of the edited body that the draft's body did not have (by code and text)."""
    from ..checks import check_text

    before = check_text(old_body, facts=facts, genre=genre)
    after = check_text(new_body, facts=facts, genre=genre)
    seen: dict[tuple[str, str], int] = {}
    for f in before.findings:
        seen[(f.code, f.text)] = seen.get((f.code, f.text), 0) + 1
    out: list[Finding] = []
    for f in after.findings:
        key = (f.code, f.text)
        if seen.get(key):
            seen[key] -= 1
            continue
        out.append(f)
    return out


#: The kind of a section version read back from Word or WPS (shown as 「Word修改稿」).
WORD_KIND = "word"


def apply_readback(
    repo: Any,
    draft_id: int,
    readback: Readback,
    *,
    facts: FactSheet | None,
    author: str = "",
    genre: str = "report",
) -> list[str]:
    """Save each changed or added section as a new version (kind ``word``); unchanged ones untouched.

    ``repo`` is a :class:`~drafter.storage.repository.Repository` or its scoped form.
    Returns the ids of the sections saved. A removed section keeps its versions and
    leaves the reading order; the order follows the edited file.
    """
    from ..checks.section import check_section

    stored = repo.get_draft(draft_id)
    current = {s.section_id: s for s in stored.sections} if stored is not None else {}
    matcher = BasisMatcher(facts) if facts is not None else None
    saved: list[str] = []
    order: list[str] = []
    n_added = 0
    for change in readback.sections:
        if change.status == "removed":
            old = current.get(change.id or "")
            if old is not None and (old.text or old.heading):  # an empty version: gone from the text, kept in history
                repo.add_section_version(draft_id, {"id": old.section_id, "element": old.element, "heading": "",
                                                    "level": old.level, "text": "", "backend": "word"},
                                         kind=WORD_KIND, author=author, base_version=old.version)
                saved.append(old.section_id)
            continue
        sid = change.id
        if change.status == "added" or not sid:
            n_added += 1
            sid = f"word-{n_added}"
            while sid in current:
                n_added += 1
                sid = f"word-{n_added}"
        order.append(sid)
        if change.status == "unchanged":
            continue
        old = current.get(sid)
        heading = change.new_heading or ""
        block = "\n".join(x for x in (heading, change.new_body) if x)
        findings = check_section(block, facts, genre) if facts is not None else []
        basis = []
        if matcher is not None:
            basis = [b.to_dict() for b in matcher.text(
                change.new_body, section=heading or "开头",
                previous=(old.text if old is not None else ""), author=author)]
        data = {
            "id": sid,
            "element": (old.element if old is not None else "") or "",
            "heading": heading,
            "level": (old.level if old is not None else (1 if heading else 0)),
            "text": change.new_body,
            "sources": old.sources if old is not None else [],
            "findings": [f.to_dict() for f in findings],
            "basis": basis,
            "backend": "word",
            "status": "ok",
        }
        repo.add_section_version(draft_id, data, kind=WORD_KIND, author=author,
                                 base_version=old.version if old is not None else None)
        saved.append(sid)
    repo.set_order(draft_id, order)
    return saved
