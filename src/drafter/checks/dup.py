"""查重: a draft or report against every report the knowledge base holds.

The sources are the bundled sample reports, the user's uploads and any ``--against``
files (:func:`kb_sources`), each named “单位 · 年度 · 标题”. The comparison itself is
:func:`drafter.similarity.copies.find_copies` (clause-level character shingles, exact
alignment of candidates, canonical formulations masked). The result is a 重复率 overall
and per top-level section, the copied spans with their source, and the share copied
from the report's *own unit's* earlier reports kept apart from other units'.

>>> sources = kb_sources(get_settings())                  # doctest: +SKIP
>>> result = check_dup(text, sources, unit="某局党组")      # doctest: +SKIP
>>> f"{result.rate:.0%}", f"{result.own_rate:.0%}"        # doctest: +SKIP
('18%', '12%')
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..kb.meta import unit_from_filename
from ..similarity.copies import DupResult, Prepared, SourceIndex, find_copies, prepare
from ..text.doctree import normalize_newlines, parse
from ..text.finding import Finding, Locator

__all__ = [
    "check_dup",
    "unit_from_filename",
    "dup_findings",
    "format_dup",
    "kb_sources",
    "prepare_file",
    "source_from_text",
]


def _key_of(text: str) -> str:
    return hashlib.blake2b(normalize_newlines(text).encode("utf-8"), digest_size=8).hexdigest()


def source_from_text(
    text: str,
    *,
    filename: str | None = None,
    unit: str | None = None,
    year: int | None = None,
    title: str | None = None,
    key: str | None = None,
    canonical: Sequence[str] | None = None,
) -> Prepared:
    """A report as a 查重 source, its unit and year from the given values or its text."""
    from ..kb.meta import DocMeta, detect_meta, display_name

    meta = detect_meta(text, filename)
    if meta.unit is None and filename:
        meta = DocMeta(unit=unit_from_filename(filename), year=meta.year, title=meta.title, genre=meta.genre)
    meta = DocMeta(unit=meta.unit, year=meta.year, title=meta.title, genre=meta.genre).with_overrides(
        unit=unit or None, year=year or None, title=title or None
    )
    fallback = Path(filename).name if filename else "未命名报告"
    return prepare(
        text,
        key=key or (filename or _key_of(text)),
        name=display_name(meta, fallback=fallback),
        unit=meta.unit,
        year=meta.year,
        meta={"file": filename, "title": meta.title, "hash": _key_of(text)},
        canonical=canonical,
    )


def prepare_file(path: str | Path, **overrides: Any) -> Prepared:
    """Read a file (any format ingestion reads) and prepare it as a source."""
    from ..kb.ingest import read_text

    got = read_text(path)
    return source_from_text(got.text, filename=str(path), **overrides)


def kb_sources(
    settings: Any,
    *,
    against: Sequence[str | Path] = (),
    skipped: list[tuple[str, str]] | None = None,
    cache: bool = True,
    scope: Any = None,
) -> list[Prepared]:
    """Every report the knowledge base holds (bundled, uploads) plus ``against`` files.

    With ``scope`` (a :class:`~drafter.kb.scope.KnowledgeScope`), only the uploads that
    person may see: on a team server 查重 never shows another unit's upload.

    Policy digests are not reports and are left out. Files that cannot be read are
    added to ``skipped`` as ``(path, reason)``. Prepared reports are kept in
    ``DRAFTER_HOME/cache/dup`` (:mod:`drafter.similarity.cache`) unless ``cache`` is false.
    """
    from ..kb.indexer import discover
    from ..kb.scope import owner_units
    from ..similarity.cache import cached_prepare
    from ..similarity.shingles import canonical_phrases

    cache_dir = Path(settings.home) / "cache" / "dup" if cache else None
    phrases = canonical_phrases(Path(settings.knowledge_dir) / "policies")
    out: list[Prepared] = []
    files, bad = discover(settings)
    if skipped is not None:
        skipped.extend(bad)
    for sf in files:
        if sf.policy:
            continue
        meta = sf.meta or {}
        if scope is not None and not scope.allows(sf.source, owner_units(meta)):
            continue

        def make(sf: Any = sf, meta: Any = meta) -> Prepared:
            src = prepare_file(
                sf.path,
                unit=str(meta.get("unit") or "") or None,
                year=int(meta["year"]) if str(meta.get("year") or "").isdigit() else None,
                title=str(meta.get("title") or "") or None,
                canonical=phrases,
            )
            src.key = sf.source
            return src

        try:
            key_meta = {**meta, "source": sf.source, "path": str(sf.path)}
            out.append(cached_prepare(cache_dir, sf.path, key_meta, phrases, make))
        except IngestError as err:
            if skipped is not None:
                skipped.append((err.path, err.reason))
    for p in against:
        try:
            out.append(prepare_file(p))
        except IngestError as err:
            if skipped is not None:
                skipped.append((err.path, err.reason))
    return out


def check_dup(
    text: str,
    sources: Iterable[Prepared] | SourceIndex,
    *,
    unit: str | None = None,
    year: int | None = None,
    filename: str | None = None,
) -> DupResult:
    """The 重复率 of ``text`` against ``sources`` (the identical text itself left out)."""
    query = source_from_text(text, filename=filename, unit=unit, year=year, key="__query__")
    index = sources if isinstance(sources, SourceIndex) else SourceIndex(list(sources))
    wording = _wording(index)
    if wording is not None:  # wording many of the knowledge base's units share is 套话
        query.common = wording.mask(query)
    same = [s.key for s in index.sources if s.meta.get("hash") == query.meta.get("hash")]
    if filename:
        here = str(Path(filename).resolve())
        same += [s.key for s in index.sources if s.meta.get("file") and str(Path(s.meta["file"]).resolve()) == here]
    return find_copies(query, index, exclude=same)


def _wording(index: SourceIndex) -> Any:
    """The knowledge base's common wording (learned once per index), or None when it holds too few units."""
    from ..similarity.common import MIN_DF, learn, unit_id

    if len({unit_id(s) for s in index.sources}) < MIN_DF:
        return None
    got = getattr(index, "_wording", None)
    if got is None:
        got = learn(index.sources)
        index._wording = got  # type: ignore[attr-defined]
    return got


def dup_findings(text: str, result: DupResult) -> list[Finding]:
    """The copied spans as checker findings (category ``dup``), in text order."""
    text = normalize_newlines(text)
    loc = Locator(parse(text))
    out: list[Finding] = []
    for s in result.spans:
        whose = "本单位往年报告" if s.own else "其他单位报告"
        exact = "一字不差" if s.score >= 0.999 else f"高度相似（{s.score:.0%}）"
        out.append(loc.make(
            "dup", "dup-own" if s.own else "dup-other", "warning",
            f"与{whose}《{s.source}》{exact}，约{s.chars}字：请结合本年度实际重新撰写。",
            s.start, s.end,
        ))
    for st in result.stats:  # the same sentence with this year's figures: a fact, not a copy
        out.append(loc.make(
            "dup", "dup-stat", "info",
            f"格式相同的统计句（与《{st.source}》相比：{st.describe()}）：数字已更新，不计为重复。",
            st.start, st.end,
        ))
    out.sort(key=lambda f: f.start)
    return out


def format_dup(result: DupResult, *, limit: int = 30) -> str:
    """The 查重 result as text for the command line."""
    lines = [
        f"查重：重复率 {result.rate:.1%}（本单位往年报告 {result.own_rate:.1%}，"
        f"其他单位报告 {result.other_rate:.1%}；共 {result.chars} 字，重复 {result.copied} 字）",
    ]
    if result.sections:
        lines.append("分部分：")
        for sec in result.sections:
            if sec.copied:
                lines.append(f"  {sec.section}：{sec.rate:.1%}（{sec.copied}/{sec.chars} 字）")
    for label, own in (("照搬本单位往年报告", True), ("与其他单位报告重复", False)):
        spans = [s for s in result.spans if s.own is own]
        if not spans:
            continue
        lines.append(f"{label}（{len(spans)} 处）：")
        for s in spans[:limit]:
            quote = s.text if len(s.text) <= 60 else s.text[:58] + "……"
            lines.append(f"  [{s.section}] “{quote}” ← {s.source}（{s.score:.0%}）")
        if len(spans) > limit:
            lines.append(f"  ……另有 {len(spans) - limit} 处")
    if result.stats:
        lines.append(f"格式相同的统计句（数字已更新，不计为重复，{len(result.stats)} 处）：")
        for st in result.stats[:limit]:
            lines.append(f"  [{st.section}] {st.describe()} ← {st.source}")
    if not result.spans:
        lines.append("未发现与知识库中报告重复的内容。")
    return "\n".join(lines)
