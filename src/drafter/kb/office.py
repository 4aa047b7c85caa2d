"""Old Word ``.doc`` and WPS ``.wps`` files to text.

Measured on the samples saved as .doc by LibreOffice (``bench/documents.py``):
antiword reads a .doc in a few milliseconds and LibreOffice headless in about a
second (it starts a whole office suite), with the same text. So a Word 97–2003
file (an OLE compound file) goes to **antiword** first; LibreOffice is the
fallback for what antiword cannot read (Word 6/95, RTF or HTML saved as .doc, most
WPS files). A WPS ``.wps`` file is an OLE file that only LibreOffice may read, or a
.docx under another name; anything else gets a message saying to save it as .docx.

Both tools are Debian packages (``antiword``, ``libreoffice-writer``) that
``.ci/run`` installs; a missing tool is a clear :class:`IngestError` too.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import IngestError

__all__ = ["OLE_MAGIC", "antiword_text", "libreoffice_text", "read_doc", "read_wps"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TIMEOUT = 120
_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


def _clean_antiword(text: str) -> str:
    """antiword draws table rows as ``|a   |b   |``: keep the cells, tab-separated."""
    lines = []
    for line in text.split("\n"):
        m = _TABLE_ROW.match(line)
        if m:
            cells = [c.strip() for c in m.group(1).split("|")]
            line = "\t".join(c for c in cells if c)
        lines.append(line)
    return "\n".join(lines)


def antiword_text(path: Path) -> str | None:
    """Text of a Word 97–2003 file by antiword, or None if antiword is absent or fails."""
    exe = shutil.which("antiword")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-w", "0", "-m", "UTF-8.txt", str(path)],
            capture_output=True, timeout=_TIMEOUT, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    text = done.stdout.decode("utf-8", errors="replace")
    return _clean_antiword(text) if text.strip() else None


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_text(path: Path) -> str | None:
    """Text of any document LibreOffice opens (headless), or None if it cannot.

    One LibreOffice profile per user under the temp dir, guarded by a lock (two
    instances on one profile block each other); the input is copied under a plain
    ASCII name so odd file names cannot trip the command line.
    """
    exe = _soffice()
    if exe is None:
        return None
    base = Path(tempfile.gettempdir()) / f"drafter-libreoffice-{os.getuid()}"
    base.mkdir(parents=True, exist_ok=True)
    with open(base / "lock", "w") as lock, tempfile.TemporaryDirectory(dir=base) as work:
        fcntl.flock(lock, fcntl.LOCK_EX)
        src = Path(work) / f"input{path.suffix.lower()}"
        shutil.copyfile(path, src)
        try:
            subprocess.run(
                [exe, f"-env:UserInstallation=file://{base / 'profile'}", "--headless",
                 "--norestore", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", work, str(src)],
                capture_output=True, timeout=_TIMEOUT, check=False,
                env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        out = Path(work) / "input.txt"
        if not out.is_file():
            return None
        text = out.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    return text if text.strip() else None


def _expected(c: str) -> bool:
    """A character a Chinese or English document is written in."""
    o = ord(c)
    return (
        32 <= o < 127 or c in "\t\n\r\f" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0xA0 <= o <= 0x17F or 0x2100 <= o <= 0x25FF
    )


def _plausible(text: str) -> bool:
    """Real document text, not bytes shown as characters (LibreOffice imports anything as text).

    Random bytes behind an OLE header come out of LibreOffice as UTF-16 “text”: a
    third of it CJK, the rest Hangul, private-use and rare blocks; a real document
    is almost all Chinese, ASCII and punctuation.
    """
    sample = "".join(text[:8000].split())
    if not sample:
        return False
    bad = sum(1 for c in sample if c == "\ufffd" or (ord(c) < 32 and c not in "\t\n\r\f"))
    if bad > max(2, len(sample) // 200):
        return False
    return sum(1 for c in sample if _expected(c)) >= 0.85 * len(sample)


def read_doc(path: Path, data: bytes) -> str:
    """Text of an old Word .doc file."""
    name = str(path)
    if data.startswith(OLE_MAGIC):
        text = antiword_text(path)
        if text is None:
            text = libreoffice_text(path)
        if text is None:
            if not (shutil.which("antiword") or _soffice()):
                raise IngestError(name, "读取 .doc 需要 antiword 或 LibreOffice，本机未安装：请安装后重试，或在 Word 中另存为 .docx")
            raise IngestError(name, "无法读取这个 .doc 文件（可能已损坏或设有密码），请在 Word 中另存为 .docx 后上传")
        if not _plausible(text):
            raise IngestError(name, "无法读取这个 .doc 文件：读出的不是文字（文件已损坏或并非 Word 文档），"
                                    "请在 Word 中另存为 .docx 后上传")
        return text
    # Word also saves RTF or HTML under .doc; LibreOffice reads both
    text = libreoffice_text(path) if data[:5] == b"{\\rtf" or b"<html" in data[:2048].lower() else None
    if text is None or not _plausible(text):
        raise IngestError(name, "不是有效的 Word .doc 文件（可能已损坏或实为其他格式），请在 Word 中另存为 .docx 后上传")
    return text


def read_wps(path: Path, data: bytes) -> str:
    """Text of a WPS .wps file where LibreOffice can read it; else a message to save as .docx."""
    name = str(path)
    advice = "请在 WPS 文字中打开，选择“另存为”→“Word 文档（*.docx）”后上传"
    if data.startswith(OLE_MAGIC):
        if _soffice() is None:
            text = antiword_text(path)
        else:
            text = libreoffice_text(path) or antiword_text(path)
        if text is not None and _plausible(text):
            return text
        raise IngestError(name, f"无法读取这个 WPS 文件（此版本的 .wps 格式不受支持或文件已损坏）：{advice}")
    raise IngestError(name, f"无法识别这个 WPS 文件的格式：{advice}")
