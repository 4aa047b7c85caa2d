"""``drafter index``: build or update the knowledge index (incremental)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from ..kb.indexer import IndexReport, ProgressCallback, index_knowledge
from ..settings import get_settings

__all__ = ["print_report", "register", "run", "tqdm_progress"]


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
    parser.set_defaults(func=run)


def tqdm_progress(bar: tqdm) -> ProgressCallback:
    """A progress callback driving a tqdm bar (phases reset its total)."""

    def update(done: int, total: int, message: str) -> None:
        if bar.total != total:
            bar.reset(total=total)
        bar.n = done
        bar.set_description_str(message[:40])
        bar.refresh()

    return update


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
    print(
        f"未变 (unchanged): {report.unchanged} 个文件；嵌入 {report.embedded} 段，删除 {report.deleted} 段，"
        f"索引共 {report.total_chunks} 段；用时 {report.seconds:.1f} 秒",
        file=out,
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    with tqdm(total=0, unit="项", leave=False, dynamic_ncols=True) as bar:
        report = index_knowledge(
            settings,
            extra_kb=list(args.kb),
            rebuild=bool(args.rebuild),
            progress=tqdm_progress(bar),
        )
    print_report(report)
    return 0
