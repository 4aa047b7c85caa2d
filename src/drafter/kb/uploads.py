"""Storing one uploaded file in ``uploads/``: validated, uniquely staged, honestly named.

:func:`store_upload` stages the bytes under a unique temporary name in
``uploads/.incoming`` (two people uploading the same name at the same moment no
longer collide), reads it back with :func:`~drafter.kb.ingest.read_text` (which
refuses binary, undecodable, empty or zip-bomb files), then renames it into place.
A name that had to change (too long, hidden, odd characters) is stored shortened
and the original is kept in the ``<name>.meta.yaml`` sidecar as ``original_name``;
the message says so. :func:`delete_upload` removes a file with its sidecar.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import IngestError
from .catalog import sidecar_path as sidecar_of
from .catalog import write_meta
from .filenames import upload_name
from .ingest import read_text, unsupported_reason
from .meta import detect_meta, display_name

__all__ = ["delete_upload", "sidecar_of", "store_upload"]


def store_upload(name: str, data: bytes, uploads_dir: Path, max_bytes: int) -> tuple[bool, str]:
    """Validate and store one upload; ``(accepted, Chinese message naming the file)``."""
    stored, notes = upload_name(name)
    suffix = Path(stored).suffix.lower()
    reason = unsupported_reason(suffix)
    if reason is not None:
        return False, f"{name}：{reason}"
    if len(data) > max_bytes:
        return False, (
            f"{name}：文件过大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB；"
            "请拆分后再上传或调整 DRAFTER_MAX_UPLOAD_MB"
        )
    if not data.strip():
        return False, f"{name}：文件是空的"
    incoming = uploads_dir / ".incoming"  # dot-folders are not indexed
    incoming.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix="up-", suffix=suffix)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        ingested = read_text(tmp, max_bytes=max_bytes)
    except IngestError as err:
        tmp.unlink(missing_ok=True)
        return False, f"{name}：{err.reason}"
    except OSError as err:
        tmp.unlink(missing_ok=True)
        return False, f"{name}：无法保存（{err.strerror or err}）"
    target = uploads_dir / stored
    replaced = target.exists()
    os.replace(tmp, target)
    # the report's identity (unit, year, title, genre) from its text: the writer can correct it;
    # one whole write replaces any older sidecar of the same name
    meta = detect_meta(ingested.text, stored)
    write_meta(target, meta, extra={"original_name": name} if notes else None)
    extra = "（已替换同名文件）" if replaced else ""
    if notes:
        extra += f"（{'；'.join(notes)}，已改存为“{stored}”，原名记录在说明中）"
    extra += "".join(f"；注意：{n}" for n in ingested.notes)
    return True, f"{stored}：已保存为“{display_name(meta)}”，约{len(ingested.text)}字{extra}"


def delete_upload(path: Path) -> None:
    """Remove an uploaded file and its sidecar."""
    path.unlink(missing_ok=True)
    sidecar_of(path).unlink(missing_ok=True)
