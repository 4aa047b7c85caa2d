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
all (files, any kind)      characters read from one file               1,050,000
all (.docx)                XML nodes in document.xml / other XML       2,000,000 / 20 MB
all (.pdf)                 pages / glyphs / glyphs on a page / forms   2,000 / 400,000 / 50,000 / 5,000
all (.pdf)                 bytes one stream inflates to                64 MB
all (parsing)              worker memory / time per file               1,536 MB / 60 s
check -                    bytes read from standard input              20 MB
search                     characters in a query                       500
export                     paragraphs in one document                  20,000
=========================  ==========================================  =========

Documents are parsed in a separate worker process (:mod:`drafter.kb.worker`) with
the memory and time limits above; the counts are taken while parsing, so a file is
refused as soon as it goes past one.

``compare`` runs in about linear time (sections and text anchored on what is equal
and unique before any quadratic matching, see :mod:`drafter.review.textdiff`): at
its limit, two unrelated 1,000,000-character texts take about 10–20 s and under
500 MB; the limit only keeps one request on a shared server within that.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

__all__ = [
    "MAX_COMPARE_CHARS", "MAX_DOCUMENT_CHARS", "MAX_DOCX_NODES", "MAX_DOCX_SIDE_XML", "MAX_EXPORT_PARAGRAPHS",
    "MAX_FIGURES", "MAX_FILE_BYTES", "MAX_FILE_CHARS", "MAX_PDF_FORMS", "MAX_PDF_GLYPHS", "MAX_PDF_PAGES",
    "MAX_PDF_PAGE_GLYPHS", "MAX_PDF_STREAM", "MAX_SEARCH_CHARS", "PARSE_MEMORY_MB", "PARSE_TIMEOUT_S", "check_document",
    "check_paragraphs", "check_query", "check_sheet",
]

MAX_DOCUMENT_CHARS = 200_000
MAX_COMPARE_CHARS = 1_000_000
MAX_FIGURES = 500
#: Bytes of one file when the caller names no other limit (DRAFTER_MAX_UPLOAD_MB's default).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Characters any reader takes out of one file: a bound on parsing, set 5 % above the largest
#: command limit (compare's) so a file just past a command's limit gets that command's own
#: message (naming the command), and the line breaks the reader's normalisation adds never
#: refuse a file that is exactly at a command's limit.
MAX_FILE_CHARS = MAX_COMPARE_CHARS + MAX_COMPARE_CHARS // 20
#: XML elements in a .docx's document.xml, counted while it is parsed.
MAX_DOCX_NODES = 2_000_000
#: Inflated bytes of a .docx's XML parts other than document.xml (headers, footers, styles…).
MAX_DOCX_SIDE_XML = 20 * 1024 * 1024
MAX_PDF_PAGES = 2_000
MAX_PDF_GLYPHS = 400_000
MAX_PDF_PAGE_GLYPHS = 50_000
#: Form XObjects drawn in one PDF (each drawing the next twice would be 2**depth).
MAX_PDF_FORMS = 5_000
#: Bytes one PDF stream may inflate to (a 1 MB stream of zeros would give 1 GB).
MAX_PDF_STREAM = 64 * 1024 * 1024
#: Address space of the parsing worker (RLIMIT_AS) and wall-clock seconds per file.
PARSE_MEMORY_MB = 1536
PARSE_TIMEOUT_S = 60
MAX_SEARCH_CHARS = 500
MAX_EXPORT_PARAGRAPHS = 20_000


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


def check_query(query: str) -> str:
    """``query`` if it is within :data:`MAX_SEARCH_CHARS` and real text; else a bilingual :class:`InputError`.

    A command-line argument that is not valid UTF-8 reaches Python as lone surrogates
    (``\udcff``): refused with a message rather than failing later in the tokenizer.
    """
    if any("\ud800" <= c <= "\udfff" for c in query):
        raise InputError("检索词中有无法识别的字节（不是有效的 UTF-8 文字），请重新输入"
                         " (the query is not valid UTF-8)")
    if len(query) > MAX_SEARCH_CHARS:
        raise InputError(
            f"检索词有 {len(query):,} 字，超过上限 {MAX_SEARCH_CHARS} 字，请用几个关键词或一句话检索"
            f" (query too long: {len(query):,} characters, limit {MAX_SEARCH_CHARS})"
        )
    return query


def check_paragraphs(text: str, name: str = "文档") -> str:
    """``text`` if it has at most :data:`MAX_EXPORT_PARAGRAPHS` non-empty lines; else a bilingual :class:`InputError`."""
    n = sum(1 for line in text.split("\n") if line.strip())
    if n > MAX_EXPORT_PARAGRAPHS:
        raise InputError(
            f"{name}有 {n:,} 段，超过导出 Word 的上限 {MAX_EXPORT_PARAGRAPHS:,} 段（一份年度报告通常只有几百段），"
            f"请检查是否选错了文件 (too many paragraphs to export: {n:,}, limit {MAX_EXPORT_PARAGRAPHS:,})"
        )
    return text
