"""The review desk at the scale of a 组织部 (issue 19): 300 or 1,000 units' reports.

    python bench/review_scale.py --n 300 [--seed 19] [--pairs 10]
    python bench/review_scale.py --n 1000

Writes a batch with ``tests/review/scalegen.py`` (all six unit types, shared 套话 and
statistics sentences, each unit's last report in a second folder; planted copies of
40–100% of another unit's report, re-dated own reports, problems/plans carried over,
placeholders, missing parts, contradictions — half of them reworded —, Kangxi radicals,
.docx files and junk), then runs the review as ``drafter review batch/ --previous prev/``
does, three times: cold, warm (the content-hash cache), and with every file renamed
in reverse order. Prints per defect recall and precision, false alarms on clean
reports, order independence (largest change of any score between the two orders),
batch-size independence (each planted copy scored with only its source), wall time
and peak memory (max RSS of this process).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "review"))
import scalegen  # noqa: E402


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pr(name: str, tp: int, fp: int, fn: int) -> str:
    rec = tp / (tp + fn) if tp + fn else 1.0
    prec = tp / (tp + fp) if tp + fp else 1.0
    return f"| {name} | {tp}/{tp + fn} = {rec:.2f} | {tp}/{tp + fp} = {prec:.2f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--pairs", type=int, default=10, help="planted copies re-scored alone")
    ap.add_argument("--no-reverse", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="review-scale-"))
    os.environ["DRAFTER_HOME"] = str(tmp / "home")
    from drafter.checks.dup import kb_sources
    from drafter.review.batch import review_batch, review_path
    from drafter.settings import get_settings

    get_settings.cache_clear() if hasattr(get_settings, "cache_clear") else None
    t0 = time.perf_counter()
    truth = scalegen.make_scale_batch(tmp / "batch", tmp / "prev", args.n, seed=args.seed)
    gen_s = time.perf_counter() - t0
    rss_gen = _rss()
    t0, c0 = time.perf_counter(), time.process_time()
    res = review_path(tmp / "batch", previous=tmp / "prev")
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_cold = _rss()
    t0, c0 = time.perf_counter(), time.process_time()
    res_warm = review_path(tmp / "batch", previous=tmp / "prev")
    warm, warm_cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = {r.file: r for r in res.reports}
    assert [r.status for r in res_warm.reports] == [r.status for r in res.reports]

    # --- per defect
    lines = ["| defect | recall | precision |", "|---|---|---|"]
    T = {t.file: t for t in truth}

    def flag(t, r):
        return r is not None and r.status != "通过"

    def pr(name, planted, caught):
        tp = sum(1 for f in rows if planted(T.get(f)) and caught(rows[f]))
        fp = sum(1 for f in rows if not planted(T.get(f)) and caught(rows[f]))
        fn = sum(1 for t in truth if planted(t) and (t.file not in rows or not caught(rows[t.file])))
        lines.append(_pr(name, tp, fp, fn))

    def has(r, code):
        return any(f.get("code") == code for f in r.findings)

    def n_reason(r, word):
        return any(word in x for x in r.reasons)

    pr("copy from another unit or its source (pair shown on both sides, right partner)",
       lambda t: t is not None and bool(t.copied_from or t.donor),
       lambda r: r.similar is not None and r.status != "通过"
       and (T[r.file].copied_from == r.similar["file"] or T[r.file].donor and T[r.similar["file"]].copied_from == r.file
            or not (T[r.file].copied_from or T[r.file].donor)))
    src_right = sum(1 for t in truth if t.copied_from and rows.get(t.file) and rows[t.file].similar
                    and rows[t.file].similar["file"] == t.copied_from)
    pr("own report re-dated (previous_dup ≥ 0.6 → 退回)", lambda t: t is not None and t.reused,
       lambda r: (r.previous_dup or 0) >= 0.595)
    pr("problems/plans carried over (named)", lambda t: t is not None and (t.carried or t.reused),
       lambda r: n_reason(r, "存在问题与上年报告基本相同"))
    pr("placeholders", lambda t: t is not None and t.placeholders, lambda r: r.placeholders > 0)
    pr("missing part (right part named)", lambda t: t is not None and t.missing,
       lambda r: bool(r.missing) and T[r.file].missing in r.missing)
    pr("contradiction (total < parts)", lambda t: t is not None and t.contradiction == "total",
       lambda r: has(r, "numbers-total"))
    pr("contradiction (reworded label)", lambda t: t is not None and t.contradiction == "reworded",
       lambda r: has(r, "numbers-twice"))
    junk = [s["file"] for s in res.skipped]
    clean = [t for t in truth if t.clean and not t.donor]
    clean_fail = [t for t in clean if t.file in rows and rows[t.file].status != "通过"]
    kx = [t for t in truth if t.kangxi]
    kx_ok = [t for t in kx if t.file in rows and rows[t.file].status == "通过" and rows[t.file].unit == t.unit
             and rows[t.file].previous is not None]
    donors = [t for t in truth if t.donor]
    donors_named = [t for t in donors if rows.get(t.file) and rows[t.file].similar]

    # --- order: every file renamed in reverse
    order_diff = 0.0
    order_status = 0
    if not args.no_reverse:
        rev = tmp / "reversed"
        rev.mkdir()
        files = sorted(p.name for p in (tmp / "batch").iterdir())
        rename = {}
        for k, name in enumerate(files):
            new = f"{len(files) - k:04d}_{name.split('_', 1)[-1]}" if name[:4].isdigit() else f"z{k}_{name}"
            rename[name] = new
            shutil.copy(tmp / "batch" / name, rev / new)
        t0 = time.perf_counter()
        res_rev = review_path(rev, previous=tmp / "prev")
        rev_s = time.perf_counter() - t0
        back = {v: k for k, v in rename.items()}
        for r2 in res_rev.reports:
            r1 = rows[back[r2.file]]
            order_status += r1.status != r2.status
            s1 = r1.similar["similarity"] if r1.similar else 0.0
            s2 = r2.similar["similarity"] if r2.similar else 0.0
            order_diff = max(order_diff, abs(s1 - s2), abs((r1.previous_dup or 0) - (r2.previous_dup or 0)))
    # --- batch size: each planted copy with its source alone
    size_diff = []
    for t in [t for t in truth if t.copied_from][: args.pairs]:
        r = rows.get(t.file)
        if r is None:
            continue
        # alone: the two files, their own last-year reports and the same knowledge base
        # (bench/review_pairs.py: every pair alone, in 300 and in 1,000)
        alone = review_batch([(t.file, tmp / "batch" / t.file), (t.copied_from, tmp / "batch" / t.copied_from)],
                             previous=[tmp / "prev" / T[f].previous_file for f in (t.file, t.copied_from)],
                             kb=kb_sources(get_settings()))
        a = alone.report(t.file)
        s_alone = a.similar["similarity"] if a and a.similar else 0.0
        s_batch = r.similar["similarity"] if r.similar else 0.0
        size_diff.append((t.copied_share, s_alone, s_batch))

    print(f"## {args.n} reports (seed {args.seed}): generated in {gen_s:.0f} s")
    print(f"- review, cold: {cold:.1f} s wall, {cold_cpu:.1f} s CPU; warm (content-hash cache): {warm:.1f} s wall, "
          f"{warm_cpu:.1f} s CPU; load average at the end {os.getloadavg()[0]:.1f}"
          + ("" if args.no_reverse else f"; renamed in reverse (cold for the new names): {rev_s:.1f} s"))
    print(f"- peak memory (max RSS): {rss_cold:.0f} MB (after generating: {rss_gen:.0f} MB)")
    print(f"- read {len(rows)}, skipped {len(junk)} (junk planted: {len([1 for _ in junk])})")
    print("\n".join(lines))
    print(f"- right source named for {src_right}/{sum(1 for t in truth if t.copied_from)} copies; "
          f"donors shown the shared passages: {len(donors_named)}/{len(donors)}")
    print(f"- clean reports given 通过: {len(clean) - len(clean_fail)}/{len(clean)}"
          + (f" (not: {[(t.file, rows[t.file].reasons) for t in clean_fail[:5]]})" if clean_fail else ""))
    print(f"- Kangxi-radical reports read right (unit, previous year matched, 通过): {len(kx_ok)}/{len(kx)}")
    print(f"- .docx read: {sum(1 for t in truth if t.fmt == 'docx' and t.file in rows)}/"
          f"{sum(1 for t in truth if t.fmt == 'docx')}")
    if not args.no_reverse:
        print(f"- order: renamed in reverse, statuses changed {order_status}, largest score change {order_diff:.4f}")
    if size_diff:
        worst = max(abs(a - b) for _, a, b in size_diff)
        print(f"- batch size: {len(size_diff)} planted copies scored alone vs in the batch, largest change "
              f"{worst:.4f}: " + ", ".join(f"{sh:.0%}: {a:.2f}/{b:.2f}" for sh, a, b in size_diff))
    from collections import Counter

    from drafter.review.xlsx import _acts

    acts = Counter(f.get("code") for r in res.reports for f in _acts(r.findings))
    print(f"- 审核表: 相似报告 {len(res.pairs)} rows (pairs from the reporting threshold); 问题清单 "
          f"{sum(acts.values())} rows ({', '.join(f'{k} {v}' for k, v in acts.most_common(8))}); "
          f"notes left out (statistics sentences and other info): "
          f"{sum(len(r.findings) for r in res.reports) - sum(acts.values())}")
    bad = [(r.file, r.chars, len(r.text)) for r in res.reports if r.chars < 0.8 * len("".join(r.text.split()))]
    print(f"- 字数 below 80% of the file's non-blank characters: {len(bad)}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
