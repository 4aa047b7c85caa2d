"""The reports the knowledge base holds, each known by unit, year, genre and title.

Where a report's identity comes from, first to last (later ones fill only gaps):
the bundled ``metadata.yaml``; a sidecar ``<file>.meta.yaml`` (written when a file is
uploaded, from :func:`~drafter.kb.meta.detect_meta` on its text, and rewritten when
the writer corrects it in the app or with ``drafter meta``); the file name.

Every view names a report with :func:`name_of` (“单位 · 年度 · 标题”), never by
its file name or hash. :func:`previous_report` finds the same unit's report of the
year before, for the 对照 page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..text.fold import fold
from .meta import DocMeta, detect_meta, display_name

__all__ = [
    "GENRES",
    "meta_of",
    "name_of",
    "previous_report",
    "same_unit",
    "sidecar_path",
    "write_meta",
]

#: Genres a report can have, with their Chinese names.
GENRES = {"report": "年度报告", "speech": "会议讲话/通报"}

_PARTY_PREFIX = re.compile(r"^(?:中共|中国共产党)")
_BODY_SUFFIX = re.compile(r"(?:党组|党委|党工委|常委会|委员会|党总支|党支部)$")


def _year(value: object) -> int | None:
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return None
    return year if 1949 <= year <= 2100 else None


def meta_of(meta: Mapping[str, Any], source: str = "") -> DocMeta:
    """A report's identity from its metadata mapping, gaps filled from the file name."""
    guessed = detect_meta("", filename=source) if source else DocMeta()
    title = str(meta.get("title") or "").strip() or guessed.title
    if title is None and source:
        stem = Path(source).stem
        # a stored name like 002_beb470eb93e99a23 says nothing to a writer
        if not re.fullmatch(r"[\w-]*[0-9a-f]{12,}[\w-]*", stem):
            title = stem
    return DocMeta(
        unit=str(meta.get("unit") or "").strip() or guessed.unit,
        year=_year(meta.get("year")) or guessed.year,
        title=title,
        genre=str(meta.get("genre") or guessed.genre),
    )


def name_of(meta: Mapping[str, Any], source: str = "") -> str:
    """“单位 · 年度 · 标题” for a report with this metadata."""
    return display_name(meta_of(meta, source))


def _unit_key(unit: str | None) -> str:
    key = fold(re.sub(r"\s+", "", unit or ""))
    key = _PARTY_PREFIX.sub("", key)
    return _BODY_SUFFIX.sub("", key)


def same_unit(a: str | None, b: str | None) -> bool:
    """Whether two unit names are one unit (``中共白沙县委`` = ``白沙县委``; ``XX局党组`` = ``XX局``).

    Names shorter than four characters once the party prefix and the body are taken
    off (``局党组`` → ``局``) say too little to match anything but themselves.
    """
    ka, kb = _unit_key(a), _unit_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    return len(short) >= 4 and (long.endswith(short) or long.startswith(short))


def previous_report(files: Iterable[Any], unit: str | None, year: int | None) -> Any | None:
    """Among ``files`` (anything with ``meta`` and ``source``), the same unit's report of ``year - 1``."""
    if not unit or not year:
        return None
    for f in files:
        m = meta_of(f.meta, f.source)
        if m.year == year - 1 and m.genre == "report" and same_unit(m.unit, unit):
            return f
    return None


def sidecar_path(path: Path) -> Path:
    """Where the identity of ``path`` is kept: ``<file name>.meta.yaml`` beside it."""
    return path.with_name(path.name + ".meta.yaml")


def write_meta(
    path: Path, meta: DocMeta, *, keep: Sequence[str] = (), extra: Mapping[str, Any] | None = None
) -> Path:
    """Write ``meta`` to the sidecar of ``path``; ``keep`` names other keys of an old sidecar to keep.

    Raises :class:`InputError` (in Chinese) for a year out of range or an unknown genre.
    """
    if meta.year is not None and _year(meta.year) is None:
        raise InputError(f"年度“{meta.year}”不对：请填写 1949 至 2100 之间的四位年份")
    if meta.genre not in GENRES:
        raise InputError(f"文种“{meta.genre}”不对，可选：{'、'.join(f'{k}（{v}）' for k, v in GENRES.items())}")
    target = sidecar_path(path)
    data: dict[str, Any] = {}
    if target.is_file() and keep:
        old = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
        if isinstance(old, Mapping):
            data.update({k: old[k] for k in keep if k in old})
    data.update(extra or {})
    data.update({"unit": meta.unit, "year": meta.year, "title": meta.title, "genre": meta.genre})
    target.write_text(
        "# 报告信息（单位、年度、标题、文种）：由 drafter 识别，可在“知识库”页或 drafter meta 中修改\n"
        + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return target
