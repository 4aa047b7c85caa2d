"""Storing one uploaded file in ``uploads/``: validated, uniquely staged, honestly named.

:func:`store_upload` stages the bytes under a unique temporary name in
``uploads/.incoming`` (two people uploading the same name at the same moment no
longer collide), reads it back with :func:`~drafter.kb.ingest.read_text` (which
refuses binary, undecodable, empty or zip-bomb files), then renames it into place.
A name that had to change (too long, hidden, odd characters) is stored shortened
and the original is kept in the ``<name>.meta.yaml`` sidecar as ``original_name``;
the message says so. :func:`delete_upload` removes a file with its sidecar.

On a team server the pages use :class:`ScopedUploads` instead: it lists only what
the signed-in person may see and records, checks and keeps the unit(s) each upload
belongs to (``owner_units`` in the sidecar; rules in :mod:`drafter.kb.scope`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import AccessDenied, IngestError
from ..settings import Settings
from .catalog import sidecar_path as sidecar_of
from .catalog import write_meta
from .filenames import upload_name
from .ingest import read_text, unsupported_reason
from .meta import DocMeta, detect_meta, display_name
from .scope import OWNER_KEY, KnowledgeScope, owner_units

__all__ = ["ScopedUploads", "delete_upload", "sidecar_of", "store_upload"]


def store_upload(
    name: str, data: bytes, uploads_dir: Path, max_bytes: int, *, units: Sequence[str] | None = None
) -> tuple[bool, str]:
    """Validate and store one upload; ``(accepted, Chinese message naming the file)``.

    ``units``: the unit(s) the upload belongs to on a team server (``[]``: admins only);
    None in local single-user mode (nothing recorded).
    """
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
    kept: dict[str, Any] = {"original_name": name} if notes else {}
    if units is not None:
        kept[OWNER_KEY] = list(units)
    write_meta(target, meta, extra=kept or None)
    extra = "（已替换同名文件）" if replaced else ""
    if notes:
        extra += f"（{'；'.join(notes)}，已改存为“{stored}”，原名记录在说明中）"
    extra += "".join(f"；注意：{n}" for n in ingested.notes)
    return True, f"{stored}：已保存为“{display_name(meta)}”，约{len(ingested.text)}字{extra}"


def delete_upload(path: Path) -> None:
    """Remove an uploaded file and its sidecar."""
    path.unlink(missing_ok=True)
    sidecar_of(path).unlink(missing_ok=True)


def _sidecar(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(sidecar_of(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return dict(data) if isinstance(data, dict) else {}


_DENIED = "无权修改或删除这份材料（它不属于你所在的单位）"


class ScopedUploads:
    """The uploads folder as one signed-in person may use it (team server).

    Lists only what :class:`~drafter.kb.scope.KnowledgeScope` allows; a writer's upload
    is recorded for their own unit(s), an admin's for the units chosen (none: admins
    only); deleting or correcting an upload, or replacing it by uploading the same name,
    needs the right to change it. Refusals raise :class:`~drafter.errors.AccessDenied`
    or come back as a Chinese message, like every other upload refusal.
    """

    def __init__(self, settings: Settings, scope: KnowledgeScope) -> None:
        self.settings = settings
        self.scope = scope

    def files(self) -> list[Any]:
        """Every indexed file (bundled and uploaded) this person may see."""
        from .indexer import discover

        return [f for f in discover(self.settings)[0] if self.scope.allows(f.source, owner_units(f.meta))]

    def _find(self, source: str) -> Any:
        found = next((f for f in self.files() if f.source == source), None)
        if found is None or not self.scope.may_change(source, owner_units(found.meta)):
            raise AccessDenied(_DENIED)
        return found

    def may_change(self, f: Any) -> bool:
        return self.scope.may_change(f.source, owner_units(f.meta))

    def store(self, name: str, data: bytes, units: Iterable[str] = ()) -> tuple[bool, str]:
        """Store one upload for the person's unit(s) (an admin: ``units``)."""
        if not self.scope.may_upload:
            return False, f"{name}：审核人不能上传材料；可以查看和检索本单位及所负责单位的材料"
        owners = self.scope.upload_units(units)
        if not self.scope.sees_everything and not owners:
            return False, f"{name}：你的账号还没有分配单位，不能上传；请联系管理员"
        stored, _notes = upload_name(name)
        target = self.settings.uploads_dir / stored
        if target.exists() and not self.scope.may_change("uploads/" + stored, owner_units(_sidecar(target))):
            return False, f"{name}：已有同名材料“{stored}”，且不属于你所在的单位；请改名后再上传"
        return store_upload(name, data, self.settings.uploads_dir, self.settings.max_upload_bytes, units=owners)

    def delete(self, source: str) -> None:
        delete_upload(self._find(source).path)

    def write_meta(self, source: str, meta: DocMeta, units: Iterable[str] | None = None) -> None:
        """Correct an upload's unit, year, title, genre; an admin may also set whose it is."""
        f = self._find(source)
        extra = None
        if units is not None and self.scope.sees_everything:
            extra = {OWNER_KEY: list(owner_units({OWNER_KEY: list(units)}))}
        keep = ("original_name",) if extra else ("original_name", OWNER_KEY)
        write_meta(f.path, meta, keep=keep, extra=extra)
