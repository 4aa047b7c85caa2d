"""PDF, .doc, .wps and .xlsx uploads, and .docx tables: real files made by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from drafter.errors import IngestError
from drafter.kb.ingest import ingest_files, normalize_text, read_text

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "reports" / "003_dc5d88cb51645eb4.txt"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-writer) not installed")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\ufeff", ""))


def _convert(src: Path, fmt: str, outdir: Path) -> Path:
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{outdir / 'lo-profile'}", "--headless",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    return outdir / f"{src.stem}.{fmt}"


@pytest.fixture(scope="module")
def office_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample as .docx (python-docx), then .pdf and .doc saved from it by LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice not installed")
    out = tmp_path_factory.mktemp("office")
    d = docx.Document()
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        d.add_paragraph(line)
    src = out / "区局2022年报告.docx"
    d.save(str(src))
    return {"docx": src, "pdf": _convert(src, "pdf", out), "doc": _convert(src, "doc", out)}


@needs_office
def test_pdf_text_layer_reads_the_whole_report_and_joins_wrapped_lines(office_files: dict[str, Path]) -> None:
    got = read_text(office_files["pdf"])
    original = SAMPLE.read_text(encoding="utf-8")
    assert got.encoding == "pdf" and not got.notes
    assert _squash(got.text) == _squash(original)
    # LibreOffice wraps each paragraph over several PDF lines; reflow makes them one line again
    body = [ln for ln in original.splitlines() if len(ln) > 60]
    assert sum(ln.strip() in got.text for ln in body) >= len(body) - 1
    assert "一、基本情况" in got.text.splitlines()


@needs_office
def test_doc_saved_by_libreoffice_reads_like_the_original(office_files: dict[str, Path]) -> None:
    got = read_text(office_files["doc"])
    assert got.encoding == "doc"
    original = normalize_text(SAMPLE.read_text(encoding="utf-8"))
    assert got.text.replace("\n\n", "\n") == original.replace("\n\n", "\n")


@needs_office
def test_wps_file_in_word_format_is_read_through_libreoffice(office_files: dict[str, Path], tmp_path: Path) -> None:
    wps = tmp_path / "金山文档.wps"
    shutil.copyfile(office_files["doc"], wps)
    got = read_text(wps)
    assert got.encoding == "wps" and "一、基本情况" in got.text.splitlines()


def test_unreadable_wps_names_the_file_and_says_save_as_docx(tmp_path: Path) -> None:
    wps = tmp_path / "老格式.wps"
    wps.write_bytes(b"\x00\x01WPS-private-format" + bytes(range(256)))
    with pytest.raises(IngestError) as err:
        read_text(wps)
    assert err.value.path.endswith("老格式.wps")
    assert "另存为" in err.value.reason and ".docx" in err.value.reason


def test_corrupt_pdf_is_explained_and_the_other_files_still_go_in(tmp_path: Path) -> None:
    bad = tmp_path / "损坏.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer garbage")
    fake = tmp_path / "其实是图片.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    good = tmp_path / "good.txt"
    good.write_text("一、总体情况\n提拔*人。\n", encoding="utf-8")
    files, skipped = ingest_files([bad, fake, good])
    assert [f.path for f in files] == [good]
    reasons = {Path(p).name: r for p, r in skipped}
    assert "PDF" in reasons["损坏.pdf"] and ("损坏" in reasons["损坏.pdf"] or "没有页面" in reasons["损坏.pdf"])
    assert "不是有效的 PDF" in reasons["其实是图片.pdf"]


def test_pdf_without_text_layer_says_it_needs_ocr(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 120), fill="black")  # a "scanned" line
    scan = tmp_path / "扫描件.pdf"
    image.save(scan, "PDF")
    with pytest.raises(IngestError) as err:
        read_text(scan)
    assert err.value.path.endswith("扫描件.pdf")
    assert "OCR" in err.value.reason and "没有文字层" in err.value.reason


@needs_office
def test_pdf_with_one_scanned_page_names_that_page(office_files: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(scan, "PDF")
    writer = PdfWriter()
    for page in PdfReader(office_files["pdf"]).pages:
        writer.add_page(page)
    writer.add_page(PdfReader(scan).pages[0])
    mixed = tmp_path / "混合.pdf"
    with open(mixed, "wb") as fh:
        writer.write(fh)
    got = read_text(mixed)
    last = len(writer.pages)
    assert "基本情况" in got.text
    assert got.notes and f"第{last}页" in got.notes[0] and "OCR" in got.notes[0]
    # and `drafter index` says so: the file is indexed, the page is named
    import io

    from drafter.cli.index import print_report
    from drafter.kb.indexer import index_knowledge
    from drafter.settings import Settings

    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(mixed, kb / "混合.pdf")
    report = index_knowledge(Settings(home=tmp_path / "home", knowledge_dir=kb))
    assert report.added == ["混合.pdf"] and len(report.notes) == 1
    out = io.StringIO()
    print_report(report, out)
    assert "部分未读出 (partly read): 1\n  混合.pdf：" in out.getvalue() and f"第{last}页" in out.getvalue()


def test_spreadsheet_is_refused_as_not_a_report(tmp_path: Path) -> None:
    xlsx = tmp_path / "干部名册.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(IngestError) as err:
        read_text(xlsx)
    assert err.value.path.endswith("干部名册.xlsx")
    assert "不是报告" in err.value.reason and "数据表" in err.value.reason


def test_docx_tables_are_text_in_reading_order_with_merged_cells_once(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("一、总体情况")
    d.add_paragraph("全年选拔任用情况如下表：")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["类别", "人数", "备注"], ["提拔", "5", "其中女干部2名"], ["职级晋升", "8", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = table.cell(2, 1).merge(table.cell(2, 2))
    merged.text = "8"
    d.add_paragraph("二、主要做法")
    path = tmp_path / "带表格.docx"
    d.save(str(path))
    lines = read_text(path).text.splitlines()
    assert lines == ["一、总体情况", "全年选拔任用情况如下表：", "类别\t人数\t备注", "提拔\t5\t其中女干部2名",
                     "职级晋升\t8", "二、主要做法"]


@needs_office
def test_rtf_saved_as_doc_goes_to_libreoffice(tmp_path: Path) -> None:
    rtf = tmp_path / "另存的.doc"
    # Word's "save as .doc" sometimes writes RTF; antiword cannot read it, LibreOffice can
    body = "".join(f"\\u{ord(c)}?" for c in "一、总体情况")
    rtf.write_bytes(("{\\rtf1\\ansi\\deff0 {\\fonttbl{\\f0 SimSun;}}\\f0 " + body + "\\par }").encode("ascii"))
    got = read_text(rtf)
    assert got.encoding == "doc" and "一、总体情况" in got.text
