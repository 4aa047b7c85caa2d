"""``drafter export DRAFT -o OUT.docx|.md|.txt``: the finished report as a file.

The draft is checked first; while the checker reports errors (an unfilled
placeholder such as ``*人``, a missing-fact marker, …) the export is refused with
exit code 1 and the list of errors with their line numbers, unless ``--force``.
``--unit`` and ``--date`` add the signature block (date in Arabic numerals).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..export import FORMATS, Signature, export_bytes, export_file, parse_date
from ..facts.sheet import load_facts
from ..kb.ingest import read_text
from ..text.doctree import parse
from ..text.limits import check_document, check_paragraphs
from .output import check_output, unit_argument, write_output

__all__ = ["blocking_findings", "format_refusal", "register", "run"]

_MAX_LISTED = 50


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "export",
        help="导出为 GB/T 9704 格式的 Word、Markdown 或纯文本 (export .docx/.md/.txt)",
        description="检查通过后导出文稿；有错误时拒绝导出，除非加 --force (export after checking).",
    )
    p.add_argument("draft", type=Path, help="草稿 .txt/.md/.docx (the draft)")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出文件 .docx/.md/.txt (output file)")
    p.add_argument("--date", default=None, help="成文日期 YYYY-MM-DD (date under the signature)")
    p.add_argument("--unit", type=unit_argument, default=None, help="落款单位 (issuing unit for the signature)")
    p.add_argument("--facts", type=Path, default=None, help="数据表 YAML，用于核对数字 (fact sheet)")
    p.add_argument("--genre", default=None, help="文种规范，默认 report (spec to check against)")
    p.add_argument("--force", action="store_true", help="有错误也导出 (export despite errors)")
    p.set_defaults(func=run)


def blocking_findings(text: str, *, facts: Any = None, genre: str | None = None) -> list[Any]:
    """The checker's ``error`` findings: the reasons an export is refused."""
    from ..checks import check_text

    result = check_text(text, facts=facts, genre=genre)
    return [f for f in result.findings if f.severity == "error"]


def format_refusal(errors: list[Any]) -> str:
    """The message printed when an export is refused: one line per error."""
    lines = [f"无法导出：草稿中还有 {len(errors)} 处错误 (cannot export: {len(errors)} errors)"]
    for f in errors[:_MAX_LISTED]:
        where = f"第{f.line}行" if f.line else "全文"
        shown = f"“{f.text}” " if f.text and len(f.text) <= 40 and f.text not in f.message else ""
        lines.append(f"  {where} [{f.category}] {shown}{f.message}")
    if len(errors) > _MAX_LISTED:
        lines.append(f"  ……另有 {len(errors) - _MAX_LISTED} 处")
    lines.append("请改正后重试，或加 --force 强制导出 (fix them, or pass --force)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in FORMATS:
        # checked before the (slower) checker runs; export_file raises the same error
        export_file(parse(""), args.output)
    output = check_output(args.output)  # a missing folder, a folder, a name too long: before any work
    signature = Signature(
        unit=(args.unit or "").strip() or None,
        date=parse_date(args.date) if args.date else None,
    )
    text = check_document(read_text(args.draft).text, str(args.draft), command="export")
    if FORMATS[suffix] == "docx":
        check_paragraphs(text, str(args.draft))  # before the checker runs
    facts = load_facts(args.facts) if args.facts else None
    errors = blocking_findings(text, facts=facts, genre=args.genre)
    if errors and not args.force:
        print(format_refusal(errors), file=sys.stderr)
        return 1
    if errors:
        print(
            f"警告：草稿中还有 {len(errors)} 处错误，已按 --force 导出 (exported despite {len(errors)} errors)",
            file=sys.stderr,
        )
    path = write_output(output, export_bytes(parse(text), FORMATS[suffix], signature=signature))
    print(f"已导出 (exported)：{path}")
    return 0
