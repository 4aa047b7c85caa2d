"""``drafter review DIR_OR_ZIP [--previous DIR] [-o 审核表.xlsx] [--json]``: a batch of reports.

Every report in the folder or .zip is read (unreadable files are listed with the
reason), checked, compared with its own unit's previous report and with the other
units' reports of the batch, and given a status from ``knowledge/review/status.yaml``.

Exit codes: 0 every readable report passes, 1 some need work (需修改/退回), 2 nothing
could be read or the input is unusable — with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import DrafterError, InputError

__all__ = ["format_text", "register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "review",
        help="批量审核各单位报告 (review a batch of reports)",
        description="批量审核：读取文件夹或 .zip 中的全部报告，逐份检查，与本单位上年报告和同批其他单位报告查重，"
        "按规则给出状态（通过/需修改/退回），可导出审核表 .xlsx。"
        " 退出码 (exit code): 0 全部通过, 1 有报告需修改或退回, 2 无法读取任何报告。",
    )
    p.add_argument("path", metavar="DIR_OR_ZIP", help="报告所在文件夹或 .zip (folder or .zip of reports)")
    p.add_argument("--previous", metavar="DIR", help="上年度报告所在文件夹或 .zip，按单位匹配 (last year's reports)")
    p.add_argument("-o", "--output", metavar="审核表.xlsx", help="导出审核表 .xlsx (write the review table)")
    p.add_argument("--json", action="store_true", help="输出 JSON (machine-readable output)")
    p.add_argument("--no-kb", action="store_true", help="不用知识库中的往年报告作上年报告 (ignore the knowledge base)")
    p.add_argument("--feedback", metavar="上年审核表.xlsx",
                   help="上年度审核表：其中的复核意见作为各单位的上年度反馈，未整改的列为问题 (last year's review table)")
    p.add_argument("--rules", metavar="STATUS.yaml", help="状态规则文件，默认 knowledge/review/status.yaml")
    p.set_defaults(func=run)


def _check_output(path: str) -> Path:
    from .output import check_output

    if path != "-" and Path(path).suffix.lower() != ".xlsx":
        raise InputError(f"审核表应保存为 .xlsx 文件：{path}")
    parent = Path(path).expanduser().parent
    if path != "-" and not parent.exists():
        try:  # the 审核表's folder is made, as it always was
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"无法创建文件夹 {parent}：{err.strerror or err}") from None
    return check_output(path)  # a folder, a device … refused before any work


def format_text(result: object) -> str:
    """One line per report, then the similar pairs and the unreadable files."""
    from ..review.batch import BatchResult

    assert isinstance(result, BatchResult)
    lines = [f"共 {len(result.reports)} 份报告（{len(result.skipped)} 个文件未能读取），用时 {result.seconds:.1f} 秒："]
    counts: dict[str, int] = {}
    for r in result.reports:
        counts[r.status] = counts.get(r.status, 0) + 1
        who = f"{r.unit or '单位未识别'} · {r.year or '年度未知'}"
        why = "；".join(r.reasons) if r.reasons else "—"
        lines.append(f"  [{r.status}] {r.file}（{who}）：{why}")
    lines.append("状态：" + "，".join(f"{k} {v} 份" for k, v in counts.items()))
    if result.pairs:
        lines.append("相似报告：")
        for p in result.pairs[:20]:
            lines.append(f"  {p['a']} ↔ {p['b']}：{p['similarity']:.0%}")
    for s in result.skipped:
        lines.append(f"未能读取 {s['file']}：{s['reason']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ..review.batch import review_path
    from ..review.status import load_rules

    try:
        out = _check_output(args.output) if args.output else None
        rules = load_rules(args.rules) if args.rules else load_rules()

        def progress(done: int, total: int, name: str) -> None:
            if not args.json and sys.stderr.isatty() and name:
                print(f"\r审核中 {done + 1}/{total} {name[:40]}", end="", file=sys.stderr, flush=True)

        feedback = None
        if getattr(args, "feedback", None):
            from ..review.feedback import read_feedback_table

            feedback = read_feedback_table(args.feedback)
        result = review_path(args.path, previous=args.previous, use_kb=not args.no_kb, rules=rules,
                             progress=progress, feedback=feedback)
        if out is not None:
            from ..review.xlsx import xlsx_bytes
            from .output import write_output

            try:
                write_output(out, xlsx_bytes(result))  # atomic; a device is never renamed over
            except OSError as err:
                raise InputError(f"无法写入 {out}：{err.strerror or err}") from None
    except DrafterError as err:
        print(f"错误 (error): {err}", file=sys.stderr)
        return 2
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    to_stdout = out is not None and str(out) == "-"  # the table went to stdout: the summary goes to stderr
    report_to = sys.stderr if to_stdout else sys.stdout
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), file=report_to)
    else:
        print(format_text(result), file=report_to)
        if out is not None and not to_stdout:
            print(f"审核表已保存：{out}")
    if not result.reports:
        print("错误 (error): 没有可以读取的报告 (no readable report)", file=sys.stderr)
    return result.exit_code
