"""Issue 24: the 规范提法 check on the bundled sample reports and on long texts.

    python bench/formulations.py [--repeat 5]

Prints, per sample report, the policy findings (new ones are those not from the older
好干部标准 / 凡提四必 checks) and the time of the whole policy category; then the time on
synthetic reports of 10,000 / 30,000 / 100,000 characters made of the samples' paragraphs
(with every library entry's wrong variants sprinkled in, and all found).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from drafter.checks import check_text
from drafter.facts.formulations import bundled_library
from drafter.facts.sheet import FactSheet

ROOT = Path(__file__).resolve().parents[1]
OLD_CODES = {"policy-good-cadre", "policy-fanti-sibi"}


def _time(text: str, repeat: int, facts: FactSheet | None = None) -> tuple[float, list]:  # type: ignore[type-arg]
    times, found = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = check_text(text, facts=facts, categories={"policy"}).findings
        times.append(time.perf_counter() - t0)
    return statistics.median(times), found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    check_text("预热。", categories={"policy"})
    samples = sorted((ROOT / "knowledge" / "reports").glob("*.txt"))
    print("| sample | chars | policy findings | new (issue 24) | median ms |")
    print("|---|---:|---:|---:|---:|")
    texts = []
    for path in samples:
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        ms, found = _time(text, args.repeat)
        new = [f for f in found if f.code not in OLD_CODES]
        print(f"| {path.name[:3]} | {len(text):,} | {len(found)} | {len(new)} | {ms * 1000:.1f} |")
        for f in found:
            print(f"|  | | {f.code} | 「{f.text}」 | line {f.line} |")
    lib = bundled_library()
    variants = [v.text for f in lib.formulations for v in f.wrong]
    facts = FactSheet(unit="测试局", org="局党组", year=2025)
    print()
    print("| synthetic chars | variants planted | found | median ms |")
    print("|---:|---:|---:|---:|")
    paragraphs = [p for t in texts for p in t.split("\n") if len(p) > 30]
    for size in (10_000, 30_000, 100_000):
        parts: list[str] = []
        lines: set[int] = set()
        n = i = 0
        while sum(map(len, parts)) < size:
            parts.append(paragraphs[i % len(paragraphs)])
            if i % 3 == 0:
                parts.append(f"我局认真贯彻，{variants[n % len(variants)]}，推动落实。")
                lines.add(len(parts))  # 1-based line of the planted sentence
                n += 1
            i += 1
        text = "\n".join(parts)
        ms, found = _time(text, args.repeat, facts)
        hit = {f.line for f in found if f.line in lines}
        elsewhere = sum(1 for f in found if f.line not in lines)
        print(f"| {len(text):,} | {n} | {len(hit)} (+{elsewhere} in the sample paragraphs) | {ms * 1000:.1f} |")


if __name__ == "__main__":
    main()
