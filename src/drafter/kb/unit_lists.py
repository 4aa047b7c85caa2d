"""A unit's own 规范提法 / 敏感表述 lists, uploaded in 知识库 (issue 24).

Same format as ``knowledge/policies/formulations.yaml`` (``formulations:``, ``terms:``,
``rules:``; ``name:`` names the list in every finding). Stored in the uploads folder's
``.lists/`` (a dot-folder: never indexed as reference wording), each with a sidecar
holding ``owner_units`` — the units whose checks use it — exactly like other uploads on
a team server (:mod:`drafter.kb.scope`): a writer's list is recorded for their unit(s),
an admin's for the units chosen; a person sees and changes only what their scope allows.

:func:`stored_lists` gives every stored list with its owners; the checker takes the
lists of the report's unit only (:func:`drafter.checks.formulations.lists_for_unit`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import AccessDenied, FactSheetError
from ..facts.formulations import FormulationLibrary, parse_library
from ..settings import Settings
from ..text.safe_yaml import load_yaml
from .scope import OWNER_KEY, KnowledgeScope, owner_units

__all__ = ["LISTS_DIR", "ScopedUnitLists", "StoredList", "parse_unit_list", "stored_lists"]

LISTS_DIR = ".lists"
_MAX_BYTES = 512 * 1024
_MAX_PATTERN = 200
_NESTED_RE = re.compile(r"\)[*+?{]|\\[1-9]|\(\?[<=!]")  # repeated groups, backreferences, lookarounds
_NAME_RE = re.compile(r"[^\w\u4e00-\u9fff（）()·-]+")


@dataclass(frozen=True)
class StoredList:
    """One uploaded list: its file, owners and validated content."""

    source: str  # uploads/.lists/<file>
    path: Path
    units: tuple[str, ...]
    library: FormulationLibrary


def _dir(settings: Settings) -> Path:
    return Path(settings.uploads_dir) / LISTS_DIR


def _owners_path(path: Path) -> Path:
    return path.with_name(path.name + ".owners.yaml")


def parse_unit_list(name: str, data: bytes) -> FormulationLibrary:
    """Validate an uploaded list; ``ValueError`` with a Chinese message naming what is wrong."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{name}：不是 UTF-8 编码的 YAML 文件") from None
    try:
        raw = load_yaml(text, what="提法清单")
    except FactSheetError as err:
        raise ValueError(f"{name}：{err}") from None
    stem = Path(name).stem
    try:
        lib = parse_library(raw, name=stem)
    except ValueError as err:  # pydantic's ValidationError is a ValueError
        raise ValueError(f"{name}：提法清单格式有误：{err}") from None
    for f in lib.formulations:  # an uploaded pattern runs on every check of the unit: keep it simple
        for clause in f.clauses:
            if len(clause.pattern) > _MAX_PATTERN or _NESTED_RE.search(clause.pattern):
                raise ValueError(f"{name}：提法“{f.name}”的 pattern 过长或含有重复的分组（如 (…)+），"
                                 f"请改用 wrong: 列出错误写法")
    return lib


def _read(path: Path, units: tuple[str, ...]) -> StoredList | None:
    try:
        lib = parse_unit_list(path.name, path.read_bytes())
    except (OSError, ValueError):
        return None
    return StoredList(f"uploads/{LISTS_DIR}/{path.name}", path, units, lib)


def _units_of(path: Path) -> tuple[str, ...]:
    try:
        data = yaml.safe_load(_owners_path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return ()
    return owner_units(data if isinstance(data, dict) else {})


def stored_lists(settings: Settings) -> list[StoredList]:
    """Every readable stored list with its owner units (a list that no longer validates is left out)."""
    folder = _dir(settings)
    out = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if path.name.endswith(".owners.yaml"):
            continue
        got = _read(path, _units_of(path))
        if got is not None:
            out.append(got)
    return out


class ScopedUnitLists:
    """The lists as one person may use them (local mode: ``KnowledgeScope.everything()``)."""

    def __init__(self, settings: Settings, scope: KnowledgeScope) -> None:
        self.settings = settings
        self.scope = scope

    def lists(self) -> list[StoredList]:
        return [x for x in stored_lists(self.settings) if self.scope.allows(x.source, x.units)]

    def store(self, name: str, data: bytes, units: Iterable[str] = ()) -> tuple[bool, str]:
        """Validate and store a list for the person's unit(s) (an admin: ``units``)."""
        if not self.scope.may_upload:
            return False, f"{name}：审核人不能上传提法清单"
        owners = self.scope.upload_units(units)
        if not self.scope.sees_everything and not owners:
            return False, f"{name}：你的账号还没有分配单位，不能上传；请联系管理员"
        if len(data) > _MAX_BYTES:
            return False, f"{name}：提法清单过大（上限 {_MAX_BYTES // 1024} KB）"
        try:
            lib = parse_unit_list(name, data)
        except ValueError as err:
            return False, str(err)
        stem = _NAME_RE.sub("_", Path(name).stem).strip("._") or "提法清单"
        folder = _dir(self.settings)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{stem}.yaml"
        if target.exists() and not self.scope.may_change(f"uploads/{LISTS_DIR}/{target.name}", _units_of(target)):
            return False, f"{name}：已有同名清单，且不属于你所在的单位；请改名后再上传"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        owners_data: dict[str, Any] = {OWNER_KEY: list(owners)}
        _owners_path(target).write_text(yaml.safe_dump(owners_data, allow_unicode=True), encoding="utf-8")
        n = len(lib.formulations) + len(lib.terms) + len(lib.rules)
        whose = "、".join(owners) if owners else "仅管理员"
        return True, f"{target.name}：已保存提法清单“{lib.name}”，共{n}条，用于{whose}的检查"

    def delete(self, source: str) -> None:
        found = next((x for x in self.lists() if x.source == source), None)
        if found is None or not self.scope.may_change(source, found.units):
            raise AccessDenied("无权删除这份提法清单（它不属于你所在的单位）")
        found.path.unlink(missing_ok=True)
        _owners_path(found.path).unlink(missing_ok=True)
