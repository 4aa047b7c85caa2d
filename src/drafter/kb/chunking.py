"""Cutting documents into retrievable chunks, one paragraph (or item) at a time.

A report is parsed into its section tree (:func:`drafter.text.doctree.parse`); each body
paragraph becomes a chunk carrying where it sits: the heading path
(``二、严肃认真做好选人用人工作 > （二）严格执行程序，公道正派选好干部``), the spec
element of its top-level section (``kind``: ``overview``, ``practices``,
``problems``, ``plans`` … or ``opening`` for text before the first heading), the
source file, year and genre. A paragraph longer than ``max_chars`` is cut at its
inline ``一是……二是……`` items, then at sentence ends; very short paragraphs
(``大家好！``) are joined to the next one.

Policy digest items (``knowledge/policies/*.yaml``) become one chunk each, with
genre ``policy`` and kind ``policy``.

A chunk's ``id`` is a hash of everything stored with it, so an unchanged paragraph
keeps its id across re-indexing and a changed one gets a new id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..text.doctree import Document, Paragraph, Section, parse
from ..text.specs import assign_elements, available_genres, load_spec

__all__ = [
    "MAX_CHARS",
    "OPENING",
    "POLICY",
    "Chunk",
    "chunk_document",
    "chunk_policy_items",
    "embed_text",
    "guess_genre",
    "guess_year",
    "split_long",
]

#: ``kind`` of paragraphs before the first heading.
OPENING = "opening"
#: ``kind`` and ``genre`` of policy digest items.
POLICY = "policy"
#: Paragraphs longer than this are split.
MAX_CHARS = 400
_MIN_CHARS = 30
_MIN_PIECE = 80
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_YEAR_RE = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage and where it comes from."""

    id: str
    text: str
    source: str
    heading: str
    kind: str
    genre: str
    year: int | None = None
    title: str = ""
    order: int = 0
    extra: Mapping[str, str] = field(default_factory=dict)

    def embed_text(self) -> str:
        """What is embedded and keyword-indexed: the nearest headings, then the text."""
        return embed_text(self.text, self.heading)

    def metadata(self) -> dict[str, str | int]:
        """Metadata for the vector store (no None values: absent keys instead)."""
        meta: dict[str, str | int] = {
            "source": self.source,
            "heading": self.heading,
            "kind": self.kind,
            "genre": self.genre,
            "title": self.title,
            "order": self.order,
        }
        if self.year is not None:
            meta["year"] = int(self.year)
        for key, value in self.extra.items():
            if value:
                meta[key] = str(value)
        return meta


def embed_text(text: str, heading: str) -> str:
    """The text embedded and keyword-indexed for a chunk: its two nearest headings, then the text."""
    parts = [p.strip() for p in heading.split(" > ") if p.strip()][-2:]
    head = " ".join(parts)
    return f"{head}\n{text}" if head else text


def _chunk_id(
    source: str, heading: str, kind: str, genre: str, year: int | None, text: str
) -> str:
    key = "\x1f".join([source, heading, kind, genre, str(year or ""), text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def split_long(
    text: str, cut_points: Iterable[int] = (), max_chars: int = MAX_CHARS
) -> list[str]:
    """Split ``text`` at ``cut_points`` (item starts) if longer than ``max_chars``.

    Pieces shorter than a short lead-in are joined to the next piece; pieces still
    longer than ``max_chars`` are cut at sentence ends.
    """
    text = text.strip()
    if len(text) <= max_chars:
        return [text] if text else []
    cuts = sorted({c for c in cut_points if 0 < c < len(text)})
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        piece = carry + piece
        if len(piece) < _MIN_PIECE:
            carry = piece
            continue
        carry = ""
        merged.append(piece)
    if carry:
        if merged:
            merged[-1] += carry
        else:
            merged.append(carry)
    out: list[str] = []
    for piece in merged:
        if len(piece) <= max_chars:
            out.append(piece.strip())
            continue
        current = ""
        for sentence in _SENTENCE_END.split(piece):
            if current and len(current) + len(sentence) > max_chars:
                out.append(current.strip())
                current = ""
            current += sentence
        if current.strip():
            out.append(current.strip())
    return [p for p in out if p]


def _paragraph_pieces(p: Paragraph, max_chars: int) -> list[str]:
    cuts = [e.start - p.start for e in p.enumerations]
    return split_long(p.text, cuts, max_chars)


def _join_short(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join paragraphs shorter than a sentence or two to their neighbour."""
    out: list[Paragraph] = []
    pending: Paragraph | None = None
    for p in paragraphs:
        if pending is not None:
            p = Paragraph(
                pending.text + p.text,
                pending.start,
                p.end,
                pending.enumerations + p.enumerations,
            )
            pending = None
        if len(p.text) < _MIN_CHARS:
            pending = p
            continue
        out.append(p)
    if pending is not None:
        if out:
            last = out[-1]
            out[-1] = Paragraph(
                last.text + pending.text, last.start, pending.end, last.enumerations
            )
        else:
            out.append(pending)
    return out


def guess_year(doc: Document) -> int | None:
    """The report year from the title or opening (``2022年…``), if stated."""
    probes = [doc.title.text] if doc.title else []
    probes += [p.text[:80] for p in doc.opening[:2]]
    for text in probes:
        m = _YEAR_RE.search(text)
        if m:
            return int(m.group(1))
    return None


def guess_genre(doc: Document) -> str:
    """``speech`` for a text opening with a salutation (``同志们：``), else ``report``."""
    return "speech" if doc.salutation is not None else "report"


def chunk_document(
    text: str | Document,
    *,
    source: str,
    year: int | None = None,
    genre: str | None = None,
    title: str | None = None,
    extra: Mapping[str, str] | None = None,
    max_chars: int = MAX_CHARS,
) -> list[Chunk]:
    """Chunks of one report or speech, in document order.

    ``year``/``genre``/``title`` default to what the text itself shows.
    """
    doc = text if isinstance(text, Document) else parse(text)
    genre = genre or guess_genre(doc)
    year = year if year is not None else guess_year(doc)
    title = title or (doc.title.text if doc.title else "")
    spec = load_spec(genre if genre in available_genres() else "report")
    elements = assign_elements(doc, spec)

    units: list[tuple[str, str, list[Paragraph]]] = []
    if doc.opening:
        units.append(("", OPENING, doc.opening))

    def visit(section: Section) -> None:
        if section.paragraphs:
            kind = elements.get(id(section), spec.default_element)
            units.append((section.heading_path, kind, section.paragraphs))
        for child in section.children:
            visit(child)

    for top in doc.sections:
        visit(top)

    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for heading, kind, paragraphs in units:
        for para in _join_short(paragraphs):
            for piece in _paragraph_pieces(para, max_chars):
                cid = _chunk_id(source, heading, kind, genre, year, piece)
                n = seen.get(cid, 0)
                seen[cid] = n + 1
                if n:
                    cid = f"{cid}-{n}"
                chunks.append(
                    Chunk(
                        id=cid,
                        text=piece,
                        source=source,
                        heading=heading,
                        kind=kind,
                        genre=genre,
                        year=year,
                        title=title,
                        order=len(chunks),
                        extra=dict(extra or {}),
                    )
                )
    return chunks


def chunk_policy_items(
    items: Iterable[Mapping[str, Any]], *, source: str
) -> list[Chunk]:
    """One chunk per policy digest item (``id``, ``title``, ``text``, ``source``, ``article``)."""
    chunks: list[Chunk] = []
    for item in items:
        body = " ".join(str(item.get("text") or "").split())
        item_title = str(item.get("title") or item.get("id") or "").strip()
        if not body:
            continue
        cite = str(item.get("source") or "").strip()
        article = item.get("article")
        if article:
            cite = f"{cite} {article}".strip()
        extra = {"policy_id": str(item.get("id") or ""), "citation": cite}
        cid = _chunk_id(source, item_title, POLICY, POLICY, None, body + "\x1f" + cite)
        chunks.append(
            Chunk(
                id=cid,
                text=body,
                source=source,
                heading=item_title,
                kind=POLICY,
                genre=POLICY,
                year=None,
                title=cite,
                order=len(chunks),
                extra=extra,
            )
        )
    return chunks
