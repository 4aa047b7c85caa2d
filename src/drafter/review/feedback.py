"""Last year's 审核表 → this year's feedback, and the review desk's feedback findings.

:func:`feedback_from_xlsx` reads the 审核表 the review desk exported (with 复核 columns):
the 复核意见 for a unit become its feedback items for next year's fact sheet
(``feedback:``, :mod:`drafter.facts.feedback`); :func:`feedback_findings` is what the
review desk flags on a report that leaves an item unanswered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from ..facts.feedback import FeedbackItem
from ..similarity.shingles import same_unit

__all__ = ["feedback_for", "feedback_from_xlsx", "policy_cell", "read_feedback_table", "split_opinions"]

_OPINION_SPLIT = re.compile(r"[；;\n]+|(?<=[。])|(?:[一二三四五六七八九十]是|\d+[.、．）)]|[（(]\d+[）)])")


def split_opinions(note: str) -> list[str]:
    """A reviewer's 复核意见 → its items (「一是…；二是…」, numbered lines, sentences)."""
    parts = [p.strip(" ，,。；;：:") for p in _OPINION_SPLIT.split(note or "")]
    return [p for p in parts if len(p) >= 4]


def feedback_from_xlsx(
    path: str | Path | IO[bytes], unit: str | None = None, *, year: int | None = None
) -> dict[str, list[FeedbackItem]]:
    """The 复核意见 of last year's 审核表 as feedback items, per unit (or only ``unit``'s).

    Reads the 审核表 sheet (columns 单位, 年度, 复核意见); unit names compare as the
    review desk compares them (中共 and the 党组/党委 suffix ignored).
    """
    from openpyxl import load_workbook

    wb = load_workbook(Path(path) if isinstance(path, str) else path, read_only=True, data_only=True)
    try:
        ws = wb["审核表"] if "审核表" in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(c or "").strip() for c in next(rows, ())]
        if "单位" not in header or "复核意见" not in header:
            raise ValueError("这不是审核表：缺少“单位”或“复核意见”列（请在审核页导出带复核意见的审核表）")
        iu, inote = header.index("单位"), header.index("复核意见")
        iy = header.index("年度") if "年度" in header else None
        out: dict[str, list[FeedbackItem]] = {}
        for row in rows:
            name = str(row[iu] or "").strip()
            note = str(row[inote] or "").strip()
            if not name or not note or (unit and not same_unit(name, unit)):
                continue
            got_year = row[iy] if iy is not None else None
            label = f"{got_year}年度" if got_year else (f"{year}年度" if year else "上年度")
            source = f"{label}干部选拔任用工作报告审核表复核意见"
            out.setdefault(name, []).extend(FeedbackItem(text=t, source=source) for t in split_opinions(note))
        return out
    finally:
        wb.close()




def read_feedback_table(path: str | Path | IO[bytes], unit: str | None = None) -> dict[str, list[FeedbackItem]]:
    """:func:`feedback_from_xlsx` with every failure as an :class:`~drafter.errors.InputError` in Chinese."""
    from ..errors import InputError

    try:
        return feedback_from_xlsx(path, unit)
    except FileNotFoundError:
        raise InputError(f"找不到上年度审核表 {path} (file not found)") from None
    except ValueError as err:
        raise InputError(f"{_name(path)}：{err}") from None
    except Exception as err:  # noqa: BLE001 — openpyxl raises many kinds for a file that is not .xlsx
        raise InputError(f"{_name(path)}：无法作为 .xlsx 审核表读取（{type(err).__name__}）") from None


def _name(path: str | Path | IO[bytes]) -> str:
    return Path(path).name if isinstance(path, (str, Path)) else str(getattr(path, "name", "审核表"))


def feedback_for(unit: str | None, by_unit: Mapping[str, Sequence[FeedbackItem]]) -> list[FeedbackItem]:
    """The items of ``by_unit`` (from :func:`feedback_from_xlsx`) for ``unit``."""
    if not unit:
        return []
    return [i for name, items in by_unit.items() if same_unit(name, unit) for i in items]


def policy_cell(findings: Sequence[Mapping[str, object]]) -> str:
    """The 审核表's 提法 column: how many 规范提法 findings, and which formulations or rules.

    ``2（四个意识；《推进领导干部能上能下规定》）``; ``—`` when there is none.
    """
    names: list[str] = []
    n = 0
    for f in findings:
        if f.get("category") != "policy":
            continue
        n += 1
        message = str(f.get("message") or "")
        m = re.match(r"“([^”]+)”引用有误", message)
        name = m.group(1) if m else (str(f.get("fix") or "") if f.get("code") == "policy-rule-superseded" else "")
        if not name and str(f.get("code", "")).startswith("feedback-"):
            name = "上年度反馈未整改"
        if not name and str(f.get("code", "")).startswith("policy-stale"):
            name = "会议精神表述过时"
        if name and name not in names:
            names.append(name)
    if not n:
        return "—"
    return f"{n}（{'；'.join(names)}）" if names else str(n)
