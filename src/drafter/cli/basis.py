"""``drafter basis TEXT --facts FACTS.yaml [-o 事实依据表.xlsx] [--json]``.

The 事实依据表 of any text (an edited .docx, an uploaded report, a draft): each
sentence with what it rests on — a figure, a ticked practice, a sheet item, a
canonical formulation or phrase-bank entry — or nothing, and its status
(有依据 / 通用提法 / 参考写法 / 本人修改 / 无依据).

Exit codes: 0 every sentence has a basis, 1 some sentence names something the
sheet lacks (无依据 with a name or number), 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InputError
from ..facts.sheet import load_facts
from .output import check_output, write_output

__all__ = ["format_rows", "register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "basis",
        help="事实依据表：每句话依据什么 (what each sentence rests on)",
        description="逐句列出依据：数据表中的数据、勾选的做法、亮点/问题/打算/整改、规范提法或短语库；"
        "未见于数据表的数字和具名活动标为“无依据”。 退出码 (exit code): 0 都有依据, 1 有无依据的句子, 2 输入无法使用。",
    )
    p.add_argument("file", help="报告文件 .txt/.docx/.wps/.doc/.pdf (report file)")
    p.add_argument("--facts", required=True, help="数据表 YAML (fact sheet)")
    p.add_argument("-o", "--output", help="写入 .xlsx（事实依据表）或 .json (write .xlsx or .json)")
    p.add_argument("--json", action="store_true", help="输出 JSON，每句一个对象 (one JSON object per sentence)")
    p.set_defaults(func=run)


def format_rows(rows: list) -> str:  # type: ignore[type-arg]
    lines = []
    section = None
    for r in rows:
        if r.section != section:
            section = r.section
            lines.append(f"【{section or '开头'}】")
        lines.append(f"  [{r.status}] {r.sentence}")
        lines.append(f"      依据：{r.basis_text()}")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.append("")
    lines.append(f"共 {len(rows)} 句：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ..drafting.basis import BasisMatcher
    from .check import read_input

    output = check_output(args.output) if args.output else None
    if output is not None and output.suffix.lower() not in (".xlsx", ".json"):
        raise InputError("事实依据表请保存为 .xlsx 或 .json (output must end in .xlsx or .json)")
    facts = load_facts(args.facts)
    text = read_input(args.file)
    rows = BasisMatcher(facts).document(text)
    payload = json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"
    if output is not None:
        if output.suffix.lower() == ".xlsx":
            from ..export.package import basis_xlsx_bytes

            write_output(output, basis_xlsx_bytes(rows))
        else:
            write_output(output, payload)
        print(f"已写入 (written)：{output}", file=sys.stderr)
    if args.json:
        sys.stdout.write(payload)
    elif output is None:
        print(format_rows(rows))
    bad = [r for r in rows if r.unsupported]
    if bad:
        print(f"无依据 (unsupported)：{len(bad)} 句写到数据表中没有的内容", file=sys.stderr)
    return 1 if bad else 0

