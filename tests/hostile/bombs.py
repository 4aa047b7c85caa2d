"""The probe's hostile documents, generated (never committed): PDF and .docx bombs."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path


def write_pdf(path: Path, objects: list[bytes], *, root: int = 1) -> Path:
    """A PDF of ``objects`` (object n is ``objects[n-1]``, body only) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    path.write_bytes(bytes(out))
    return path


def _stream(data: bytes, extra: bytes = b"", *, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page_pdf(path: Path, content: bytes, *, extra_objects: list[bytes] = (), xobjects: bytes = b"",
              flate: bool = False) -> Path:
    """Catalog 1, pages 2, page 3, content 4, font 5, then ``extra_objects`` from 6 on."""
    resources = b"<< /Font << /F1 5 0 R >>" + (b" /XObject << " + xobjects + b" >>" if xobjects else b"") + b" >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources + b" /Contents 4 0 R >>",
        _stream(content, flate=flate),
        _FONT,
        *extra_objects,
    ]
    return write_pdf(path, objects)


def pdf_nested_forms(path: Path, depth: int = 40) -> Path:
    """``depth`` form XObjects, each drawing the next twice (2**depth drawings from a few KB)."""
    forms = []
    for i in range(depth):
        n = 6 + i
        if i + 1 < depth:
            body = b"q /X%d Do Q q /X%d Do Q" % (i + 1, i + 1)
            res = b"<< /XObject << /X%d %d 0 R >> /Font << /F1 5 0 R >> >>" % (i + 1, n + 1)
        else:
            body = b"BT /F1 12 Tf 10 10 Td (A) Tj ET"
            res = b"<< /Font << /F1 5 0 R >> >>"
        forms.append(_stream(body, b" /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + res))
    return _page_pdf(path, b"q /X0 Do Q", extra_objects=forms, xobjects=b"/X0 6 0 R")


def pdf_length_loop(path: Path) -> Path:
    """The content stream's ``/Length`` is an object that refers to itself."""
    content = b"BT /F1 12 Tf 72 720 Td (hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length 6 0 R >>\nstream\n" + content + b"\nendstream",
        _FONT,
        b"6 0 R",
    ]
    return write_pdf(path, objects)


def pdf_many_glyphs(path: Path, glyphs: int = 1_000_000) -> Path:
    """One page drawing ``glyphs`` characters, the content stream compressed to a few KB."""
    line = b"(" + b"A" * 1000 + b") Tj "
    content = b"BT /F1 1 Tf 0 800 Td " + line * (glyphs // 1000) + b"ET"
    return _page_pdf(path, content, flate=True)


def pdf_flate_bomb(path: Path, inflated: int = 1 << 30) -> Path:
    """A content stream of ``inflated`` bytes of zeros compressed to about a thousandth of that."""
    # raw deflate with a full flush after each MiB: every block after the first compresses to
    # the same bytes, so 1 GB is written in about a second; the zlib header and checksum by hand
    import struct

    blocks = inflated >> 20
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1 << 20)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    rest = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    check = 1
    for _ in range(blocks):
        check = zlib.adler32(block, check)
    data = b"\x78\xda" + first + rest * (blocks - 1) + packer.flush() + struct.pack(">I", check)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        _FONT,
    ]
    return write_pdf(path, objects)


def pdf_text(path: Path, lines: list[str]) -> Path:
    """A plain, valid one-page PDF with ASCII ``lines`` (a control case)."""
    body = b"BT /F1 12 Tf 72 780 Td 14 TL " + b" ".join(b"(%s) '" % ln.encode("ascii") for ln in lines) + b" ET"
    return _page_pdf(path, body)


def _docx_template() -> zipfile.ZipFile:
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    return zipfile.ZipFile(buf)


def docx_many_headers(path: Path, parts: int = 190, size: int = 1 << 20) -> Path:
    """A .docx whose ``parts`` header parts are ``size`` bytes of XML each (each under the ratio check)."""
    template = _docx_template()
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    para = "<w:p><w:r><w:t>页眉</w:t></w:r></w:p>"
    header = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {ns}>' + para * (size // len(para.encode())) + "</w:hdr>"
    rels = template.read("word/_rels/document.xml.rels").decode()
    extra = "".join(
        f'<Relationship Id="rIdH{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"'
        f' Target="header{i}.xml"/>' for i in range(parts)
    )
    rels = rels.replace("</Relationships>", extra + "</Relationships>")
    types = template.read("[Content_Types].xml").decode().replace(
        "</Types>",
        "".join(f'<Override PartName="/word/header{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                f'wordprocessingml.header+xml"/>' for i in range(parts)) + "</Types>",
    )
    # random bytes in each part keep its compression ratio under 200:1, as the probe's did
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            data = template.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = rels.encode()
            elif info.filename == "[Content_Types].xml":
                data = types.encode()
            out.writestr(info.filename, data)
        for i in range(parts):
            noise = os.urandom(size // 150).hex()
            out.writestr(f"word/header{i}.xml", header.replace("页眉", noise, 1))
    return path


def docx_huge_body(path: Path, megabytes: int = 190) -> Path:
    """A .docx whose document.xml inflates to ``megabytes`` MB of short paragraphs."""
    template = _docx_template()
    xml = template.read("word/document.xml").decode()
    head, _, tail = xml.partition("<w:body>")
    import random

    # 100,000 different paragraphs in a shuffled order, written again and again: within
    # deflate's 32 KB window they look random (about 16:1, as the probe's), and fast to write
    pool = [f"<w:p><w:r><w:t>{i:05d}0</w:t></w:r></w:p>" for i in range(100_000)]
    random.Random(21).shuffle(pool)
    block = "".join(pool).encode()
    count = megabytes * (1 << 20) // len(block)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, template.read(info))
        with out.open("word/document.xml", "w") as fh:
            fh.write((head + "<w:body>").encode())
            for _ in range(count):
                fh.write(block)
            fh.write(tail.encode())
    return path


def pdf_many_pages(path: Path, pages: int = 380, glyphs_per_page: int = 1000) -> Path:
    """``pages`` pages of ``glyphs_per_page`` glyphs each: within every budget, but slow to parse."""
    line = b"(" + b"B" * 100 + b") '"
    content = zlib.compress(b"BT /F1 5 Tf 20 800 Td 6 TL " + line * (glyphs_per_page // 100) + b" ET", 9)
    kids = b" ".join(b"%d 0 R" % (6 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< >>",  # unused
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        _FONT,
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>"
    ] * pages
    return write_pdf(path, objects)


def zip_with_lying_member(path: Path, name: str = "lie.txt", actual: int = 64 << 20, declared: int = 1024) -> Path:
    """A zip whose member inflates to ``actual`` bytes while both its headers declare ``declared``."""
    import struct

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(name, "w", force_zip64=False) as fh:
            block = ("某局报告。" * 20000).encode()[: 1 << 20]
            block = block + b" " * ((1 << 20) - len(block))
            for _ in range(actual >> 20):
                fh.write(block)
    data = bytearray(path.read_bytes())
    # local header: uncompressed size at offset 22; central directory entry: at offset 24
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))
    return path
