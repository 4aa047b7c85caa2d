"""A 送审包 in the review desk: one unit's submission, with each sentence's basis.

A 送审包 (:mod:`drafter.export.package`) holds the report, its fact sheet, the
事实依据表 and the check results. In a batch — uploaded on its own, inside a folder
or inside a larger .zip — its members are one submission, not seven files:
:func:`expand_packages` replaces them by the report's text, and
:func:`apply_package` then holds the report against the fact sheet it came with
(numbers, named activities) and counts the sentences without a basis (无依据) in
the row; each is listed in the 问题清单 as a ``basis-sentence`` finding.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..drafting.basis import BasisMatcher
from ..facts.sheet import FactSheet, parse_facts

__all__ = ["MANIFEST", "PACKAGE_FILES", "Package", "apply_package", "expand_packages", "is_package"]

#: The 送审包 layout (written by :mod:`drafter.export.package`).
MANIFEST = "送审包.json"
PACKAGE_FILES = {
    "docx": "报告.docx",
    "basis": "事实依据表.xlsx",
    "checks_txt": "检查结果.txt",
    "checks_json": "检查结果.json",
    "facts": "数据表.yaml",
    "text": "报告.txt",
}

def is_package(names: Sequence[str]) -> bool:
    """Whether a zip's member names are a 送审包's (its manifest and report)."""
    base = {n.rsplit("/", 1)[-1] for n in names}
    return MANIFEST in base and PACKAGE_FILES["text"] in base




class Package:
    """One 送审包 found in a batch: its fact sheet and manifest."""

    def __init__(self, name: str, text_path: Path, facts: FactSheet | None, manifest: dict[str, Any]) -> None:
        self.name = name
        self.text_path = text_path
        self.facts = facts
        self.manifest = manifest


def _load(name: str, members: dict[str, Path]) -> Package | None:
    text = members.get(PACKAGE_FILES["text"])
    if text is None:
        return None
    try:
        manifest = json.loads(members[MANIFEST].read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        manifest = {}
    facts = None
    yaml_path = members.get(PACKAGE_FILES["facts"])
    if yaml_path is not None:
        try:
            facts = parse_facts(yaml_path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 — a broken sheet: the report is still reviewed, without basis
            facts = None
    return Package(name, text, facts, manifest)


def expand_packages(
    inputs: Sequence[tuple[str, Path]], workdir: Path, *, extract_zip: Callable[..., Any]
) -> tuple[list[tuple[str, Path]], dict[str, Package], list[dict[str, str]]]:
    """The batch's inputs with each 送审包 as one ``(name, report text)``; the packages by name.

    ``extract_zip`` is the batch's guarded extractor (:func:`drafter.review.batch.extract_zip`).
    """
    out: list[tuple[str, Path]] = []
    packages: dict[str, Package] = {}
    skipped: list[dict[str, str]] = []
    # 1. nested 送审包 .zip files (in a folder, or a zip inside the upload)
    flat: list[tuple[str, Path]] = []
    for k, (name, path) in enumerate(inputs):
        if name.lower().endswith(".zip") and zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as z:
                    is_pkg = is_package(z.namelist())
            except (zipfile.BadZipFile, OSError):
                is_pkg = False
            if is_pkg:
                try:
                    got, _bad = extract_zip(path, workdir / f"pkg{k:04d}")
                except Exception as err:  # noqa: BLE001 — named in the skipped list
                    skipped.append({"file": name, "reason": str(err)})
                    continue
                flat += [(f"{name}/{rel}", p) for rel, p in got]
                continue
        flat.append((name, path))
    # 2. group members by the folder holding a 送审包.json
    prefixes = [n[: -len(MANIFEST)] for n, _p in flat if n.rsplit("/", 1)[-1] == MANIFEST]
    owner: dict[str, str] = {}
    for prefix in sorted(prefixes, key=len, reverse=True):
        members = {n[len(prefix):]: p for n, p in flat if n.startswith(prefix) and "/" not in n[len(prefix):]
                   and n not in owner}
        label = prefix.rstrip("/") or "送审包"
        found = _load(label, members)
        if found is None:
            continue
        if label == "送审包" and found.manifest.get("unit"):
            label = found.name = f"{found.manifest['unit']}送审包"
        packages[label] = found
        owner.update({prefix + m: label for m in members})
    emitted: set[str] = set()
    for n, p in flat:
        held = owner.get(n)
        if held is None:
            out.append((n, p))
        elif held not in emitted:
            emitted.add(held)
            out.append((held, packages[held].text_path))
    return out, packages, skipped


def apply_package(row: Any, package: Package) -> None:
    """Hold one reviewed row against its package's fact sheet: numbers, names, 无依据 sentences."""
    from ..checks import check_text

    row.package = True
    if package.facts is None:
        row.reasons = list(row.reasons) + ["送审包中的数据表无法读取"]
        return
    row.unit = row.unit or package.facts.unit  # the sheet names the unit (a .docx title may be split)
    row.year = row.year or package.facts.year
    text = row.text
    result = check_text(text, facts=package.facts, categories={"figure", "basis"})
    for f in result.findings:
        if f.code == "figure-unstated":
            continue
        d = f.to_dict()
        d["file"] = row.file
        row.findings.append(d)
        if f.severity == "error":
            row.errors += 1
    rows = BasisMatcher(package.facts).document(text)
    row.basis = [r.to_dict() for r in rows]
    bad = [r for r in rows if r.status == "无依据"]
    row.unsupported = len(bad)
    for r in bad:
        line = text.count("\n", 0, r.start) + 1
        what = "、".join(r.unsupported) if r.unsupported else "没有对应的数据表内容或规范提法"
        row.findings.append({
            "file": row.file, "category": "basis", "code": "basis-sentence", "severity": "warning",
            "section": r.section, "text": r.sentence, "line": line, "start": r.start, "end": r.end,
            "message": f"无依据：{what}。请核对数据表，补充依据或删去。",
        })
