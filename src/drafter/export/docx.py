"""Word (.docx) export laid out to GB/T 9704-2012 (党政机关公文格式).

Page: A4, top margin 37 mm, left (binding) 28 mm, text block 156 × 225 mm (right
26 mm, bottom 35 mm), a document grid of 22 lines × 28 characters with a fixed line
spacing of 28.95 pt. Fonts: title 2号 (22 pt) 方正小标宋简体 centred; body 3号 (16 pt)
仿宋_GB2312 with a two-character first-line indent; level-1 headings 黑体, level-2
楷体_GB2312, levels 3–4 仿宋_GB2312; page numbers 4号 (14 pt) 宋体 as ``— 1 —``,
odd pages right and even pages left (one character in from the edge of the block).

Every run names its East Asian font explicitly (``w:rFonts w:eastAsia``) with Times
New Roman for Latin letters and digits and ``w:hint="eastAsia"`` so that quotation
marks and dashes use the Chinese font; without that Word falls back to a Japanese or
Latin font. Headings use Word's built-in ``Heading 1``–``Heading 4`` styles (restyled)
so the navigation pane shows the outline.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph

from ..text.doctree import Document
from ..text.textsafe import clean_control
from .common import Block, Signature, blocks, text_width, title_lines

__all__ = [
    "BODY_PT",
    "FONTS",
    "HEADING_STYLES",
    "INDENT_PT",
    "LATIN_FONT",
    "LINE_PT",
    "MARGINS_MM",
    "PAGE_MM",
    "PAGE_NUMBER_PT",
    "TITLE_PT",
    "build_docx",
    "docx_bytes",
    "to_docx",
]

PAGE_MM = (210, 297)
#: top, right, bottom, left — the text block is 156 × 225 mm.
MARGINS_MM = (37, 26, 35, 28)
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PT = 28.95  # 22 lines fill the 225 mm block
INDENT_PT = 2 * BODY_PT  # two characters
CHARS_PER_LINE = 28
LATIN_FONT = "Times New Roman"
FONTS: dict[str, str] = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "heading3": "仿宋_GB2312",
    "heading4": "仿宋_GB2312",
    "page_number": "宋体",
}
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
# 28 characters across the 156 mm (442.2 pt) block: a 16 pt character condensed by
# 0.25 pt takes 15.75 pt, 28 of them 441 pt.
_CONDENSE_TWIPS = -5
_FOOTER_DISTANCE_MM = 24
_TITLE_CHARS = 20  # 2号 characters on one 156 mm line  # the number's top edge sits about 7 mm below the text block
# Schema order of w:rPr children that may follow w:spacing / w:lang.
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
) + _AFTER_LANG
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# --------------------------------------------------------------------------- XML helpers


def _set_fonts(rpr: BaseOxmlElement, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the East Asian and Latin fonts on an ``w:rPr`` (theme fonts removed)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr: BaseOxmlElement) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, *_AFTER_LANG)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_condensed(rpr: BaseOxmlElement) -> None:
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *_AFTER_SPACING)
    spacing.set(qn("w:val"), str(_CONDENSE_TWIPS))


def _style_run_props(
    style: ParagraphStyle, east_asia: str, size_pt: float, *, bold: bool = False, condensed: bool = True
) -> None:
    font = style.font
    font.size = Pt(size_pt)
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, east_asia)
    _set_lang(rpr)
    if condensed:
        _set_condensed(rpr)


def _style_paragraph(
    style: ParagraphStyle,
    *,
    indent: bool,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
) -> None:
    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.first_line_indent = Pt(INDENT_PT) if indent else Pt(0)
    pf.left_indent = Pt(0)
    pf.right_indent = Pt(0)
    pf.widow_control = False
    ppr = style.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def _set_doc_defaults(doc: DocxDocument) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is not None:
        _set_fonts(rpr, FONTS["body"])
        _set_lang(rpr)


def _setup_styles(doc: DocxDocument) -> None:
    _set_doc_defaults(doc)
    normal = doc.styles["Normal"]
    _style_run_props(normal, FONTS["body"], BODY_PT)
    _style_paragraph(normal, indent=True)
    title = doc.styles["Title"]
    _style_run_props(title, FONTS["title"], TITLE_PT, condensed=False)
    _style_paragraph(title, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for level, name in HEADING_STYLES.items():
        style = doc.styles[name]
        _style_run_props(style, FONTS[f"heading{level}"], BODY_PT)
        _style_paragraph(style, indent=True)
        style.paragraph_format.keep_with_next = True


def _setup_page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    top, right, bottom, left = MARGINS_MM
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(_FOOTER_DISTANCE_MM)
    # A line grid only: 22 lines of 28.95 pt. The 28 characters per line come from
    # condensing the text by 0.25 pt per character (see _CONDENSE_TWIPS): a
    # "linesAndChars" grid with a cell narrower than the 16 pt glyph is compressed by
    # Word but doubled by LibreOffice, so it is not used.
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    for attr in ("w:charSpace",):
        if grid.get(qn(attr)) is not None:
            del grid.attrib[qn(attr)]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))


def _add_run(paragraph: DocxParagraph, text: str, east_asia: str, size_pt: float | None = None) -> None:
    run = paragraph.add_run(clean_control(text))  # python-docx refuses NUL, \x0b and the like
    rpr = run._element.get_or_add_rPr()
    _set_fonts(rpr, east_asia)
    if size_pt is not None:
        run.font.size = Pt(size_pt)


def _field_run(paragraph: DocxParagraph, instr: str, shown: str) -> None:
    """A complex field (``PAGE``) as begin / instruction / separate / result / end runs."""

    def run_with(child: BaseOxmlElement) -> None:
        run = paragraph.add_run()
        rpr = run._element.get_or_add_rPr()
        _set_fonts(rpr, FONTS["page_number"])
        run.font.size = Pt(PAGE_NUMBER_PT)
        run._element.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run_with(text)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    result = OxmlElement("w:t")
    result.text = shown
    run_with(result)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_number(paragraph: DocxParagraph, *, odd: bool) -> None:
    pf = paragraph.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    # one 4号 character in from the outer edge of the text block
    if odd:
        pf.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        pf.left_indent = Pt(PAGE_NUMBER_PT)
    _add_run(paragraph, "— ", FONTS["page_number"], PAGE_NUMBER_PT)
    _field_run(paragraph, "PAGE", "1")
    _add_run(paragraph, " —", FONTS["page_number"], PAGE_NUMBER_PT)


def _setup_footers(doc: DocxDocument) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    section.footer.is_linked_to_previous = False
    _page_number(section.footer.paragraphs[0], odd=True)
    section.even_page_footer.is_linked_to_previous = False
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


# --------------------------------------------------------------------------- content


def _new_paragraph(doc: DocxDocument, style: str) -> DocxParagraph:
    """``doc.add_paragraph(style=style)`` in constant time.

    python-docx looks a style up by scanning every style (and the body for its
    section properties) on each call: 20,000 paragraphs took six minutes. The style
    id is looked up once per document and the paragraph put before the body's final
    ``sectPr`` directly.
    """
    cache = doc.__dict__.setdefault("_drafter_style_ids", {})
    if style not in cache:
        found = doc.styles[style]
        cache[style] = None if found.style_id == doc.styles.default(found.type).style_id else found.style_id
    body = doc.element.body
    p = OxmlElement("w:p")
    style_id = cache[style]
    if style_id is not None:
        p.get_or_add_pPr().style = style_id
    try:
        last = body[-1]  # from the end: constant time (len(body) counts every child)
    except IndexError:
        last = None
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(p)
    else:
        body.append(p)
    return DocxParagraph(p, doc._body)


def _write_block(doc: DocxDocument, block: Block) -> None:
    if block.kind == "title":
        p = _new_paragraph(doc, "Title")
        for k, line in enumerate(title_lines(block.body, _TITLE_CHARS)):
            if k:
                p.runs[-1].add_break()
            _add_run(p, line, FONTS["title"])
        _new_paragraph(doc, "Normal")  # one blank line between title and text
        return
    if block.kind == "salutation":
        p = _new_paragraph(doc, "Normal")
        p.paragraph_format.first_line_indent = Pt(0)
        _add_run(p, block.body, FONTS["body"])
        return
    if block.kind == "body":
        p = _new_paragraph(doc, "Normal")
        _add_run(p, block.body, FONTS["body"])
        return
    level = min(max(block.level, 1), 4)
    p = _new_paragraph(doc, HEADING_STYLES[level])
    _add_run(p, block.heading + block.stop, FONTS[f"heading{level}"])
    if block.body:
        _add_run(p, block.body, FONTS["body"])
        # run-in: the body follows in place and may break across pages like any paragraph
        p.paragraph_format.keep_with_next = False
        p.paragraph_format.keep_together = False


def _write_signature(doc: DocxDocument, signature: Signature) -> None:
    """Unit centred over the date; the longer of the two ends two characters from the right."""
    lines = [t for t in (signature.unit or "", signature.date_text) if t]
    widest = max(text_width(t) for t in lines)
    _new_paragraph(doc, "Normal")
    _new_paragraph(doc, "Normal")
    for text in lines:
        p = _new_paragraph(doc, "Normal")
        pf = p.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        pf.right_indent = Pt(BODY_PT * (2 + (widest - text_width(text)) / 2))
        _add_run(p, text, FONTS["body"])


def build_docx(doc: Document, *, signature: Signature | None = None) -> DocxDocument:
    """The python-docx document for ``doc`` (not yet saved)."""
    out = new_docx()
    _setup_styles(out)
    _setup_page(out)
    _setup_footers(out)
    body = out.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty paragraph
        body.remove(p)
    for block in blocks(doc):
        _write_block(out, block)
    if signature:
        _write_signature(out, signature)
    props = out.core_properties
    props.title = clean_control(doc.title.text) if doc.title is not None else ""
    props.author = signature.unit if signature and signature.unit else ""
    props.comments = ""
    return out


def to_docx(doc: Document, target: str | Path | IO[bytes], *, signature: Signature | None = None) -> None:
    """Write ``doc`` as a GB/T 9704 .docx to a path or binary stream."""
    out = build_docx(doc, signature=signature)
    out.save(str(target) if isinstance(target, Path) else target)


def docx_bytes(doc: Document, *, signature: Signature | None = None) -> bytes:
    """The .docx file as bytes (for a download button)."""
    buf = io.BytesIO()
    to_docx(doc, buf, signature=signature)
    return buf.getvalue()
