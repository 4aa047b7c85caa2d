"""``drafter index``: build or update the knowledge index (incremental)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from ..kb.indexer import IndexReport, IndexStatus, format_seconds, index_knowledge
from ..settings import get_settings

__all__ = ["IndexProgressBar", "print_report", "register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "index",
        help="建立/更新知识库索引 (build or update the knowledge index)",
        description="索引内置知识库、--kb 指定的目录和上传目录；只嵌入新增或修改的段落。"
        " (Indexes the bundled knowledge base, extra --kb dirs and uploads; embeds only new or changed chunks.)",
    )
    parser.add_argument(
        "--kb",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="额外的知识库目录，可重复；会被记住 (extra knowledge dir, repeatable, remembered)",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="清空后重建索引 (drop and rebuild the index)",
    )
    parser.epilog = (
        "中断后再次运行会从已提交的部分继续 (an interrupted run resumes from what was committed)."
    )
    parser.set_defaults(func=run)


class IndexProgressBar:
    """A tqdm bar on stderr following an index build: files checked, then chunks
    embedded with the files done and an estimate of the time left
    (from the throughput measured so far; before that, the last run's)."""

    def __init__(self, file: TextIO | None = None) -> None:
        out = file or sys.stderr
        self._plain = not (hasattr(out, "isatty") and out.isatty())  # a log file or a pipe: plain lines
        self._out = out
        self._said = -1
        self._bar = tqdm(
            total=0,
            disable=self._plain,
            delay=0.5,  # an index that is already up to date shows nothing
            unit="项",
            leave=False,
            dynamic_ncols=True,
            file=out,
            bar_format="{desc} |{bar}| {n_fmt}/{total_fmt} {postfix}",
        )
        self._phase = ""

    def __call__(self, status: IndexStatus) -> None:
        if self._plain:
            self._line(status)
            return
        bar = self._bar
        if status.phase != self._phase:
            self._phase = status.phase
            bar.reset(total=status.files_total if status.phase == "scan" else status.chunks_total)
        if status.phase == "scan":
            bar.set_description_str("检查文件 (scanning)", refresh=False)
            bar.n = status.files_done
            bar.set_postfix_str(status.current[-40:], refresh=False)
        elif status.phase == "embed":
            bar.set_description_str("嵌入段落 (embedding)", refresh=False)
            bar.n = status.chunks_done
            eta = (
                f" · 约剩 {format_seconds(status.eta_seconds)} (ETA)"
                if status.eta_seconds is not None
                else ""
            )
            bar.set_postfix_str(
                f"文件 {status.files_done}/{status.files_total} (files){eta}", refresh=False
            )
        bar.refresh()

    def _line(self, status: IndexStatus) -> None:
        """Without a terminal: one line as embedding starts and at each tenth done."""
        if status.phase != "embed" or not status.chunks_total:
            return
        tenth = status.chunks_done * 10 // status.chunks_total
        if tenth == self._said:
            return
        self._said = tenth
        eta = f"，约剩 {format_seconds(status.eta_seconds)} (ETA)" if status.eta_seconds is not None else ""
        print(
            f"嵌入段落 (embedding) {status.chunks_done}/{status.chunks_total}，"
            f"文件 {status.files_done}/{status.files_total} (files){eta}",
            file=self._out,
            flush=True,
        )

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> IndexProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def print_report(report: IndexReport, file: TextIO | None = None) -> None:
    """Print what an indexing run did, one line per file."""
    out = file or sys.stdout
    for label, items in (
        ("新增 (added)", report.added),
        ("修改 (changed)", report.changed),
        ("删除 (removed)", report.removed),
    ):
        print(f"{label}: {len(items)}", file=out)
        for source in items:
            print(f"  {source}", file=out)
    print(f"跳过 (skipped): {len(report.skipped)}", file=out)
    for path, reason in report.skipped:
        print(f"  {path}：{reason}", file=out)
    if report.notes:  # indexed, but not all of it could be read
        print(f"部分未读出 (partly read): {len(report.notes)}", file=out)
        for source, note in report.notes:
            print(f"  {source}：{note}", file=out)
    print(
        f"未变 (unchanged): {report.unchanged} 个文件；嵌入 {report.embedded} 段，删除 {report.deleted} 段，"
        f"索引共 {report.total_chunks} 段；用时 {report.seconds:.1f} 秒",
        file=out,
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    with IndexProgressBar() as bar:
        report = index_knowledge(
            settings,
            extra_kb=list(args.kb),
            rebuild=bool(args.rebuild),
            on_status=bar,
        )
    print_report(report)
    return 0
