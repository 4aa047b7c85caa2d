"""Reading users' files: encodings, normalisation and every kind of bad file."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import docx
import pytest

from drafter.errors import IngestError
from drafter.kb.ingest import ingest_files, normalize_text, read_text

REPORT = (
    "区局2022年选人用人报告\n一、基本情况\n2022年共提拔*名科长，严格执行“凡提四必”。\n"
)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
    ],
)
def test_common_encodings_read_back_the_same_chinese_text(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(bom + REPORT.replace("\n", "\r\n").encode(encoding))
    got = read_text(path)
    assert got.text == REPORT
    assert "凡提四必" in got.text and "\r" not in got.text


def test_full_width_indent_is_dropped_and_inner_full_width_space_becomes_regular(
    tmp_path: Path,
) -> None:
    path = tmp_path / "indent.txt"
    path.write_text(
        "\u3000\u3000一、基本情况\r\n\u3000\u3000我局\u3000共有干部*名。\u3000\r\n",
        encoding="utf-8",
    )
    assert read_text(path).text == "一、基本情况\n我局 共有干部*名。\n"


def test_markdown_heading_marks_are_stripped() -> None:
    assert (
        normalize_text("## 一、基本情况\n**严格**执行程序。", markdown=True)
        == "一、基本情况\n严格执行程序。\n"
    )


def test_markdown_keeps_star_placeholders_and_undoes_escapes(tmp_path: Path) -> None:
    path = tmp_path / "草稿.md"
    path.write_text("## 一、总体情况\n提拔**人、**同志，**重点**工作，\\*人次。\n", encoding="utf-8")
    text = read_text(path).text
    # placeholders survive for the checker; real bold and escapes are undone
    assert "提拔**人、**同志，重点工作，*人次。" in text


def test_docx_paragraphs_are_read_in_order(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    d = docx.Document()
    for line in REPORT.splitlines():
        d.add_paragraph(line)
    d.save(str(path))
    got = read_text(path)
    assert got.text == REPORT and got.encoding == "docx"


def test_corrupt_docx_names_the_file_and_says_it_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "坏文件.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(IngestError) as err:
        read_text(path)
    assert err.value.path.endswith("坏文件.docx")
    assert "损坏" in err.value.reason


def test_zip_that_is_not_a_word_document_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not word")
    with pytest.raises(IngestError, match="Word"):
        read_text(path)


def test_binary_empty_oversize_and_unknown_type_are_explained(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    big = tmp_path / "big.txt"
    big.write_text("干部" * 2000, encoding="utf-8")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Café crème à la française, très bien.\n".encode("latin-1"))
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")

    files, skipped = ingest_files(
        [binary, empty, big, latin, legacy, good], max_bytes=1000
    )
    assert [f.path for f in files] == [good]
    reasons = {Path(p).name: r for p, r in skipped}
    assert "二进制" in reasons["image.txt"]
    assert "空" in reasons["empty.txt"]
    assert (
        "过大" in reasons["big.txt"] and "DRAFTER_MAX_UPLOAD_MB" in reasons["big.txt"]
    )
    assert "编码" in reasons["latin1.txt"]
    assert ".docx" in reasons["old.doc"]


def test_whitespace_only_file_is_reported_as_without_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\u3000\u3000\r\n  \n", encoding="utf-8")
    with pytest.raises(IngestError, match="没有文字"):
        read_text(path)
