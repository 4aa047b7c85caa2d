"""``drafter feedback 上年审核表.xlsx --facts SHEET.yaml [--unit U] [-o OUT.yaml]``.

Last year's 审核表 (exported by the review desk with 复核 columns) → this year's fact
sheet: the reviewer's 复核意见 for the sheet's unit become its ``feedback:`` items
(items already on the sheet are kept, the same text is not added twice). The sheet is
written back (or to ``-o``); the draft's 整改 part then answers each item, and
``drafter check --facts`` flags an item left unanswered.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import DrafterError, InputError

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "feedback",
        help="把上年度审核表的复核意见导入数据表的上年度反馈 (import last year's review notes into a fact sheet)",
        description="读取上年度审核表（审核页导出、带“复核意见”列），把本单位的复核意见逐条写入数据表的 feedback。"
        " (Reads last year's review table; the unit's 复核意见 become the sheet's feedback items.)",
    )
    p.add_argument("table", metavar="上年审核表.xlsx", help="上年度审核表 .xlsx (last year's review table)")
    p.add_argument("--facts", required=True, help="本年度数据表 YAML (this year's fact sheet)")
    p.add_argument("--unit", help="审核表中的单位名称，默认取数据表的单位 (unit name in the table)")
    p.add_argument("-o", "--output", help="写入的文件，默认覆盖 --facts (output file)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..facts.feedback import merge_feedback
    from ..facts.sheet import load_facts
    from ..review.feedback import read_feedback_table
    from .output import check_output, write_output

    try:
        sheet = load_facts(args.facts)
        out = check_output(args.output or args.facts)
        unit = args.unit or sheet.unit
        found = read_feedback_table(args.table, unit)
        items = [i for group in found.values() for i in group]
        if not items:
            raise InputError(f"审核表中没有“{unit}”的复核意见 (no review notes for this unit)")
        before = len(sheet.feedback)
        sheet.feedback = merge_feedback(sheet.feedback, items)
        write_output(out, sheet.to_yaml())
    except DrafterError as err:
        print(f"错误 (error): {err}", file=sys.stderr)
        return 2
    added = len(sheet.feedback) - before
    print(f"已导入上年度反馈{added}条（共{len(sheet.feedback)}条）到 {out} (imported {added} item(s))")
    for n, item in enumerate(sheet.feedback, start=1):
        print(f"  {n}. {item.text}（{item.source}）")
    return 0
