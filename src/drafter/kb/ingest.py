"""Reading users' files into clean text: .txt, .md, .docx, .doc, .wps and .pdf.

.docx paragraphs and tables come out in reading order (a table row as its cells
separated by tabs); .pdf is read from its text layer (:mod:`.pdf`, pages without
one are named as needing OCR) and reflowed (:mod:`.reflow`); .doc and .wps go
through antiword or LibreOffice (:mod:`.office`). A spreadsheet is refused with a
message saying it is not a report.

Encodings seen in practice are detected in this order: a byte-order mark
(UTF-8, UTF-16 LE/BE), strict UTF-8, UTF-16 without a BOM (recognised by its
zero bytes), then GB18030 (a superset of GBK/GB2312). Text is normalised: line
endings become ``\\n``, full-width spaces (U+3000) and other blanks at the start
and end of a line are dropped (they are only indentation), and inside a line a
full-width or no-break space becomes a regular space.

Every failure is an :class:`~drafter.errors.IngestError` naming the file and the
reason in Chinese; :func:`ingest_files` collects those and keeps going.

>>> read_text("report.txt")                    # doctest: +SKIP
'区局2022年选人用人报告\\n…'
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import IngestError
from ..text.fold import fold_compat
from . import office
from .meta import join_wrapped_title
from .pdf import ocr_warning, read_pdf
from .reflow import reflow
from .zipguard import check_zip

__all__ = [
    "SUPPORTED_SUFFIXES",
    "SUPPORTED_TEXT",
    "unsupported_reason",
    "IngestedFile",
    "decode_bytes",
    "ingest_files",
    "normalize_text",
    "read_text",
]

#: File types drafter reads.
SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".doc", ".wps", ".pdf")
#: What the upload widgets and messages list.
SUPPORTED_TEXT = ".txt、.md、.docx、.doc、.wps 或 .pdf"
_SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".et", ".ods")

_INLINE_SPACES = re.compile(r"[\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_EDGE_BLANKS = " \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
_MD_MARKUP = re.compile(r"^(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# ``**人`` / ``**同志`` are unfilled placeholders, not bold: leave them for the checker.
_PLACEHOLDER_AFTER_STARS = re.compile(r"(?:人次|人|名|同志|局|个|项|次|批|家|期|单位|科|处|市|县|区)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def _unbold(match: re.Match[str]) -> str:
    inner = match.group(2)
    if _PLACEHOLDER_AFTER_STARS.match(inner) or inner[:1].isspace() or inner[-1:].isspace():
        return match.group(0)
    return inner


@dataclass(frozen=True)
class IngestedFile:
    """A file read successfully: its path, normalised text and detected encoding.

    ``notes`` are Chinese remarks on what could not be read (PDF pages that need OCR).
    """

    path: Path
    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def _looks_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when most even or odd bytes are zero (no BOM)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _cjk_ratio(text: str) -> float:
    chars = [c for c in text[:65536] if not c.isspace()]  # a sample: a list per character of 20 MB is 0.5 GB
    if not chars:
        return 0.0
    cjk = sum(
        1 for c in chars if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"
    )
    return cjk / len(chars)


def _is_binary(data: bytes) -> bool:
    """Control bytes other than tab/newline/CR/FF in the first 4 KB mean binary."""
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(2, len(sample) // 100)


def decode_bytes(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode file bytes to text; returns ``(text, encoding)``.

    Raises :class:`IngestError` for binary or undecodable content.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise IngestError(
                name,
                "文件以 UTF-8 标记开头但内容不是有效的 UTF-8，请另存为 UTF-8 后重试",
            ) from err
    for bom, enc in (
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc), "utf-16"
            except UnicodeDecodeError as err:
                raise IngestError(
                    name, "文件以 UTF-16 标记开头但内容无法解码，请另存为 UTF-8 后重试"
                ) from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    # GB18030 (covers GBK/GB2312) or UTF-16 without BOM and few zero bytes: pick the
    # decoding that yields the most Chinese text.
    best: tuple[float, str, str] | None = None
    for enc in ("gb18030", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        ratio = _cjk_ratio(text)
        if enc != "gb18030" and not any(p in text[:65536] for p in "，。、"):
            continue  # byte soup decodes as UTF-16 "CJK"; real Chinese has punctuation
        if best is None or ratio > best[0]:
            best = (ratio, text, enc)
        del text  # at most two decodings of a large file alive at once
    binary = _is_binary(data)
    if best is not None and best[0] > 0.3 and (best[2] != "gb18030" or not binary):
        return best[1], best[2]
    if binary:
        raise IngestError(
            name, f"看起来是二进制文件而不是文本，请上传 {SUPPORTED_TEXT} 文件"
        )
    raise IngestError(
        name,
        "无法识别文件编码（已尝试 UTF-8、UTF-16、GB18030/GBK），请用记事本或 Word 另存为 UTF-8 后重试",
    )


def normalize_text(text: str, *, markdown: bool = False) -> str:
    """Normalise line endings and spaces; strip Markdown markup if ``markdown``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip(_EDGE_BLANKS)
        if markdown:
            line = _MD_MARKUP.sub("", line)
            line = _MD_EMPHASIS.sub(_unbold, line)
            line = _MD_ESCAPE.sub(r"\1", line)
        line = _INLINE_SPACES.sub(" ", line)
        lines.append(line)
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out).strip("\n")
    return out + "\n" if out else ""


def _read_docx(name: str, data: bytes) -> str:
    import io

    from docx import Document as DocxDocument  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IngestError(
            name,
            "不是有效的 Word 文档（.docx 文件已损坏或实为其他格式），请用 Word 重新另存为 .docx",
        )
    # entries, inflated bytes, ratio, XML counted as it inflates: before python-docx parses anything
    check_zip(data, name, docx=True)
    try:
        document = DocxDocument(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, ValueError) as err:
        raise IngestError(
            name,
            "不是有效的 Word 文档（.docx 文件已损坏），请用 Word 重新另存为 .docx",
        ) from err
    except Exception as err:  # lxml errors inside a damaged package
        raise IngestError(
            name,
            f"Word 文档内容已损坏，无法读取（{type(err).__name__}），请重新另存为 .docx",
        ) from err
    return "\n".join(_docx_lines(document))


def _docx_lines(document: object) -> list[str]:
    """Paragraphs and table rows in reading order (tables where they stand in the text).

    A row is its cells' text separated by tabs; a merged cell is written once (python-docx
    repeats it for every grid column and row it spans); paragraphs inside a cell are
    joined by a space.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    body = document.element.body  # type: ignore[attr-defined]
    lines: list[str] = []
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(DocxParagraph(child, document).text)  # type: ignore[arg-type]
        elif tag == "tbl":
            seen: set[object] = set()  # the cells themselves: an id() could be reused
            for row in Table(child, document).rows:  # type: ignore[arg-type]
                cells: list[str] = []
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                    if text:
                        cells.append(text)
                if cells:
                    lines.append("\t".join(cells))
    return lines


def _human(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB"


def _checked_path(path: Path, max_bytes: int | None, name: str) -> int:
    """The file's size, after the checks that need no parsing (type, existence, kind, size)."""
    from ..text.limits import MAX_FILE_BYTES

    reason = unsupported_reason(path.suffix.lower())
    if reason is not None:
        raise IngestError(name, reason)
    try:
        size = path.stat().st_size
    except FileNotFoundError as err:
        raise IngestError(name, "文件不存在") from err
    except OSError as err:
        raise IngestError(name, f"无法读取文件：{err.strerror or type(err).__name__}") from err
    if not path.is_file():
        raise IngestError(name, "不是普通文件")
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise IngestError(
            name,
            f"文件过大（{_human(size)}，上限 {_human(limit)}），"
            "请拆分文件或调大 DRAFTER_MAX_UPLOAD_MB",
        )
    if size == 0:
        raise IngestError(name, "文件是空的（0 字节），请检查是否保存了内容")
    return size


def read_text(path: str | Path, *, max_bytes: int | None = None, name: str | None = None) -> IngestedFile:
    """Read one .txt/.md/.docx/.doc/.wps/.pdf file into normalised text, in a bounded worker.

    Raises :class:`IngestError` (naming the file, or ``name`` if given) if the file
    is missing, of an unsupported type, larger than ``max_bytes`` (default
    :data:`~drafter.text.limits.MAX_FILE_BYTES`), empty, binary, undecodable, a
    corrupt .docx — or over a parsing limit: the parser runs in a separate process
    with a memory and a time limit (:mod:`.worker`), never in this one.
    """
    from .worker import parse_file

    path = Path(path)
    _checked_path(path, max_bytes, name or str(path))
    got = parse_file(path, max_bytes=max_bytes, name=name)
    return IngestedFile(path=path, text=got["text"], encoding=got["encoding"], notes=tuple(got.get("notes", ())))


def read_here(path: str | Path, *, max_bytes: int | None = None, name: str | None = None) -> IngestedFile:
    """What :func:`read_text` does, in this process: only the worker (:mod:`.worker`) calls it."""
    from ..text.limits import MAX_FILE_CHARS

    path = Path(path)
    name = name or str(path)
    suffix = path.suffix.lower()
    size = _checked_path(path, max_bytes, name)
    try:
        with path.open("rb") as fh:  # no more than was measured: a file growing meanwhile is cut
            data = fh.read(size)
    except OSError as err:
        raise IngestError(name, f"无法读取文件：{err.strerror or err}") from err
    notes: tuple[str, ...] = ()
    if suffix == ".docx" or (suffix in (".doc", ".wps") and data[:4] == b"PK\x03\x04"):
        # a .docx saved under an old name still opens as one
        text, encoding = _read_docx(name, data), "docx"
    elif suffix == ".doc":
        text, encoding = office.read_doc(path, data), "doc"
    elif suffix == ".wps":
        text, encoding = office.read_wps(path, data), "wps"
    elif suffix == ".pdf":
        pdf = read_pdf(name, data)
        text, encoding = pdf.text, "pdf"
        note = ocr_warning(pdf)
        notes = (note,) if note else ()
    else:
        text, encoding = decode_bytes(data, name)
    # ⼲⼯⼈⼀ (Kangxi radicals) from a PDF text layer or a font are the ordinary characters
    text = normalize_text(fold_compat(text), markdown=suffix == ".md")
    if encoding == "pdf":
        # a PDF's text layer breaks every visual line: join the lines of one paragraph
        text = reflow(text).text
    text = join_wrapped_title(text)  # “江源市水务局党组2025年度干部选拔任用\n工作报告”
    if not text.strip():
        raise IngestError(name, "文件中没有文字内容，请检查是否保存了正文")
    if len(text) > MAX_FILE_CHARS:
        raise IngestError(name, f"文件有 {len(text):,} 字，超过上限 {MAX_FILE_CHARS:,} 字，远超一份报告；请拆分后再处理"
                                f" (too long: {len(text):,} characters, limit {MAX_FILE_CHARS:,})")
    return IngestedFile(path=path, text=text, encoding=encoding, notes=notes)


def unsupported_reason(suffix: str) -> str | None:
    """Why a file with this suffix cannot be read (Chinese), or None if it can."""
    suffix = suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return None
    if suffix in _SPREADSHEETS:
        return (
            f"这是电子表格（{suffix}），不是报告正文：请上传报告的 Word、WPS、PDF 或文本文件；"
            "年度数据请在“数据表”中填写"
        )
    return f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 {SUPPORTED_TEXT} 文件"


def ingest_files(
    paths: Iterable[str | Path], *, max_bytes: int | None = None
) -> tuple[list[IngestedFile], list[tuple[str, str]]]:
    """Read every file; return the good ones and ``(path, reason)`` for each skipped one."""
    good: list[IngestedFile] = []
    skipped: list[tuple[str, str]] = []
    for p in paths:
        try:
            good.append(read_text(p, max_bytes=max_bytes))
        except IngestError as err:
            skipped.append((err.path, err.reason))
    return good, skipped
