"""The documented size limits of each command, checked before the expensive work.

A real 干部选拔任用工作报告 is 5,000–15,000 characters with a few dozen figures.
The limits leave ample room above that and keep every command's worst case
bounded (figures in docs/benchmarks.md, “Hostile input: worst cases at the
limits”):

=========================  ==========================================  =========
command                    what is limited                             limit
=========================  ==========================================  =========
check, export, draft       characters in one document                  200,000
--from                     (≈ 13× a long report)
compare                    characters in each of the two documents     1,000,000
draft                      figures in the fact sheet                   500
all (files)                bytes per file (DRAFTER_MAX_UPLOAD_MB)      20 MB
all (.docx)                parts / inflated bytes / ratio              2,000 / 200 MB / 200:1
all (fact sheets)          YAML bytes / depth / aliases / digits       1 MB / 20 / 100 / 18
=========================  ==========================================  =========

``compare`` runs in about linear time (sections and text anchored on what is equal
and unique before any quadratic matching, see :mod:`drafter.review.textdiff`): at
its limit, two unrelated 1,000,000-character texts take about 10–20 s and under
500 MB; the limit only keeps one request on a shared server within that.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

__all__ = ["MAX_COMPARE_CHARS", "MAX_DOCUMENT_CHARS", "MAX_FIGURES", "check_document", "check_sheet"]

MAX_DOCUMENT_CHARS = 200_000
MAX_COMPARE_CHARS = 1_000_000
MAX_FIGURES = 500


def check_document(text: str, name: str, *, limit: int = MAX_DOCUMENT_CHARS, command: str = "") -> str:
    """``text`` if it is within ``limit`` characters; else a bilingual :class:`InputError`."""
    if len(text) > limit:
        what = f"“drafter {command}”" if command else "本命令"
        raise InputError(
            f"{name} 有 {len(text):,} 字，超过{what}的上限 {limit:,} 字（一份年度报告通常不到 2 万字），"
            f"请检查是否选错了文件或拆分后再处理 (document too long: {len(text):,} characters, limit {limit:,})"
        )
    return text


def check_sheet(facts: Any) -> Any:
    """``facts`` if its figures are within :data:`MAX_FIGURES`; else a bilingual :class:`InputError`."""
    n = len(getattr(facts, "figures", []) or [])
    if n > MAX_FIGURES:
        raise InputError(
            f"数据表有 {n} 项数据，超过上限 {MAX_FIGURES} 项，请只保留报告要写的数据"
            f" (too many figures: {n}, limit {MAX_FIGURES})"
        )
    return facts
