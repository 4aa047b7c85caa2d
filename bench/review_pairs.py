"""The same pair alone, in 300 and in 1,000 reports (issue 19, item 2): does its score move?

    python bench/review_pairs.py [--seed 19] [--clean 10] [--kb bundled|last-year]

Generates the 300 and the 1,000 batch of ``bench/review_scale.py`` (``tests/review/scalegen.py``,
same seed). Pairs measured: every planted copy of each batch (40–100% of another unit's
narrative) and the clean pairs (two clean reports, nothing planted) that score highest
as a pair. Each pair is reviewed

* alone: the two files, their own last-year reports, the knowledge base;
* in its own batch (``review_batch`` of the whole folder, last year's folder beside it);
* embedded in the other batch: the 300 batch's pairs copied into the 1,000 batch (and the
  1,000 batch's into the 300 batch) under new file names, the host's reports of the same
  units taken out.

Printed per pair: the similarity the 审核表 shows for the pair (``—`` when it is not a
pair there) in each setting, and the largest difference. ``--kb last-year`` puts the 300
batch's last-year reports into the knowledge base (a 组织部 that keeps its archive), the
same knowledge base for every run; ``bundled`` (default) leaves the bundled sample reports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "review"))
import scalegen  # noqa: E402


def _pairs(res) -> dict[frozenset[str], float]:
    return {frozenset((p["a"], p["b"])): float(p["similarity"]) for p in res.pairs}


def _clean_pairs(folder: Path, prev: Path, truth, kb, k: int) -> list[tuple[str, str]]:
    """The clean pairs scoring highest as a pair (among pairs sharing any rare passage)."""
    from drafter.checks.dup import prepare_file
    from drafter.review.batch import _reference_wording
    from drafter.similarity.common import learn, rare_pairs
    from drafter.similarity.pairs import pair_score, standard_view

    clean = {t.file for t in truth if t.clean and not t.donor and not t.kangxi}
    files = sorted(p for p in folder.iterdir() if p.name in clean)
    preps = [prepare_file(p, key=p.name) for p in files]
    pool = [prepare_file(p) for p in sorted(prev.iterdir())]
    wording = learn(preps + pool)
    wording.apply(preps)
    ref = _reference_wording(kb)
    cands = sorted(rare_pairs(preps, wording, min_shared=2))
    scored = []
    for i, j in cands:
        a, b = standard_view(preps[i], ref), standard_view(preps[j], ref)
        ra, rb = pair_score(a, b)
        s = max(ra.matched.get(b.key, 0) / max(1, ra.chars), rb.matched.get(a.key, 0) / max(1, rb.chars))
        scored.append((s, files[i].name, files[j].name))
    scored.sort(reverse=True)
    return [(a, b) for _, a, b in scored[:k]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--clean", type=int, default=10, help="clean pairs per batch")
    ap.add_argument("--kb", choices=["bundled", "last-year"], default="bundled")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="review-pairs-"))
    os.environ["DRAFTER_HOME"] = str(tmp / "home")
    from drafter.checks.dup import kb_sources, prepare_file
    from drafter.review.batch import review_batch
    from drafter.settings import get_settings

    t0 = time.perf_counter()
    sizes = (300, 1000)
    truth = {n: scalegen.make_scale_batch(tmp / f"b{n}", tmp / f"p{n}", n, seed=args.seed) for n in sizes}
    kb = kb_sources(get_settings())
    if args.kb == "last-year":
        kb = kb + [prepare_file(p) for p in sorted((tmp / "p300").iterdir())]
    cache = tmp / "cache"

    def run(folder: Path, prev: Path):
        return review_batch([(p.name, p) for p in sorted(folder.iterdir())], previous=sorted(prev.iterdir()),
                            kb=kb, cache_dir=cache)

    measured: dict[int, list[tuple[str, str, str]]] = {}  # origin → (a, b, kind)
    for n in sizes:
        T = truth[n]
        rows = [(t.file, t.copied_from, f"copy {t.copied_share:.0%}") for t in T if t.copied_from]
        rows += [(a, b, "clean") for a, b in _clean_pairs(tmp / f"b{n}", tmp / f"p{n}", T, kb, args.clean)]
        measured[n] = rows
    native = {n: _pairs(run(tmp / f"b{n}", tmp / f"p{n}")) for n in sizes}
    # embedded: the other batch's measured pairs copied in under new names
    embedded: dict[int, dict[frozenset[str], float]] = {}
    for n, host in ((300, 1000), (1000, 300)):
        T = {t.file: t for t in truth[n]}
        H = truth[host]
        guests = sorted({f for a, b, _ in measured[n] for f in (a, b)})
        units = {T[f].unit for f in guests}
        folder, prev = tmp / f"e{n}in{host}" / "batch", tmp / f"e{n}in{host}" / "prev"
        folder.mkdir(parents=True)
        prev.mkdir()
        for t in H:
            if t.unit not in units:
                shutil.copy(tmp / f"b{host}" / t.file, folder / t.file)
                shutil.copy(tmp / f"p{host}" / t.previous_file, prev / t.previous_file)
        for f in guests:
            shutil.copy(tmp / f"b{n}" / f, folder / f"guest_{f}")
            shutil.copy(tmp / f"p{n}" / T[f].previous_file, prev / f"guest_{T[f].previous_file}")
        got = _pairs(run(folder, prev))
        embedded[n] = {frozenset(x.removeprefix("guest_") for x in k): v for k, v in got.items()
                       if all(x.startswith("guest_") for x in k)}
    print(f"# knowledge base: {args.kb} ({len(kb)} reports); generated and reviewed in "
          f"{time.perf_counter() - t0:.0f} s; load average {os.getloadavg()[0]:.1f}")
    for n in sizes:
        T = {t.file: t for t in truth[n]}
        other = 1000 if n == 300 else 300
        print(f"\n## pairs of the {n} batch: alone / in {n} (own batch) / embedded in {other}")
        print(f"| pair | kind | alone | in {n} | in {other} | max diff |")
        print("|---|---|---|---|---|---|")
        worst = {"copy": 0.0, "clean": 0.0}
        for a, b, kind in measured[n]:
            key = frozenset((a, b))
            alone = _pairs(review_batch(
                [(a, tmp / f"b{n}" / a), (b, tmp / f"b{n}" / b)],
                previous=[tmp / f"p{n}" / T[a].previous_file, tmp / f"p{n}" / T[b].previous_file],
                kb=kb, cache_dir=cache)).get(key)
            vals = [alone, native[n].get(key), embedded[n].get(key)]
            shown = [v if v is not None else 0.0 for v in vals]
            diff = max(shown) - min(shown)
            cls = "clean" if kind == "clean" else "copy"
            worst[cls] = max(worst[cls], diff)
            cells = " | ".join("—" if v is None else f"{v:.4f}" for v in vals)
            print(f"| {a[:12]} ~ {b[:12]} | {kind} | {cells} | {diff:.4f} |")
        print(f"\nlargest difference: planted copies {worst['copy']:.4f}, clean pairs {worst['clean']:.4f} "
              "(a pair not listed counts as 0)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
