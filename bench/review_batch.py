"""审核台 and 查重 benchmarks: a generated 300-report batch, and one report against 1,000.

    python bench/review_batch.py batch [--n 300] [--busy]     # drafter review on a batch
    python bench/review_batch.py dup [--corpus 1000] [--busy] # 查重: one report against 1,000
    python bench/review_batch.py planted [--seeds 20]         # 查重 recall/precision on planted copies
    python bench/review_batch.py pairs [--n 300]              # LSH candidates vs scoring all pairs

``batch`` writes a batch with ``tests/review/batchgen.py`` (units, years, planted
placeholders, missing parts, contradictory totals, a section copied from another unit,
last year's text reused; the truth in ``batch.truth.json``), runs the whole review as
``drafter review`` does (ingest, check, previous-report 查重, MinHash LSH pairs, status)
and reports wall time, peak memory (max RSS of this process), and recall/precision per
planted defect kind. ``--busy`` runs another process spinning on one core meanwhile.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "review"))
import batchgen  # noqa: E402

from drafter.review.status import load_rules  # noqa: E402


def _spin() -> None:  # pragma: no cover - a busy core
    while True:
        pass


def _busy(on: bool) -> multiprocessing.Process | None:
    if not on:
        return None
    p = multiprocessing.Process(target=_spin, daemon=True)
    p.start()
    return p


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pr(tp: int, fp: int, fn: int) -> str:
    rec = tp / (tp + fn) if tp + fn else 1.0
    prec = tp / (tp + fp) if tp + fp else 1.0
    return f"recall {rec:.3f} ({tp}/{tp + fn}), precision {prec:.3f} ({tp}/{tp + fp})"


def bench_batch(n: int, busy: bool, seed: int) -> None:
    from drafter.review.batch import review_path

    rules = load_rules()
    prev_t = next(r.value for r in rules.rules if r.metric == "previous_dup" and r.status == "需修改")
    sim_t = next(r.value for r in rules.rules if r.metric == "similar" and r.status == "需修改")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        truth = batchgen.make_batch(root / "batch", n, seed=seed, previous_dir=root / "prev")
        gen = time.perf_counter() - t0
        chars = sum(len((root / "batch" / t.file).read_text(encoding="utf-8")) for t in truth)
        spinner = _busy(busy)
        rss0 = _maxrss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        result = review_path(root / "batch", previous=root / "prev")
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if spinner:
            spinner.terminate()
    rows = {r.file: r for r in result.reports}
    print(f"batch: {len(truth)} reports ({chars / len(truth):.0f} characters each on average), "
          f"generated in {gen:.1f} s; {len(result.skipped)} skipped")
    print(f"review wall time {wall:.1f} s ({wall / len(truth) * 1000:.0f} ms per report; CPU time {cpu:.1f} s), "
          f"peak RSS {_maxrss_mb():.0f} MB (before the review {rss0:.0f} MB)"
          + (", another process spinning on one core" if busy else ""))

    def kind(name: str, truth_of, pred_of) -> None:
        tp = fp = fn = 0
        for t in truth:
            r = rows[t.file]
            a, b = bool(truth_of(t)), bool(pred_of(r))
            tp += a and b
            fp += b and not a
            fn += a and not b
        planted = sum(1 for t in truth if truth_of(t))
        print(f"- {name} (planted in {planted}): {_pr(tp, fp, fn)}")

    kind("placeholders", lambda t: t.placeholders, lambda r: r.placeholders)
    kind("missing 存在问题", lambda t: t.missing, lambda r: "problems" in r.missing)
    kind("total smaller than its parts", lambda t: t.contradiction,
         lambda r: any(f["code"] == "numbers-total" for f in r.findings))
    kind(f"last year's text reused (重复率 ≥ {prev_t:.0%})", lambda t: t.reused_previous,
         lambda r: (r.previous_dup or 0) >= prev_t)
    planted = {frozenset((t.file, t.copied_from)) for t in truth if t.copied_from}
    found = {frozenset((p["a"], p["b"])) for p in result.pairs if p["similarity"] >= sim_t}
    spurious = found - planted
    print(f"- copied section from another unit: {len(planted & found)}/{len(planted)} planted pairs found; "
          f"{len(spurious)} spurious of {len(found)} reported (similarity ≥ {sim_t:.0%}) = "
          f"{len(spurious) / max(1, len(found)):.1%}")
    donors = {t.copied_from for t in truth if t.copied_from}
    kind("status 需修改/退回 for a report with any planted defect",
         lambda t: t.placeholders or t.missing or t.contradiction or t.reused_previous or t.copied_from
         or t.file in donors, lambda r: r.status != "通过")
    counts: dict[str, int] = {}
    for r in result.reports:
        counts[r.status] = counts.get(r.status, 0) + 1
    print("statuses: " + json.dumps(counts, ensure_ascii=False))


def _corpus(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    batchgen.FRESH = False  # speed: the corpus need not avoid the samples' runs
    out = []
    for i in range(n):
        parts = batchgen._report(f"第{i}测试单位党组", 2020 + i % 5, rng)
        out.append(batchgen._join(parts) + batchgen.paragraph(rng, 12) + "\n")
    batchgen.FRESH = True
    return out


def bench_dup(n: int, busy: bool, seed: int) -> None:
    from drafter.checks.dup import check_dup, source_from_text
    from drafter.similarity.copies import SourceIndex

    t0 = time.perf_counter()
    texts = _corpus(n, seed)
    gen = time.perf_counter() - t0
    samples = sorted(batchgen.SAMPLES.glob("*.txt"))
    spinner = _busy(busy)
    t0 = time.perf_counter()
    sources = [source_from_text(t, filename=f"corpus/{i}.txt") for i, t in enumerate(texts)]
    sources += [source_from_text(p.read_text(encoding="utf-8"), filename=str(p)) for p in samples]
    prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = SourceIndex(sources)
    build = time.perf_counter() - t0
    text, planted = batchgen.plant_copies(seed)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        result = check_dup(text, index, unit="某局党组")
        times.append(time.perf_counter() - t0)
    if spinner:
        spinner.terminate()
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"corpus: {n} generated reports ({chars:.0f} characters each) + the 5 samples, generated in {gen:.1f} s"
          + ("; another process spinning on one core" if busy else ""))
    print(f"prepare every source (clauses, shingles): {prep:.1f} s; build the index: {build:.2f} s "
          f"({len(index.h):,} shingles)")
    times.sort()
    print(f"check one report ({len(text)} characters) against {len(sources)}: median {times[2] * 1000:.0f} ms "
          f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}, n=5); "
          f"{len(result.spans)} copied spans, 重复率 {result.rate:.1%}")
    copies = [p for p in planted if p.kind != "canonical"]
    hits = sum(1 for p in copies if any(s.start < p.end and s.end > p.start for s in result.spans))
    canon = sum(1 for p in planted if p.kind == "canonical"
                and any(s.start < p.end and s.end > p.start for s in result.spans))
    print(f"planted copies found: {hits}/{len(copies)}; canonical formulations reported: {canon}/"
          f"{len(planted) - len(copies)}")
    print(f"peak RSS {_maxrss_mb():.0f} MB")
    # the knowledge base as `drafter check --dup` reads it: cold, then from the on-disk cache
    from drafter.checks.dup import kb_sources
    from drafter.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "kb"
        (kb / "reports").mkdir(parents=True)
        for i, t in enumerate(texts):
            (kb / "reports" / f"{i:04d}.txt").write_text(t, encoding="utf-8")
        settings = Settings(home=Path(tmp) / "home", knowledge_dir=kb)
        for label in ("cold (prepare and write the cache)", "warm (read the cache)"):
            t0 = time.perf_counter()
            got = kb_sources(settings)
            print(f"kb_sources {label}: {time.perf_counter() - t0:.1f} s for {len(got)} reports")


def bench_planted(seeds: int) -> None:
    from drafter.checks.dup import check_dup, source_from_text

    sources = [source_from_text(p.read_text(encoding="utf-8"), filename=str(p))
               for p in sorted(batchgen.SAMPLES.glob("*.txt"))]
    found: dict[str, list[bool]] = {}
    spans = spurious = canon_hits = 0
    for seed in range(seeds):
        text, planted = batchgen.plant_copies(seed)
        result = check_dup(text, sources, unit="某局党组")
        copies = [p for p in planted if p.kind != "canonical"]
        for p in planted:
            hit = any(s.start < p.end and s.end > p.start for s in result.spans)
            if p.kind == "canonical":
                canon_hits += hit
            else:
                found.setdefault(p.kind, []).append(hit)
        spans += len(result.spans)
        spurious += sum(1 for s in result.spans if not any(s.start < p.end and s.end > p.start for p in copies))
    print(f"planted into {seeds} fresh texts (5 of each kind per text), against the 5 sample reports:")
    for kind, hits in found.items():
        print(f"- {kind}: recall {sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})")
    print(f"- precision of reported spans: {(spans - spurious) / max(1, spans):.3f} ({spans - spurious}/{spans})")
    print(f"- canonical formulations reported as copied: {canon_hits} of {4 * seeds}")


def bench_pairs(n: int, seed: int) -> None:
    """MinHash LSH candidates against scoring every report against all the others."""
    from drafter.checks.dup import source_from_text
    from drafter.similarity.copies import SourceIndex, find_copies
    from drafter.similarity.pairs import candidate_pairs, similar_pairs

    with tempfile.TemporaryDirectory() as tmp:
        truth = batchgen.make_batch(Path(tmp) / "b", n, seed=seed)
        preps = [source_from_text((Path(tmp) / "b" / t.file).read_text(encoding="utf-8"), filename=t.file,
                                  key=t.file) for t in truth]
    import datasketch  # noqa: F401  (import time is not the algorithm's)

    c0 = time.process_time()
    cands = candidate_pairs(preps)
    c1 = time.process_time()
    pairs = similar_pairs(preps)
    c2 = time.process_time()
    index = SourceIndex(preps)
    found = 0
    for p in preps:
        r = find_copies(p, index)
        found += sum(1 for v in r.matched.values() if r.chars and v / r.chars >= 0.05)
    c3 = time.process_time()
    print(f"{n} reports: rare shared passages proposed {len(cands)} of {n * (n - 1) // 2} pairs in {c1 - c0:.1f} s CPU; "
          f"candidates + exact scoring {c2 - c1:.1f} s CPU → {len(pairs)} pairs")
    print(f"every report against all the others through one index: {c3 - c2:.1f} s CPU "
          f"({found} directed pairs ≥ 5%)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("batch")
    b.add_argument("--n", type=int, default=300)
    b.add_argument("--seed", type=int, default=12)
    b.add_argument("--busy", action="store_true")
    d = sub.add_parser("dup")
    d.add_argument("--corpus", type=int, default=1000)
    d.add_argument("--seed", type=int, default=3)
    d.add_argument("--busy", action="store_true")
    q = sub.add_parser("pairs")
    q.add_argument("--n", type=int, default=300)
    q.add_argument("--seed", type=int, default=12)
    p = sub.add_parser("planted")
    p.add_argument("--seeds", type=int, default=20)
    args = ap.parse_args()
    if args.cmd == "batch":
        bench_batch(args.n, args.busy, args.seed)
    elif args.cmd == "pairs":
        bench_pairs(args.n, args.seed)
    elif args.cmd == "dup":
        bench_dup(args.corpus, args.busy, args.seed)
    else:
        bench_planted(args.seeds)


if __name__ == "__main__":
    main()
