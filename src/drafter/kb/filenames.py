"""File names as users and archives produce them, made safe to store, list and index.

* :func:`upload_name` — the name an upload is stored under: no folders or
  characters Windows forbids, no leading dot (a ``.hidden.txt`` would be stored but
  never listed, indexed or deletable), at most :data:`MAX_NAME_BYTES` bytes so the
  ``<name>.meta.yaml`` sidecar and temporary names still fit the file system's
  255 bytes (82 CJK characters already fill them). It says what it changed; the
  original name is kept as metadata by the caller.
* :func:`tolerant_name` — a name read from disk as text: bytes that are not UTF-8
  (GBK names from unzipping a Windows archive arrive as surrogate escapes) are
  decoded as GB18030, else replaced, so one odd name never aborts an index run.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import PurePosixPath

__all__ = ["MAX_NAME_BYTES", "has_surrogates", "probe_file", "tolerant_name", "upload_name"]

#: Longest stored upload name in UTF-8 bytes (255 − room for ``.meta.yaml`` and temp names).
MAX_NAME_BYTES = 180
_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_SURROGATES = re.compile("[\ud800-\udfff]")


def probe_file(path: os.PathLike[str] | str) -> bool:
    """``os.path.isfile`` that says False (instead of raising) for a name too long or undecodable."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError, UnicodeError):
        return False


def has_surrogates(text: str) -> bool:
    return bool(_SURROGATES.search(text))


def tolerant_name(name: str) -> str:
    """``name`` as readable text even if the file system gave undecodable bytes."""
    if not has_surrogates(name):
        return name
    try:
        raw = os.fsencode(name)
    except UnicodeError:
        return _SURROGATES.sub("\ufffd", name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _shorten(stem: str, suffix: str, original: str) -> str:
    tag = "-" + hashlib.sha1(original.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    room = MAX_NAME_BYTES - len((tag + suffix).encode("utf-8"))
    out = ""
    for ch in stem:
        if len((out + ch).encode("utf-8")) > room:
            break
        out += ch
    return out + tag + suffix


def upload_name(name: str) -> tuple[str, list[str]]:
    """``(stored name, notes)`` for an uploaded file called ``name``; notes say what changed."""
    original = tolerant_name(name)
    base = PurePosixPath(original.replace("\\", "/")).name
    clean = _BAD_CHARS.sub("_", base).strip()
    notes: list[str] = []
    if clean.startswith("."):
        clean = clean.lstrip(". ")
        notes.append("文件名以“.”开头的文件会被隐藏")
    suffix = PurePosixPath(clean).suffix if "." in clean else ""
    stem = clean[: len(clean) - len(suffix)] if suffix else clean
    if not stem.strip():
        stem = "未命名"
        if not notes:
            notes.append("文件名是空的")
    clean = stem + suffix
    if len(clean.encode("utf-8")) > MAX_NAME_BYTES:
        notes.append(f"文件名过长（{len(clean.encode('utf-8'))} 字节，上限 {MAX_NAME_BYTES}）")
        clean = _shorten(stem, suffix, original)
    return clean, notes
