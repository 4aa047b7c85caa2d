"""``drafter search QUERY``: search the knowledge base (builds the index on first use)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..kb.types import MODES
from ..settings import get_settings
from .index import IndexProgressBar, print_report

__all__ = ["register", "run"]


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为 1–50 的整数 (an integer 1–50): {value[:20]}") from None
    if not 1 <= n <= 50:
        raise argparse.ArgumentTypeError(f"应为 1–50 的整数 (an integer 1–50): {value[:20]}")
    return n


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "search",
        help="检索知识库 (search the knowledge base)",
        description="在往年报告、政策摘要和上传文件中检索段落；首次使用时自动建立索引。"
        " (Searches past reports, policy digests and uploads; builds the index on first use.)",
    )
    parser.add_argument("query", metavar="QUERY", help="检索内容，如“防止带病提拔”")
    parser.add_argument(
        "-k", type=_count, default=5, help="返回条数 (number of passages), 默认 5，最多 50"
    )
    parser.add_argument("--json", action="store_true", help="输出 JSON (print JSON)")
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="hybrid",
        help="检索方式 (retrieval mode), 默认 hybrid",
    )
    parser.add_argument(
        "--kind", action="append", default=None, help="只检索某类章节，如 problems"
    )
    parser.add_argument(
        "--genre",
        action="append",
        default=None,
        help="只检索某文种：report、speech、policy",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..kb.retrieval import ensure_index, open_retriever
    from ..text.limits import check_query

    query = check_query(args.query).strip()  # before the index or the model is touched
    if not query:
        from ..errors import InputError

        raise InputError("检索词是空的 (empty query)")
    settings = get_settings()
    with IndexProgressBar() as bar:
        built = ensure_index(settings, on_status=bar)
    if built is not None and not args.json:
        print("首次使用，已建立索引 (index built on first use)：", file=sys.stderr)
        print_report(built, file=sys.stderr)
    retriever = open_retriever(settings)
    passages = retriever.search(
        query, k=args.k, mode=args.mode, kinds=args.kind, genres=args.genre
    )
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
        return 0
    if not passages:
        print("没有找到相关段落 (no passages found)")
        return 0
    from ..kb.indexer import discover

    names = {f.source: f.display_name for f in discover(settings)[0] if not f.policy}
    for n, p in enumerate(passages, 1):
        # a report as “单位 · 年度 · 标题”, a policy digest by its file
        where = " > ".join(x for x in (names.get(p.source, p.source), p.heading) if x)
        print(f"[{n}] {p.score:.3f}  {where}")
        print(f"    {p.text}")
        if p.citation:
            print(f"    出处：{p.citation}")
    return 0
