"""``drafter package DRAFT --facts FACTS.yaml -o 送审包.zip [--date D] [--unit U]``.

Builds the 送审包 the reviewer receives: the GB/T 9704 .docx, the 事实依据表
(.xlsx), the check results and the fact sheet (see :mod:`drafter.export.package`).
``drafter review`` and the 审核 tab accept it as one unit's submission.

Exit codes: 0 written, 2 unusable input.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import InputError
from ..facts.sheet import load_facts
from ..text.limits import check_document
from .output import check_output, write_output

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "package",
        help="生成送审包：Word 文稿、事实依据表、检查结果、数据表 (build the review package)",
        description="把报告、事实依据表（.xlsx）、检查结果和数据表打包为一个 .zip，交审核人员。"
        " 退出码 (exit code): 0 已生成, 2 输入无法使用。",
    )
    p.add_argument("draft", help="草稿 .txt/.docx (the draft)")
    p.add_argument("--facts", required=True, help="数据表 YAML (fact sheet)")
    p.add_argument("-o", "--output", required=True, help="送审包 .zip (output)")
    p.add_argument("--date", default=None, help="成文日期 YYYY-MM-DD")
    p.add_argument("--unit", default=None, help="落款单位 (issuing unit)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..checks import check_text
    from ..export.common import Signature, parse_date
    from ..export.package import build_package
    from .check import read_input

    output = check_output(args.output)
    if output.suffix.lower() != ".zip":
        raise InputError("送审包请保存为 .zip (output must end in .zip)")
    facts = load_facts(args.facts)
    text = check_document(read_input(args.draft), args.draft, command="package")
    signature = Signature(unit=(args.unit or "").strip() or None,
                          date=parse_date(args.date) if args.date else facts.date)
    result = check_text(text, facts=facts)
    data = build_package(text, facts, signature=signature, check=result)
    write_output(output, data)
    print(f"已生成送审包 (package written)：{output}")
    if result.errors:
        print(f"注意：草稿中还有 {len(result.errors)} 处错误，已写入检查结果 (errors listed in the package)",
              file=sys.stderr)
    return 0
