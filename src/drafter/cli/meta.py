"""``drafter meta [FILE] [--unit U] [--year Y] [--title T] [--genre G]``: a report's identity.

Without options it shows what drafter knows of each report (or of FILE): unit,
year, genre and title, and the name every view uses (“单位 · 年度 · 标题”). With
options it corrects FILE's identity, kept in ``<file>.meta.yaml`` beside it (an
upload is named ``uploads/<name>``). Bundled reports are described in
``knowledge/reports/metadata.yaml`` and are not changed here.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..errors import DrafterError, InputError
from ..kb.catalog import GENRES, meta_of, write_meta
from ..kb.indexer import discover
from ..kb.meta import DocMeta, detect_meta, display_name
from ..settings import get_settings

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "meta",
        help="查看或修改报告的单位、年度、标题、文种 (show or correct a report's unit/year/title/genre)",
        description="不带选项：列出知识库中每份报告的单位、年度、文种和标题；带选项：修改 FILE 的这些信息。"
        " (No options: list; with options: correct FILE.)",
    )
    p.add_argument("file", nargs="?", help="报告文件路径，或上传材料名 uploads/<名称> (a path, or uploads/<name>)")
    p.add_argument("--unit", help="单位，如 江源市水务局党组 (unit)")
    p.add_argument("--year", type=int, help="年度，如 2024 (year)")
    p.add_argument("--title", help="标题 (title)")
    p.add_argument("--genre", choices=sorted(GENRES), help="文种 (genre): report=年度报告, speech=会议讲话/通报")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=run)


def _row(source: str, meta: DocMeta) -> dict[str, Any]:
    return {"source": source, "name": display_name(meta), "unit": meta.unit, "year": meta.year,
            "genre": meta.genre, "title": meta.title}


def _resolve(file: str) -> tuple[Path, str]:
    settings = get_settings()
    if file.startswith("uploads/"):
        path = settings.uploads_dir / file.split("/", 1)[1]
    else:
        path = Path(file)
    if not path.is_file():
        raise InputError(f"找不到文件：{file}")
    bundled = settings.knowledge_dir.resolve()
    if bundled in path.resolve().parents:
        raise InputError(f"{file} 是内置材料，其信息在 {bundled / 'reports' / 'metadata.yaml'} 中维护，这里不修改")
    return path, file


def run(args: argparse.Namespace) -> int:
    editing = any(v is not None for v in (args.unit, args.year, args.title, args.genre))
    if args.file is None:
        if editing:
            raise DrafterError("修改信息时请指定报告文件 (give FILE to change)")
        files, _ = discover(get_settings())
        rows = [_row(f.source, meta_of(f.meta, f.source)) for f in files if not f.policy]
    else:
        path, source = _resolve(args.file)
        from ..kb.catalog import sidecar_path
        from ..kb.ingest import read_text

        sidecar = sidecar_path(path)
        if sidecar.is_file():
            import yaml

            current = meta_of(yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}, source)
        else:
            current = detect_meta(read_text(path).text, path.name)
        if editing:
            current = current.with_overrides(unit=args.unit, year=args.year, title=args.title, genre=args.genre)
            write_meta(path, current)
        rows = [_row(source, current)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['name']}\n  文件 {r['source']}；单位 {r['unit'] or '未识别'}；年度 {r['year'] or '未识别'}；"
              f"文种 {GENRES.get(r['genre'], r['genre'])}")
    if editing:
        print("已保存；运行 drafter index 后检索结果也用新名称。 (saved; run drafter index to refresh)")
    return 0
