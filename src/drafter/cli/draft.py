"""``drafter draft FACTS.yaml [-o OUT.txt] [--backend composer|openai] [--json]``.

Writes the report in its native plain-text form (title line, then one line per
heading and paragraph) so ``drafter check`` reads it back unchanged; a summary of
findings goes to stderr. ``--json`` prints sections, provenance and findings.

``drafter draft FACTS.yaml --from DRAFT.txt --section PATH [--instruction TEXT]``
regenerates one section of an existing draft; every other byte stays the same.

``drafter draft --test-connection`` asks the configured model server what it offers.

Exit codes: 0 written, 1 written but some sections failed (they say why; a
section whose answer stopped early keeps its text so far, ending in a
〔待补：…〕 marker), 2 unusable input (invalid fact sheet, unknown section,
server/config error, an ``-o`` path that cannot be written — checked before
drafting).

Each finished section is saved at once under ``$DRAFTER_HOME/drafts/`` (the path is
printed), so Ctrl-C, a kill or an unwritable output loses nothing; the file is
removed once the output is written.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..facts.sheet import load_facts
from ..settings import get_settings
from ..text.limits import check_document, check_sheet
from ..text.redact import redact
from .output import check_output, describe_os_error, write_output

if TYPE_CHECKING:  # the drafting stack loads only when a draft is made (drafter --help stays light)
    from .progress import ProgressFile

__all__ = ["basis_json", "register", "run", "summary"]

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "draft",
        help="根据数据表起草报告 (draft a report from a fact sheet)",
        description="根据数据表和知识库逐部分起草报告；或重写已有草稿中的一个部分。"
        " 退出码 (exit code): 0 成功, 1 有部分生成失败, 2 输入无法使用。",
    )
    p.add_argument("facts", nargs="?", help="数据表 YAML (fact sheet)")
    p.add_argument("-o", "--output", help="写入文件，缺省输出到标准输出 (output file; default stdout)")
    p.add_argument("--backend", choices=("composer", "openai"),
                   help="撰写方式：composer 离线拼写（默认）/ openai 兼容模型服务器 (drafting backend)")
    p.add_argument("--json", action="store_true", help="输出 JSON：各部分、来源和检查结果 (sections, provenance, findings)")
    p.add_argument("--basis", metavar="依据.json",
                   help="另写事实依据表：每句一个 JSON 对象（部分、句子、依据） (per-sentence basis as JSON)")
    p.add_argument("--from", dest="from_file", metavar="DRAFT.txt",
                   help="已有草稿，与 --section 一起使用 (existing draft, with --section)")
    p.add_argument("--section", help="要重写的部分：编号如 practices-2、一级序号如 2、或标题开头 (section to regenerate)")
    p.add_argument("--instruction", help="重写要求，如“更精炼”“突出年轻干部工作” (instruction)")
    p.add_argument("--test-connection", action="store_true",
                   help="测试模型服务器连接 (ask the OpenAI-compatible server what it offers)")
    p.set_defaults(func=run)


def summary(findings: Iterable[Any], failed: Iterable[Any] = ()) -> str:
    """Chinese summary for stderr: failed sections first, then the findings.

    Never says 「未发现问题」 while a section failed: the failures are counted first and
    each names the server's own words where it gave any.
    """
    findings = list(findings)
    failed = list(failed)
    lines: list[str] = []
    if failed:
        lines.append(f"失败 (failed)：{len(failed)} 个部分未写成或未写完")
    for s in failed:
        lines.append(f"  失败 (failed) {s.heading or '开头'}：{s.error}")
    by = {sev: sum(1 for f in findings if f.severity == sev) for sev in _SEVERITY_ZH}
    if findings:
        lines.append(
            f"检查 (check)：{len(findings)} 处（错误 {by['error']}，警告 {by['warning']}，提示 {by['info']}）"
        )
    elif failed:
        lines.append("检查 (check)：已写出的部分未发现其他问题；失败的部分须重新生成")
    else:
        lines.append("检查 (check)：未发现问题")
    for f in findings:
        where = f.section or "开头"
        lines.append(f"  [{_SEVERITY_ZH.get(f.severity, f.severity)}] {where}：{f.message}")
    return "\n".join(lines)


def _write(text: str, output: Path | None) -> None:
    if output is not None:
        write_output(output, text)
    else:
        sys.stdout.write(text)


def run(args: argparse.Namespace) -> int:
    settings = get_settings(backend=args.backend)
    if args.test_connection:
        from ..drafting.llm import test_connection

        print(test_connection(settings.model_copy(update={"backend": "openai"})))
        return 0
    if not args.facts:
        raise InputError("请给出数据表文件 (FACTS.yaml)，例如：drafter draft examples/facts.yaml")
    output = check_output(args.output) if args.output else None  # before any work is done
    basis_out = check_output(args.basis) if getattr(args, "basis", None) else None
    facts = check_sheet(load_facts(args.facts))

    from ..checks.section import check_section
    from ..drafting import DraftEngine
    from ..kb.indexer import ensure_index
    from .index import IndexProgressBar

    with IndexProgressBar() as bar:  # first use: build the index, with progress on stderr
        ensure_index(settings, on_status=bar)
    engine = DraftEngine(settings, section_check=check_section)
    if args.from_file or args.section:
        return _regenerate(args, engine, facts, output)

    outline = engine.outline(facts)
    from .progress import ProgressFile

    progress = ProgressFile(settings.home, outline.title, [s.id for s in outline.sections], outline.salutation)
    print(f"各部分写完即保存 (each finished section is saved to)：{progress.path}", file=sys.stderr)
    on_main = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)} if on_main else {}
    for sig in previous:
        signal.signal(sig, lambda signum, frame: _abort(progress))
    try:
        draft = engine.draft(facts, outline, callbacks=progress)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    text = draft.text()
    if args.json:
        data = draft.to_dict()
        data.pop("history", None)
        data["text"] = text
        payload = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        payload = text
    try:
        _write(payload, output)
    except OSError as err:
        rescue = progress.path.with_suffix(".json" if args.json else ".full.txt")
        write_output(rescue, payload)
        progress.discard()
        raise InputError(
            f"无法写入输出文件：{describe_os_error(err, output)}。全文已保存在 (draft saved to)：{rescue}"
        ) from None
    progress.discard()
    if basis_out is not None:
        write_output(basis_out, basis_json(draft))
        print(f"事实依据表 (basis)：{basis_out}", file=sys.stderr)
    for notice in draft.notices:  # e.g. a highlight written into another part
        print(f"提示 (note)：{notice}", file=sys.stderr)
    print(redact(summary(draft.findings, draft.failed)), file=sys.stderr)
    return 1 if draft.failed else 0


def basis_json(draft: Any) -> str:
    """One JSON object per sentence of the draft: section, sentence, basis (kind, id, label), status."""
    rows = [dict(row, section=row.get("section") or s.heading or "开头")
            for s in draft.sections for row in (s.basis or [])]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _abort(progress: ProgressFile) -> None:
    """Ctrl-C or a kill: say where the finished sections are, and leave at once.

    Sections still streaming run in worker threads that the interpreter (and the
    executor's shutdown) would wait for; everything finished is on disk already.
    """
    print(f"\n已中断 (interrupted)。{type(progress).describe(progress)}", file=sys.stderr)
    sys.stderr.flush()
    os._exit(130)


def _regenerate(args: argparse.Namespace, engine: Any, facts: Any, output: Path | None) -> int:
    from ..drafting.restore import (
        draft_from_text,
        resolve_section,
        section_spans,
        splice,
    )
    from ..text.specs import load_spec

    if not (args.from_file and args.section):
        raise InputError("重写一个部分需要同时给出 --from 草稿文件 和 --section 部分 (both --from and --section)")
    from ..text.limits import MAX_FILE_BYTES

    path = Path(args.from_file)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # bounded: never more than a file may have
        if len(raw) > MAX_FILE_BYTES:
            raise InputError(f"草稿 {path} 超过 {MAX_FILE_BYTES // 1048576} MB，远超一份报告 (draft file too large)")
        original = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"无法读取草稿 {path}：{err}") from None
    spec = load_spec(facts.genre)
    original = check_document(original.replace("\r\n", "\n").replace("\r", "\n"), str(path), command="draft --from")
    draft = draft_from_text(original, spec)
    try:
        target = resolve_section(draft, args.section)
    except KeyError as err:
        raise InputError(str(err.args[0])) from None
    new = engine.regenerate(draft, target.id, facts, instruction=args.instruction)
    spans = section_spans(original, spec)
    block = new.block() if new.heading else new.text
    text = splice(original, spans, target.id, block)
    if args.json:
        data = {"section": new.to_dict(), "text": text}
        _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
    else:
        _write(text, output)
    print(f"已重写 (regenerated)：{new.heading or '开头'}", file=sys.stderr)
    print(summary(new.findings), file=sys.stderr)
    return 0
