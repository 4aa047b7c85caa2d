"""``drafter compare OLD NEW [--json]``: section-by-section comparison of two files.

Text output lists every aligned section with its status and, for changed ones, the
changes inline: ``【-删去的字】【+新增的字】`` with a little unchanged text around
each change. ``--json`` prints :meth:`drafter.review.compare.Comparison.to_dict` (one section a line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..kb.ingest import read_text
from ..review.compare import Comparison, SectionDiff, compare_texts, inline_diff
from ..text.limits import MAX_COMPARE_CHARS, check_document

__all__ = ["format_comparison", "register", "run"]

_STATUS = {
    "same": "未改动 same",
    "changed": "有改动 changed",
    "added": "新增 added",
    "removed": "删除 removed",
}
_PREVIEW = 80


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "compare",
        help="逐节对照两稿 (compare two drafts section by section)",
        description="按章节对齐两份文稿（旧稿、新稿），逐字标出增删 (align sections, diff inside).",
    )
    p.add_argument("old", type=Path, help="旧稿 .txt/.md/.docx (older version)")
    p.add_argument("new", type=Path, help="新稿 .txt/.md/.docx (newer version)")
    p.add_argument("--json", action="store_true", help="输出 JSON (print JSON)")
    p.add_argument("--genre", default=None, help="文种规范，默认 report (spec used to pair sections)")
    p.add_argument("--chars", action="store_true", help="逐字而非逐词比较 (character-level diff)")
    p.add_argument("--context", type=int, default=20, help="改动前后保留的字数 (context characters)")
    p.set_defaults(func=run)


def _heading(s: SectionDiff) -> str:
    if s.old is not None and s.new is not None and s.old != s.new:
        return f"{s.old} → {s.new}"
    return s.new if s.new is not None else (s.old or "")


def _preview(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= _PREVIEW else text[:_PREVIEW] + "……"


def format_comparison(result: Comparison, *, context: int = 20) -> str:
    """The human-readable report printed by ``drafter compare``."""
    counts = result.counts()
    lines = [
        (
            f"相似度 (similarity)：{result.similarity:.1%}；"
            f"未改动 {counts['same']}，有改动 {counts['changed']}，"
            f"新增 {counts['added']}，删除 {counts['removed']}"
        )
    ]
    for s in result.sections:
        line = f"[{_STATUS[s.status]}] {_heading(s)}"
        if s.status == "changed":
            line += f"（相似度 {s.similarity:.1%}）"
        lines.append(line)
        if s.status == "changed":
            lines.append("    " + inline_diff(s.diff, context=context).replace("\n", "\n    "))
        elif s.status == "added":
            lines.append("    【+" + _preview(s.new_text) + "】")
        elif s.status == "removed":
            lines.append("    【-" + _preview(s.old_text) + "】")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    old_text = check_document(read_text(args.old).text, str(args.old), limit=MAX_COMPARE_CHARS, command="compare")
    new_text = check_document(read_text(args.new).text, str(args.new), limit=MAX_COMPARE_CHARS, command="compare")
    result = compare_texts(
        old_text, new_text, genre=args.genre, granularity="char" if args.chars else "word"
    )
    if args.json:
        result.write_json(sys.stdout)
    else:
        print(format_comparison(result, context=max(0, args.context)))
    return 0
