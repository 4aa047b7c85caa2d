"""The 审核表 as .xlsx (openpyxl): one row per report, every finding, the similar pairs.

Sheets: 审核表 (one row per report, status coloured), 问题清单 (every finding with its
report, section and quote), 相似报告 (the most similar pairs of the batch), and
未能读取 when some files could not be read. Each sheet has a frozen, bold header, a
filter on every column, and column widths that fit Chinese text (a Chinese character
counts two columns). Opens in Excel, WPS and LibreOffice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from .batch import BatchResult
from .feedback import policy_cell

__all__ = ["SHEETS", "STATUS_FILLS", "safe_cell", "write_xlsx", "xlsx_bytes"]

#: Sheet names in order.
SHEETS = ("审核表", "问题清单", "相似报告")
#: Fill colour of each status (Excel's good / neutral / bad styles).
STATUS_FILLS = {"通过": "C6EFCE", "需修改": "FFEB9C", "退回": "FFC7CE"}
_STATUS_FONT = {"通过": "006100", "需修改": "9C5700", "退回": "9C0006"}
_SEVERITY_ZH = {"error": "错误", "warning": "提醒", "info": "提示"}
_CATEGORY_ZH = {
    "placeholder": "占位符", "structure": "结构", "numbering": "编号", "figure": "数字",
    "proofread": "校对", "stale": "旧稿", "policy": "提法", "consistency": "数字矛盾",
    "dup": "重复", "basis": "依据",
}
_FONT = "宋体"

REPORT_COLUMNS = (
    "序号", "文件", "单位", "年度", "状态", "原因", "字数", "缺少部分", "占位符", "编号错误",
    "校对问题", "提法", "数字矛盾", "与上年重复率", "上年报告", "最相似的同批报告", "最相似单位", "相似度",
    "问题数", "无依据句",
)
FINDING_COLUMNS = ("文件", "单位", "状态", "类别", "程度", "部分", "行", "引文", "说明", "规范写法", "出处")
PAIR_COLUMNS = ("报告A", "单位A", "报告B", "单位B", "相似度", "A取自B", "B取自A", "相同段落", "谁抄谁")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """A value as it may go into a cell: text without the control characters .xlsx cannot
    hold (a member name with them would fail the whole export); numbers unchanged.

    Whether the text is kept as text (not a formula) is :func:`_as_text`'s part, once
    the cell exists.
    """
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _as_text(cell: Any) -> None:
    """Text that would start a formula (``= + - @``, tab, CR) stays text: a string cell with
    Excel's quote prefix, so neither opening nor editing it evaluates anything."""
    value = cell.value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _width(value: Any) -> int:
    s = "" if value is None else str(value)
    longest = max((sum(2 if ord(c) > 0x2E7F else 1 for c in line) for line in s.split("\n")), default=0)
    return longest


def _sheet(wb: Any, title: str, columns: Sequence[str], rows: list[list[Any]], *,
           percent: Sequence[str] = (), wrap: Sequence[str] = (), max_width: int = 60,
           caps: Mapping[str, int] | None = None) -> Any:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append([safe_cell(c) for c in columns])
    for row in rows:  # every cell written passes safe_cell and _as_text: names come from uploads
        ws.append([safe_cell(v) for v in row])
    for sheet_row in ws.iter_rows():
        for cell in sheet_row:
            _as_text(cell)
    thin = Side(style="thin", color="BFBFBF")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(name=_FONT, bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin)
    for ci, name in enumerate(columns, start=1):
        letter = get_column_letter(ci)
        width = max([_width(name)] + [_width(r[ci - 1]) for r in rows[:2000]])
        ws.column_dimensions[letter].width = min((caps or {}).get(name, max_width), max(6, width + 2))
        for cell in ws[letter][1:]:
            cell.font = Font(name=_FONT)
            if name in percent and cell.value is not None:
                cell.number_format = "0%"
            if name in wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    return ws


def _pct(v: Any) -> Any:
    """A ratio as the table shows it and the status rules compare it (whole percents)."""
    return None if v is None else round(float(v) * 100) / 100


def _acts(findings: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """What a reviewer acts on: errors and warnings (notes such as updated statistics sentences left out)."""
    return [f for f in findings if f.get("severity") != "info"]


def _package_cells(r: Any) -> list[Any]:
    """The 送审包 column: sentences without basis (— for a report that came without its sheet)."""
    return [r.unsupported if getattr(r, "package", False) else "—"]


def _workbook(result: BatchResult, marks: Mapping[str, tuple[bool, str]] | None = None) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    rows: list[list[Any]] = []
    for n, r in enumerate(result.reports, start=1):
        rows.append([
            n, r.file, r.unit or "（未识别）", r.year, r.status, "；".join(r.reasons) or "—", r.chars,
            "、".join(r.missing_names) or "—", r.placeholders, r.numbering, r.proofread,
            policy_cell(r.findings), r.contradictions,
            _pct(r.previous_dup), r.previous or "—",
            r.similar["file"] if r.similar else "—", (r.similar or {}).get("unit") or "—",
            _pct(r.similar["similarity"]) if r.similar else None, len(_acts(r.findings)),
            *_package_cells(r),
        ])
    columns: tuple[str, ...] = REPORT_COLUMNS
    if marks is not None:
        columns += ("复核", "复核意见")
        for row, r in zip(rows, result.reports, strict=True):
            done, note = marks.get(r.file, (False, ""))
            row += ["已复核" if done else "未复核", note or ""]
    ws = _sheet(wb, SHEETS[0], columns, rows, percent=("与上年重复率", "相似度"),
                wrap=("原因", "上年报告", "复核意见", "提法"), max_width=40)
    status_col = REPORT_COLUMNS.index("状态") + 1
    for row in ws.iter_rows(min_row=2, min_col=status_col, max_col=status_col):
        cell = row[0]
        colour = STATUS_FILLS.get(str(cell.value))
        if colour:
            cell.fill = PatternFill("solid", fgColor=colour)
            cell.font = Font(name=_FONT, bold=True, color=_STATUS_FONT[str(cell.value)])

    frows: list[list[Any]] = []
    for r in result.reports:
        for f in _acts(r.findings):
            frows.append([
                r.file, r.unit or "（未识别）", r.status, _CATEGORY_ZH.get(f.get("category", ""), f.get("category")),
                _SEVERITY_ZH.get(f.get("severity", ""), f.get("severity")), f.get("section") or "（开头）",
                f.get("line") or None, f.get("text") or "", f.get("message") or "",
                f.get("fix") or "", f.get("source") or "",
            ])
    _sheet(wb, SHEETS[1], FINDING_COLUMNS, frows, wrap=("引文", "说明", "规范写法", "出处"), max_width=50,
           caps={"部分": 28, "文件": 36})

    prow = [[p["a"], p.get("a_unit"), p["b"], p.get("b_unit"), _pct(p["similarity"]), _pct(p.get("a_from_b")),
             _pct(p.get("b_from_a")), p.get("passages"),
             {"a_from_b": "A疑似抄自B", "b_from_a": "B疑似抄自A"}.get(p.get("direction") or "", "不明")]
            for p in result.pairs]
    _sheet(wb, SHEETS[2], PAIR_COLUMNS, prow, percent=("相似度", "A取自B", "B取自A"))
    if result.skipped:
        _sheet(wb, "未能读取", ("文件", "原因"), [[s["file"], s["reason"]] for s in result.skipped], wrap=("原因",))
    return wb


def xlsx_bytes(result: BatchResult, marks: Mapping[str, tuple[bool, str]] | None = None) -> bytes:
    """The workbook as bytes (for a download button); ``marks`` adds 复核 and 复核意见 columns."""
    buf = BytesIO()
    _workbook(result, marks).save(buf)
    return buf.getvalue()


def write_xlsx(result: BatchResult, path: str | Path) -> Path:
    """Write the workbook to ``path`` (parent folders created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(xlsx_bytes(result))
    return p
