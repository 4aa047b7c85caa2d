"""``drafter check FILE [--facts FACTS.yaml] [--against OLD]... [--genre ID] [--json]``.

Exit codes: 0 no error (warnings allowed), 1 the draft has errors, 2 unusable
input (unreadable file, invalid fact sheet, unknown genre) — with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..checks import CATEGORIES, CheckResult, Finding, check_text
from ..errors import DrafterError, IngestError
from ..facts.sheet import load_facts
from ..text.limits import check_document
from ..text.specs import available_genres
from .output import unit_argument

__all__ = ["format_text", "read_input", "register", "run"]

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_CATEGORY_ZH = {
    "placeholder": "占位符", "structure": "结构", "numbering": "编号", "figure": "数字",
    "proofread": "校对", "stale": "旧稿", "policy": "提法",
}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "check",
        help="检查报告草稿 (check a draft)",
        description="检查报告草稿：占位符、结构、编号、数字、校对、旧稿照搬、政策提法。"
        " 退出码 (exit code): 0 无错误, 1 有错误, 2 输入无法使用。",
    )
    p.add_argument("file", help="报告文件 .txt/.md/.docx，“-”表示标准输入 (report file, - for stdin)")
    p.add_argument("--facts", help="数据表 YAML (fact sheet)")
    p.add_argument("--against", action="append", default=[], metavar="OLD",
                   help="往年报告，可重复 (an older report; repeatable)")
    p.add_argument("--genre", help=f"文种 (genre): {', '.join(available_genres())}")
    p.add_argument("--only", help=f"只检查这些类别，逗号分隔 (categories): {','.join(CATEGORIES)}")
    p.add_argument("--json", action="store_true", help="输出 JSON (machine-readable output)")
    p.add_argument("--dup", action="store_true",
                   help="查重：与知识库中所有报告（样例、上传）及 --against 文件比对 (copy check against every report)")
    p.add_argument("--unit", type=unit_argument, help="本报告的单位（查重区分本单位与其他单位；默认从标题识别）")
    p.set_defaults(func=run)


def read_input(path: str) -> str:
    """Text of a report file (.txt/.md/.docx, any common encoding) or stdin (``-``)."""
    if path == "-":  # bytes, so GBK is detected and binary refused like a file's
        from ..kb.ingest import decode_bytes, normalize_text
        from ..text.limits import MAX_FILE_BYTES

        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)  # never more than a file may have
        if len(data) > MAX_FILE_BYTES:
            raise IngestError(
                "标准输入 (stdin)",
                f"超过 {MAX_FILE_BYTES // 1048576} MB，远超一份报告，已停止读取 (more than {MAX_FILE_BYTES // 1048576} MB)",
            )
        if not data.strip():
            raise IngestError("标准输入 (stdin)", "没有读到内容，请用管道或重定向提供报告文本")
        text, _encoding = decode_bytes(data, "标准输入 (stdin)")
        return check_document(normalize_text(text), "标准输入 (stdin)", command="check")
    try:
        from ..kb.ingest import read_text
    except ImportError:  # pragma: no cover - ingest ships with drafter
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise IngestError(path, f"无法读取文件：{err}") from None
    got = read_text(path)
    for note in got.notes:  # e.g. PDF pages without a text layer (they need OCR)
        print(f"注意 (note): {path}：{note}", file=sys.stderr)
    return check_document(got.text, path, command="check")


def format_text(result: CheckResult, name: str = "") -> str:
    """Findings grouped by habit (one entry per code, every place listed), errors first."""
    lines: list[str] = []
    if name:
        lines.append(f"检查 {name}（文种：{result.genre}）")
    groups = result.groups
    number = 0
    for severity in ("error", "warning", "info"):
        these = [g for g in groups if g.severity == severity]
        if not these:
            continue
        n = sum(g.count for g in these)
        lines.append("")
        lines.append(f"{_SEVERITY_ZH[severity]}：{len(these)}类 {n}处")
        for g in these:
            number += 1
            lines.append(f"{number}. [{_CATEGORY_ZH.get(g.category, g.category)}] {g.message}")
            for f in g.findings:
                where = "（全文结构）" if _whole_text(f) else f"【{f.section or '开头'}】"
                snippet = f"「{f.text}」" if f.text.strip() else ""
                detail = "" if g.summarised else f" {f.message}"
                lines.append(f"   第{f.line}行{snippet} {where}{detail}")
    if result.elements:
        lines.append("")
        status_zh = {"present": "有", "missing": "缺", "misordered": "顺序不对", "opening": "在开头段"}

        def status(e: object) -> str:
            st = getattr(e, "status", "")
            if st == "missing" and not getattr(e, "required", True):
                return "未写（可选）"
            return status_zh.get(st, st)

        lines.append("结构：" + "  ".join(f"{e.name}：{status(e)}" for e in result.elements))
    n_err, n_warn = len(result.errors), len(result.warnings)
    lines.append("")
    if not result.findings:
        lines.append("未发现问题 (no findings)。")
    else:
        lines.append(f"共 {len(result.findings)} 处（{len(groups)} 类）：错误 {n_err}，警告 {n_warn}，"
                     f"提示 {len(result.findings) - n_err - n_warn} ({n_err} errors, {n_warn} warnings)。")
    return "\n".join(lines)


def _named(path: str, text: str) -> tuple[str, str]:
    """An older report as “单位 · 年度 · 标题” (detected from its text), never by a stored hash."""
    from ..kb.catalog import name_of
    from ..kb.meta import detect_meta

    meta = detect_meta(text, Path(path).name)
    found = {"unit": meta.unit, "year": meta.year, "title": meta.title}
    return (name_of(found, path) if meta.unit or meta.year else Path(path).name), text


def _whole_text(f: Finding) -> bool:
    return f.code.startswith("structure-missing") or f.code == "structure-salutation"


def run(args: argparse.Namespace) -> int:
    try:
        text = read_input(args.file)
        facts = load_facts(args.facts) if args.facts else None
        against = [_named(p, read_input(p)) for p in args.against]
        if args.genre and args.genre not in available_genres():
            raise DrafterError(f"没有文种“{args.genre}”，可选：{'、'.join(available_genres())}")
        categories = None
        if args.only:
            categories = [c.strip() for c in args.only.split(",") if c.strip()]
            bad = [c for c in categories if c not in CATEGORIES]
            if bad:
                raise DrafterError(f"不认识的检查类别：{'、'.join(bad)}；可选：{'、'.join(CATEGORIES)}")
    except DrafterError as err:
        print(f"错误 (error): {err}", file=sys.stderr)
        return 2
    result = check_text(text, facts=facts, against=against, genre=args.genre, categories=categories)
    dup = _dup(args, text) if getattr(args, "dup", False) else None
    if args.json:
        data = result.to_dict()
        data["file"] = args.file
        if dup is not None:
            data["dup"] = dup.to_dict()
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(format_text(result, args.file))
        if dup is not None:
            from ..checks.dup import format_dup

            print()
            print(format_dup(dup))
    return 1 if result.errors else 0


def _dup(args: argparse.Namespace, text: str):  # type: ignore[no-untyped-def]
    """查重 against the knowledge base and the --against files."""
    from ..checks.dup import check_dup, kb_sources
    from ..settings import get_settings

    skipped: list[tuple[str, str]] = []
    sources = kb_sources(get_settings(), against=args.against, skipped=skipped)
    for path, reason in skipped:
        print(f"查重跳过 {path}：{reason}", file=sys.stderr)
    filename = None if args.file == "-" else args.file
    return check_dup(text, sources, unit=args.unit, filename=filename)
