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
import zlib
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
        first = max(0, len(rows) - 8)  # sorted top to bottom: only the last rows can be near
        for i, (y, size, items) in enumerate(rows[first:], start=first):
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


class _OverBudget(BaseException):
    """The PDF needs more work than :mod:`drafter.text.limits` allows (a reason in Chinese).

    A ``BaseException``: pdfminer catches ``Exception`` in places to repair damaged
    files, and must not repair its way past a budget.
    """


class _BoundedZlib:
    """``zlib`` as pdfminer's stream decoder uses it, stopping a stream at :data:`MAX_PDF_STREAM`.

    A 1 MB stream of zeros inflates to 1 GB: refused at the limit, not after.
    """

    error = zlib.error

    @staticmethod
    def _check(size: int) -> None:
        from ..text.limits import MAX_PDF_STREAM

        if size > MAX_PDF_STREAM:
            raise _OverBudget(f"PDF 中有数据流解压后超过 {MAX_PDF_STREAM // 1048576} MB（疑似“压缩炸弹”）")

    @classmethod
    def decompress(cls, data: bytes) -> bytes:
        from ..text.limits import MAX_PDF_STREAM

        inflater = zlib.decompressobj()
        out = inflater.decompress(data, MAX_PDF_STREAM + 1)
        cls._check(len(out))
        if inflater.unconsumed_tail:
            cls._check(MAX_PDF_STREAM + 1)
        if not inflater.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    @classmethod
    def decompressobj(cls, *args: object) -> object:
        inner = zlib.decompressobj(*args)  # type: ignore[arg-type]

        class Counting:
            total = 0

            def decompress(self, data: bytes, max_length: int = 0) -> bytes:
                from ..text.limits import MAX_PDF_STREAM

                out = inner.decompress(data, MAX_PDF_STREAM + 1 - self.total)
                self.total += len(out)
                cls._check(self.total + (1 if inner.unconsumed_tail else 0))
                return out

            def flush(self, *a: int) -> bytes:
                return inner.flush(*a)

            def __getattr__(self, name: str) -> object:
                return getattr(inner, name)

        return Counting()


def _guard_references(ref_class: type) -> None:
    """Stop a chain of references that never reaches an object (``6 0 obj 6 0 R``).

    pdfminer follows a reference to a reference for as long as there is one; a
    ``/Length`` pointing at an object that refers to itself would loop forever.
    """
    if getattr(ref_class, "_drafter_guarded", False):
        return
    original = ref_class.resolve  # type: ignore[attr-defined]
    chain = [0]

    def resolve(self, default=None):  # type: ignore[no-untyped-def]
        got = original(self, default=default)
        if isinstance(got, ref_class):
            chain[0] += 1
            if chain[0] > 64:
                chain[0] = 0
                raise _OverBudget("PDF 中有对象引用自身或循环引用（文件结构异常）")
        else:
            chain[0] = 0
        return got

    ref_class.resolve = resolve  # type: ignore[attr-defined]
    ref_class._drafter_guarded = True  # type: ignore[attr-defined]


def _bounded_parts():  # type: ignore[no-untyped-def]
    """pdfminer's aggregator and interpreter, counting glyphs and form XObjects as they run.

    A PDF can make pdfminer do unbounded work from a few kilobytes: form XObjects that
    each draw the next twice (2**40 drawings from 40 objects), or a content stream
    repeating one glyph a million times. The counts are checked where the work is
    done, so the parse stops at the budget instead of after it.
    """
    from pdfminer import pdftypes
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter

    pdftypes.zlib = _BoundedZlib  # type: ignore[assignment]
    _guard_references(pdftypes.PDFObjRef)

    from ..text.limits import MAX_PDF_FORMS, MAX_PDF_GLYPHS, MAX_PDF_PAGE_GLYPHS

    class Aggregator(PDFPageAggregator):
        glyphs = 0
        page_glyphs = 0
        forms = 0
        depth = 0

        def begin_page(self, page, ctm):  # type: ignore[no-untyped-def]
            self.page_glyphs = 0
            super().begin_page(page, ctm)

        def render_char(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.glyphs += 1
            self.page_glyphs += 1
            if self.page_glyphs > MAX_PDF_PAGE_GLYPHS:
                raise _OverBudget(f"PDF 的一页上有超过 {MAX_PDF_PAGE_GLYPHS:,} 个字形，远超正常公文")
            if self.glyphs > MAX_PDF_GLYPHS:
                raise _OverBudget(f"PDF 中的字形超过 {MAX_PDF_GLYPHS:,} 个，远超一份报告")
            return super().render_char(*args, **kwargs)

    class Interpreter(PDFPageInterpreter):
        def do_Do(self, xobjid_arg):  # type: ignore[no-untyped-def]
            device = self.device
            device.forms += 1  # type: ignore[attr-defined]
            if device.forms > MAX_PDF_FORMS:  # type: ignore[attr-defined]
                raise _OverBudget(f"PDF 调用嵌入对象超过 {MAX_PDF_FORMS:,} 次（疑似嵌套“炸弹”）")
            device.depth += 1  # type: ignore[attr-defined]
            try:
                if device.depth > 12:  # type: ignore[attr-defined]
                    raise _OverBudget("PDF 的嵌入对象嵌套超过 12 层（疑似嵌套“炸弹”）")
                super().do_Do(xobjid_arg)
            finally:
                device.depth -= 1  # type: ignore[attr-defined]

    return Aggregator, Interpreter


def _pages(data: bytes):  # type: ignore[no-untyped-def]
    """Each page's layout (glyphs only: no layout analysis, the lines are rebuilt here)."""
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    from ..text.limits import MAX_PDF_PAGES

    aggregator, interpreter_cls = _bounded_parts()
    manager = PDFResourceManager(caching=True)
    device = aggregator(manager, laparams=None)
    interpreter = interpreter_cls(manager, device)
    for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data)), start=1):
        if number > MAX_PDF_PAGES:
            raise _OverBudget(f"PDF 超过 {MAX_PDF_PAGES:,} 页")
        interpreter.process_page(page)
        yield device.get_result()


def read_pdf(name: str, data: bytes) -> PdfText:
    """Text of every page of the PDF in ``data``; ``name`` is used in error messages.

    Pages, glyphs and form XObjects are counted while pdfminer works and the file
    refused past :data:`~drafter.text.limits.MAX_PDF_PAGES`,
    :data:`~drafter.text.limits.MAX_PDF_GLYPHS` or
    :data:`~drafter.text.limits.MAX_PDF_FORMS`; time and memory are bounded by the
    worker process this runs in (:mod:`drafter.kb.worker`).
    """
    from pdfminer.layout import LTChar, LTComponent

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise IngestError(name, "不是有效的 PDF 文件（文件头不对，可能已损坏或实为其他格式），请重新导出 PDF 或改传 Word 文件")
    # pdfminer logs every repair it makes to a damaged file; the user gets our message instead
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    def glyphs(node: LTComponent) -> list[_Glyph]:
        out: list[_Glyph] = []
        stack = [node]
        while stack:  # iterative: nested figures cannot exhaust the stack
            item = stack.pop()
            if isinstance(item, LTChar):
                out.append((item.x0, item.y0, item.x1, item.size or (item.y1 - item.y0), item.get_text()))
            else:
                stack.extend(reversed(list(getattr(item, "_objs", ()) or ())))
        return out

    texts: list[str] = []
    empty: list[int] = []
    pages = 0
    try:
        for number, page in enumerate(_pages(data), start=1):
            pages = number
            text = _paragraphs(_page_lines(glyphs(page)))
            if sum(1 for c in text if not c.isspace()) < _MIN_PAGE_CHARS:
                empty.append(number)
            else:
                texts.append(text)
    except _OverBudget as err:
        raise IngestError(name, f"{err}，疑似恶意或异常文件，已拒绝读取；请重新导出 PDF 或改传 Word 文件") from None
    except MemoryError:
        raise
    except RecursionError as err:
        raise IngestError(name, "PDF 结构嵌套过深（疑似恶意文件），已拒绝读取") from err
    except Exception as err:  # noqa: BLE001 - pdfminer raises many unrelated types on bad input
        kind = type(err).__name__
        if "Password" in kind or "Encrypt" in kind or "Extraction" in kind:
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
