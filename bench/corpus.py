"""Generate a knowledge base of many reports from the five bundled samples.

    /work/venv/bin/python bench/corpus.py OUT_DIR [--reports 1000] [--seed 10]

Each generated report starts from one sample (in turn) and varies it so that no
two are the same text: another unit (its name and self-references), another year
(every year in the text shifted with it), the paragraphs under each heading
shuffled, some wording rephrased from a table of interchangeable phrases, figures
changed, and one or two paragraphs borrowed from another sample's matching part.
Writes ``OUT_DIR/reports/gen_NNNN.txt`` and ``OUT_DIR/reports/metadata.yaml``
(title, year, unit, unit_level, genre), plus the bundled policies, so the result is
indexed like the bundled knowledge base (``DRAFTER_KNOWLEDGE_DIR=OUT_DIR``).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "knowledge" / "reports"

UNITS = [
    ("市财政局党组", "我局", "市级"),
    ("县人力资源和社会保障局党组", "我局", "县处级"),
    ("区教育局党委", "我局", "乡科级"),
    ("市发展和改革委员会党组", "我委", "市级"),
    ("县卫生健康局党组", "我局", "乡科级"),
    ("市生态环境局党组", "我局", "县处级"),
    ("区委办公室", "我办", "乡科级"),
    ("市住房和城乡建设局党组", "我局", "县处级"),
    ("县交通运输局党组", "我局", "乡科级"),
    ("市审计局党组", "我局", "县处级"),
    ("市统计局党组", "我局", "乡科级"),
    ("县农业农村局党委", "我局", "乡科级"),
]
#: Interchangeable phrasings (either side may replace the other).
REPHRASE = [
    ("严格执行", "认真落实"),
    ("深入贯彻", "全面贯彻"),
    ("进一步", "持续"),
    ("切实", "扎实"),
    ("坚持", "始终坚持"),
    ("加强", "强化"),
    ("注重", "突出"),
    ("不断", "持续"),
    ("有效", "有力"),
    ("规范", "严格规范"),
    ("全面", "全方位"),
    ("工作实际", "实际情况"),
    ("干部队伍", "干部人才队伍"),
]
_YEAR = re.compile(r"(20[0-3]\d)(?=\s*年)")
_NUMBER = re.compile(r"(?<![\d年月日.（(第])(\d{1,3})(?=\s*(?:人|名|次|个|批|场|条|项))")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _sections(text: str) -> list[list[str]]:
    """Paragraph groups: a heading line starts a new group."""
    groups: list[list[str]] = [[]]
    for line in text.splitlines():
        if not line.strip():
            continue
        if _HEADING.match(line):
            groups.append([line])
        else:
            groups[-1].append(line)
    return [g for g in groups if g]


def vary(text: str, meta: dict[str, object], rng: random.Random, other: str) -> tuple[str, dict[str, object]]:
    """One varied report from a sample's ``text`` and metadata."""
    unit, self_ref, level = rng.choice(UNITS)
    old_unit = str(meta.get("unit") or "局党组")
    base_year = int(meta["year"]) if isinstance(meta.get("year"), int) else 2023
    year = rng.randint(2014, 2025)
    shift = year - base_year
    out = text.replace(old_unit, unit)
    for ref in ("我局", "我委", "我办", "本局"):
        out = out.replace(ref, self_ref)
    out = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), out)
    out = _NUMBER.sub(lambda m: str(max(1, int(m.group(1)) + rng.randint(-3, 9))), out)
    for a, b in REPHRASE:
        src, dst = (a, b) if rng.random() < 0.5 else (b, a)
        out = re.sub(re.escape(src), lambda m, d=dst, s=src: d if rng.random() < 0.4 else s, out)
    groups = _sections(out)
    borrowed = [p for g in _sections(other) for p in g if not _HEADING.match(p) and len(p) > 60]
    for g in groups:
        head, body = (g[:1], g[1:]) if _HEADING.match(g[0]) else ([], g)
        rng.shuffle(body)
        if borrowed and body and rng.random() < 0.25:
            body.insert(rng.randrange(len(body) + 1), rng.choice(borrowed))
        g[:] = head + body
    new_meta = {
        "title": f"{unit}{year}年度干部选拔任用工作报告",
        "year": year,
        "unit": unit,
        "unit_level": level,
        "genre": meta.get("genre", "report"),
    }
    return "\n".join(p for g in groups for p in g) + "\n", new_meta


def generate(out_dir: Path, n: int, seed: int = 10) -> int:
    """Write ``n`` reports under ``out_dir``; returns the characters written."""
    meta_all = yaml.safe_load((SAMPLES / "metadata.yaml").read_text(encoding="utf-8"))
    samples = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.txt"))]
    reports = out_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "knowledge" / "policies", out_dir / "policies", dirs_exist_ok=True)
    if (ROOT / "knowledge" / "terms.txt").is_file():
        shutil.copy(ROOT / "knowledge" / "terms.txt", out_dir / "terms.txt")
    rng = random.Random(seed)
    metadata: dict[str, dict[str, object]] = {}
    chars = 0
    for i in range(n):
        name, text = samples[i % len(samples)]
        other = samples[(i + 1 + rng.randrange(len(samples) - 1)) % len(samples)][1]
        body, meta = vary(text, dict(meta_all.get(name) or {}), rng, other)
        target = f"gen_{i:04d}.txt"
        (reports / target).write_text(body, encoding="utf-8")
        metadata[target] = meta
        chars += len(body)
    (reports / "metadata.yaml").write_text(
        yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    return chars


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=10)
    args = ap.parse_args()
    chars = generate(args.out, args.reports, args.seed)
    print(f"{args.reports} reports, {chars:,} characters → {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
