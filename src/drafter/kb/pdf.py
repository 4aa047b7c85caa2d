"""The text layer of a PDF, page by page (pdfminer.six: pure Python, maintained).

pdfminer.six was picked over pypdf by trying both on a report LibreOffice saved as
PDF: pypdf puts the quotes of a line, drawn in a Latin font, all together
(``做“”“”好加减乘除``) and a space between digits and Chinese (``2022 年``);
pdfminer's glyph positions let :func:`_page_lines` rebuild each line exactly.

A page whose text layer is empty is a scan: it needs OCR before drafter can read
it. :func:`read_pdf` returns the text of the pages that have one and the numbers of
those that do not; a PDF with no text at all, an encrypted one or a damaged one is
an :class:`~drafter.errors.IngestError` naming the file.

Lines are joined into paragraphs by geometry (:func:`_paragraphs`); the caller
still reflows the result (:mod:`drafter.kb.reflow`) for a paragraph broken across
a page end.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from ..errors import IngestError

__all__ = ["PdfText", "ocr_warning", "read_pdf"]

#: A page with fewer visible characters than this is taken as having no text layer.
_MIN_PAGE_CHARS = 2


@dataclass(frozen=True)
class PdfText:
    """The text of a PDF and the 1-based numbers of pages without a text layer."""

    text: str
    pages: int
    pages_without_text: tuple[int, ...]


def _page_list(numbers: tuple[int, ...]) -> str:
    shown = "、".join(f"第{n}页" for n in numbers[:10])
    return shown + (f"等{len(numbers)}页" if len(numbers) > 10 else "")


_PARAGRAPH_ENDS = "。！？；：”’…）】"
_Glyph = tuple[float, float, float, float, str]


def _page_lines(chars: list[_Glyph]) -> list[tuple[str, float, float, float]]:
    """Glyphs ``(x0, y0, x1, size, text)`` grouped into lines top to bottom, left to right.

    Done per glyph rather than by pdfminer's text boxes: LibreOffice and Word draw
    quotes and digits in a Latin font as separate runs, which box-based extraction
    puts out of place (``做“”“”好加减乘除``). A gap wider than half a character
    between two Latin characters is a space; nothing is put between Chinese glyphs.
    """
    rows: list[tuple[float, float, list[_Glyph]]] = []
    for ch in sorted(chars, key=lambda c: -(c[1] + c[3] / 2)):
        centre = ch[1] + ch[3] / 2
        for i, (y, size, items) in enumerate(rows):
            if abs(y - centre) <= 0.45 * max(size, ch[3]):
                items.append(ch)
                rows[i] = (y, max(size, ch[3]), items)
                break
        else:
            rows.append((centre, ch[3], [ch]))
    lines: list[tuple[str, float, float, float]] = []
    for _, size, items in rows:
        items.sort(key=lambda c: c[0])
        out: list[str] = []
        prev_end: float | None = None
        for x0, _, x1, size, text in items:
            if prev_end is not None and out and x0 - prev_end > 0.5 * size:
                if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and text[:1].isascii() and text[:1].isalnum():
                    out.append(" ")
            out.append(text)
            prev_end = x1
        lines.append(("".join(out), items[0][0], items[-1][2], size))
    return lines


def _paragraphs(lines: list[tuple[str, float, float, float]]) -> str:
    """Join the lines of one paragraph, by geometry: a line reaching the right margin goes on.

    Justified text fills every line of a paragraph but its last; a line that starts
    indented (the two-character first-line indent) or with a heading number starts a
    new paragraph all the same.
    """
    from ..text.doctree import match_heading

    text_lines = [ln for ln in lines if ln[0].strip()]
    if not text_lines:
        return ""
    right = max(ln[2] for ln in text_lines)
    left = min(ln[1] for ln in text_lines)
    out: list[str] = []
    joining = False
    for text, x0, x1, size in text_lines:
        stripped = text.strip()
        indented = x0 - left > 1.5 * size
        if joining and not indented and match_heading(stripped) is None:
            out[-1] += stripped
        else:
            out.append(stripped)
        gap = right - x1
        # a line a character or two short still goes on when it stops mid-sentence
        # (a quote or a comma pushed to the next line leaves a gap at the margin)
        joining = gap < 1.2 * size or (gap < 3.2 * size and stripped[-1:] not in _PARAGRAPH_ENDS)
    return "\n".join(out)


def read_pdf(name: str, data: bytes) -> PdfText:
    """Text of every page of the PDF in ``data``; ``name`` is used in error messages."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTComponent

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise IngestError(name, "不是有效的 PDF 文件（文件头不对，可能已损坏或实为其他格式），请重新导出 PDF 或改传 Word 文件")
    # pdfminer logs every repair it makes to a damaged file; the user gets our message instead
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    def glyphs(node: LTComponent) -> list[_Glyph]:
        if isinstance(node, LTChar):
            return [(node.x0, node.y0, node.x1, node.size or (node.y1 - node.y0), node.get_text())]
        out: list[_Glyph] = []
        for child in getattr(node, "_objs", ()) or ():
            out += glyphs(child)
        return out

    texts: list[str] = []
    empty: list[int] = []
    pages = 0
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), start=1):
            pages = number
            text = _paragraphs(_page_lines(glyphs(page)))
            if sum(1 for c in text if not c.isspace()) < _MIN_PAGE_CHARS:
                empty.append(number)
            else:
                texts.append(text)
    except Exception as err:  # noqa: BLE001 - pdfminer raises many unrelated types on bad input
        kind = type(err).__name__
        if "Password" in kind or "Encrypt" in kind:
            raise IngestError(name, "PDF 文件已加密（设有打开密码或禁止提取文字），请解除密码后另存一份再上传") from err
        raise IngestError(name, f"PDF 文件已损坏，无法读取（{kind}），请重新导出 PDF 或改传 Word 文件") from err
    if pages == 0:
        raise IngestError(name, "PDF 文件中没有页面（可能已损坏或不完整），请重新导出 PDF 或改传 Word 文件")
    if not texts:
        raise IngestError(
            name,
            f"PDF 没有文字层（共{pages}页，都是扫描图像），需要先做 OCR 文字识别："
            "请用 WPS 或 Acrobat 的“文字识别/OCR”功能转成可复制文字的 PDF 或 Word 后再上传",
        )
    return PdfText("\n".join(texts), pages, tuple(empty))


def ocr_warning(pdf: PdfText) -> str | None:
    """A Chinese note naming the pages that need OCR, or None."""
    if not pdf.pages_without_text:
        return None
    return (
        f"{_page_list(pdf.pages_without_text)}没有文字层（扫描图像），这些页的内容未读入，"
        "需要先做 OCR 文字识别"
    )
