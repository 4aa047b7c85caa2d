"""The 送审包: one .zip a writer hands the reviewer.

Inside (names fixed, so the review desk recognises a package):

- ``报告.docx`` — the report in GB/T 9704 layout (:mod:`.docx`);
- ``事实依据表.xlsx`` — one row per sentence: 部分, 句子, 依据, 来源, 状态
  (有依据 / 通用提法 / 参考写法 / 本人修改 / 无依据), from
  :class:`drafter.drafting.basis.BasisMatcher` or the basis the chain recorded;
- ``检查结果.txt`` and ``检查结果.json`` — the checker's findings;
- ``数据表.yaml`` — the fact sheet the report was written from;
- ``送审包.json`` — what the package is: unit, year, title, counts per status.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from ..drafting.basis import STATUSES, BasisMatcher, SentenceBasis
from ..facts.sheet import FactSheet
from ..review.package import MANIFEST, PACKAGE_FILES, is_package
from ..text.doctree import parse
from .common import Signature

__all__ = [
    "BASIS_COLUMNS",
    "MANIFEST",
    "PACKAGE_FILES",
    "basis_xlsx_bytes",
    "build_package",
    "is_package",
]

BASIS_COLUMNS = ("部分", "句子", "依据", "来源", "状态")
_FILL = {"有依据": "E6F4EA", "通用提法": "EEF2F7", "参考写法": "FFF4DB", "本人修改": "E8F0FE", "无依据": "FDE2E1"}


def basis_xlsx_bytes(rows: Sequence[SentenceBasis], *, title: str = "事实依据表") -> bytes:
    """The 事实依据表 as .xlsx: 部分, 句子, 依据, 来源, 状态, one row per sentence, and a count per status."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "事实依据表"
    ws.append(list(BASIS_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_cell(r.section or "开头"), _cell(r.sentence), _cell(r.basis_text()), _cell(r.sources()), r.status])
        fill = _FILL.get(r.status)
        if fill:
            ws.cell(row=ws.max_row, column=5).fill = PatternFill("solid", fgColor=fill)
    for col, width in zip("ABCDE", (22, 60, 48, 24, 10), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    summary = wb.create_sheet("统计")
    summary.append(["状态", "句数"])
    for status in STATUSES:
        summary.append([status, sum(1 for r in rows if r.status == status)])
    summary.append(["合计", len(rows)])
    wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(text: str) -> str:
    """Text as a cell shows it (a leading = would be a formula)."""
    text = "".join(c for c in text if c in "\t\n" or ord(c) >= 32)
    return "'" + text if text[:1] in "=+-@" else text


def build_package(
    text: str,
    facts: FactSheet,
    *,
    basis: Sequence[SentenceBasis] | None = None,
    signature: Signature | None = None,
    check: Any = None,
) -> bytes:
    """The 送审包 of one report text (native plain text) and its fact sheet, as zip bytes.

    ``basis`` is the 事实依据表 if the caller has it (the chain's, with the writer's
    edits marked); otherwise it is computed from the text. ``check`` is a
    ``CheckResult`` (computed by the caller: export comes after the checker and
    does not import it).
    """
    from .docx import docx_bytes

    rows = list(basis) if basis is not None else BasisMatcher(facts).document(text)
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    manifest = {
        "kind": "drafter-送审包",
        "version": 1,
        "unit": facts.unit,
        "year": facts.year,
        "title": text.split("\n", 1)[0].strip(),
        "sentences": len(rows),
        "status_counts": counts,
        "unsupported": [r.to_dict() for r in rows if r.status == "无依据" and r.unsupported],
        "files": dict(PACKAGE_FILES),
    }
    checks_json: dict[str, Any] = {}
    checks_txt = "（未运行检查）\n"
    if check is not None:
        checks_json = check.to_dict()
        checks_txt = _check_text(check)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(PACKAGE_FILES["docx"], docx_bytes(parse(text), signature=signature))
        z.writestr(PACKAGE_FILES["basis"], basis_xlsx_bytes(rows))
        z.writestr(PACKAGE_FILES["checks_txt"], checks_txt)
        z.writestr(PACKAGE_FILES["checks_json"], json.dumps(checks_json, ensure_ascii=False, indent=2, default=str))
        z.writestr(PACKAGE_FILES["facts"], facts.to_yaml())
        z.writestr(PACKAGE_FILES["text"], text)
        z.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return buf.getvalue()


def _check_text(check: Any) -> str:
    lines = [f"检查结果：共 {len(check.findings)} 处（错误 {len(check.errors)}，警告 {len(check.warnings)}）"]
    sev = {"error": "错误", "warning": "警告", "info": "提示"}
    for f in check.findings:
        lines.append(f"[{sev.get(f.severity, f.severity)}] 第{f.line}行 {f.section or '开头'}：{f.message}")
    return "\n".join(lines) + "\n"
