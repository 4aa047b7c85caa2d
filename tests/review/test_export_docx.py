"""The .docx export read back with python-docx: GB/T 9704 page, fonts, spacing, page numbers."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from drafter.export import Signature, docx_bytes
from drafter.text.doctree import parse

W_FONTS = qn("w:rFonts")


def _open(text: str, signature: Signature | None = None) -> docx.document.Document:
    return docx.Document(io.BytesIO(docx_bytes(parse(text), signature=signature)))


def _east_asia(run) -> str:  # type: ignore[no-untyped-def]
    return run._element.rPr.find(W_FONTS).get(qn("w:eastAsia"))


def _latin(run) -> str:  # type: ignore[no-untyped-def]
    return run._element.rPr.find(W_FONTS).get(qn("w:ascii"))


@pytest.fixture(scope="module")
def four(four_levels: str) -> docx.document.Document:
    return _open(four_levels, Signature("广州市交通运输局党组", dt.date(2026, 1, 5)))


def test_page_is_a4_with_gbt9704_margins(four: docx.document.Document) -> None:
    sec = four.sections[0]
    def mm(length: int) -> float:
        return round(length / Mm(1), 1)  # Word stores twips: compare to 0.1 mm

    assert (mm(sec.page_width), mm(sec.page_height)) == (210.0, 297.0)
    assert (mm(sec.top_margin), mm(sec.left_margin)) == (37.0, 28.0)
    assert (mm(sec.right_margin), mm(sec.bottom_margin)) == (26.0, 35.0)
    # the text block is 156 x 225 mm
    assert abs((sec.page_width - sec.left_margin - sec.right_margin) - Mm(156)) < Mm(0.1)
    assert abs((sec.page_height - sec.top_margin - sec.bottom_margin) - Mm(225)) < Mm(0.1)
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines fill the block


def test_fonts_per_paragraph_kind(four: docx.document.Document) -> None:
    paras = [p for p in four.paragraphs if p.text]
    by_text = {p.text: p for p in paras}
    # a title too long for one line breaks where the words stay whole
    title = by_text["广州市交通运输局党组\n2025年度干部选拔任用工作报告"]
    assert title.style.name == "Title"
    assert [r.text for r in title.runs] == ["广州市交通运输局党组\n", "2025年度干部选拔任用工作报告"]
    assert all(_east_asia(r) == "方正小标宋简体" for r in title.runs)
    assert title.style.font.size == Pt(22)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER or title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER

    h1 = by_text["一、总体情况"]
    assert h1.style.name == "Heading 1" and _east_asia(h1.runs[0]) == "黑体"
    h2 = next(p for p in paras if p.text.startswith("（一）"))
    assert h2.style.name == "Heading 2"
    assert [r.text for r in h2.runs] == ["（一）坚持党管干部。", "一是严格把关。二是规范程序。"]
    assert _east_asia(h2.runs[0]) == "楷体_GB2312"  # run-in heading in 楷体 ...
    assert _east_asia(h2.runs[1]) == "仿宋_GB2312"  # ... its text in 仿宋
    h3 = next(p for p in paras if p.text.startswith("1."))
    h4 = next(p for p in paras if p.text.startswith("（1）"))
    assert (h3.style.name, _east_asia(h3.runs[0])) == ("Heading 3", "仿宋_GB2312")
    assert (h4.style.name, _east_asia(h4.runs[0])) == ("Heading 4", "仿宋_GB2312")

    body = by_text["全年提拔正科级领导干部4人，职级晋升12人。"]
    assert body.style.name == "Normal"
    assert _east_asia(body.runs[0]) == "仿宋_GB2312"
    assert _latin(body.runs[0]) == "Times New Roman"  # digits in a Latin font
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = four.styles[name]
        assert style.font.size == Pt(16), name
        assert not style.font.bold, name
        rfonts = style.element.rPr.find(W_FONTS)
        assert rfonts.get(qn("w:asciiTheme")) is None, f"{name}: a theme font would override Times New Roman"
    assert four.styles["Heading 1"].element.rPr.find(W_FONTS).get(qn("w:eastAsia")) == "黑体"


def test_indent_and_exact_line_spacing(four: docx.document.Document) -> None:
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        pf = four.styles[name].paragraph_format
        assert pf.first_line_indent == Pt(32), name  # two 3号 characters
        assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY, name
        assert abs(pf.line_spacing.pt - 28.95) < 0.01, name
        assert pf.space_before == 0 and pf.space_after == 0, name
    title = four.styles["Title"].paragraph_format
    assert title.first_line_indent == 0 and title.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    # body paragraphs inherit the indent; only the signature lines (the last two) set their own
    body = [p for p in four.paragraphs if p.style.name == "Normal" and p.text][:-2]
    assert len(body) == 4
    assert all(p.paragraph_format.first_line_indent is None for p in body)


def _field_instr(paragraph) -> str:  # type: ignore[no-untyped-def]
    return "".join(t.text for t in paragraph._element.iter(qn("w:instrText")))


def test_footer_page_number_field_on_odd_and_even_pages(four: docx.document.Document) -> None:
    assert four.settings.odd_and_even_pages_header_footer
    sec = four.sections[0]
    for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert _field_instr(p).strip() == "PAGE"
        kinds = [f.get(qn("w:fldCharType")) for f in p._element.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert p.text == "— 1 —"  # the shown value between the dashes
        assert p.alignment == align
        for r in p.runs:
            assert _east_asia(r) == "宋体" and r.font.size == Pt(14)


def test_signature_block_right_aligned_with_arabic_date(four: docx.document.Document) -> None:
    unit, date = four.paragraphs[-2], four.paragraphs[-1]
    assert (unit.text, date.text) == ("广州市交通运输局党组", "2026年1月5日")
    assert unit.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # the longer line (the unit) ends two characters from the right; the date is centred under it
    assert unit.paragraph_format.right_indent == Pt(32)
    assert date.paragraph_format.right_indent == Pt(32 + 16 * (10 - 6) / 2)
    short = _open("标题\n正文。", Signature("某局", dt.date(2026, 11, 25)))
    assert short.paragraphs[-1].paragraph_format.right_indent == Pt(32)  # 成文日期右空二字
    assert unit.paragraph_format.first_line_indent == 0


def test_every_text_paragraph_names_its_east_asian_font(clean_draft: str) -> None:
    out = _open(clean_draft)
    runs = [r for p in out.paragraphs for r in p.runs if r.text]
    assert len(runs) > 10
    assert all(_east_asia(r) for r in runs)
    assert all(r._element.rPr.find(W_FONTS).get(qn("w:hint")) == "eastAsia" for r in runs)
    texts = [p.text.replace("\n", "") for p in out.paragraphs if p.text]
    assert texts[0] == "广州市交通运输局党组2023年度干部选拔任用工作报告"
    assert "二、严肃认真做好选人用人工作" in texts
    assert out.core_properties.title == texts[0]
    # nothing lost: every line of the draft is in the document, in order
    assert "".join(texts) == "".join(line.strip() for line in clean_draft.splitlines())
