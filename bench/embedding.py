"""Embedding engine under load: query latency and passage throughput per setting.

    /work/venv/bin/python bench/embedding.py [--queries 30] [--skip-busy]

Each setting runs in a fresh subprocess (the OpenMP runtime reads its options once,
when the engine loads) through ``drafter.kb.embedding`` with ``DRAFTER_EMBED_*``
variables, so what is measured is what drafter does:

- query latency p50/p95 over distinct texts (the query cache is bypassed);
- passage throughput (characters/s) per batch size, on chunks of the bundled reports.

Everything runs twice: on the machine as it is ("idle"), and with one core kept busy
by another process (``python -c 'while True: pass'``). The chosen defaults are the
Settings' (``embed_query_threads``, ``embed_passage_threads``, ``embed_wait_policy``,
``embed_batch``); the last lines compare them with the best measured setting.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time
from pathlib import Path
from drafter.kb import embedding
from drafter.kb.chunking import chunk_document
from drafter.kb.ingest import read_text
from drafter.settings import BUNDLED_KB

n_queries, batches = int(sys.argv[1]), [int(b) for b in sys.argv[2].split(",")]
embedding.get_model()
base = ["防止带病提拔 凡提四必", "年轻干部培养选拔", "干部选拔任用工作存在问题", "一报告两评议 民主评议",
        "从严监督管理干部", "推进干部能上能下", "考察识别干部", "加强干部队伍建设"]
embedding.query("预热")
lat = []
for i in range(n_queries):
    embedding.clear_query_cache()
    t = time.perf_counter(); embedding.query(f"{base[i % len(base)]} {i}"); lat.append(time.perf_counter() - t)
lat.sort()
texts = []
for p in sorted((BUNDLED_KB / "reports").glob("*.txt")):
    texts += [c.embed_text() for c in chunk_document(read_text(p).text, source=p.name)]
texts = texts[:32]
chars = sum(len(t) for t in texts)
thr = {}
for b in batches:
    t = time.perf_counter()
    embedding.passage(texts, batch=b)
    thr[b] = chars / (time.perf_counter() - t)
print(json.dumps({"p50": lat[len(lat) // 2], "p95": lat[min(len(lat) - 1, int(len(lat) * 0.95))],
                  "throughput": thr, "texts": len(texts), "chars": chars}))
"""

SETTINGS = [
    ("active", 2, "engine default (2 spinning threads)"),
    ("active", 1, "1 thread, spinning"),
    ("passive", 1, "1 thread, passive"),
    ("passive", 2, "2 threads, passive"),
]
BATCHES = [1, 8, 32]


def run(policy: str, threads: int, n_queries: int) -> dict[str, object]:
    env = dict(os.environ)
    env.update(
        DRAFTER_EMBED_WAIT_POLICY=policy,
        DRAFTER_EMBED_QUERY_THREADS=str(threads),
        DRAFTER_EMBED_PASSAGE_THREADS=str(threads),
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{env.get('PYTHONPATH', '')}",
    )
    if policy == "active":
        env.pop("OMP_WAIT_POLICY", None)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(n_queries), ",".join(map(str, BATCHES))],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--skip-busy", action="store_true")
    args = ap.parse_args()
    results: dict[str, dict[tuple[str, int], dict[str, object]]] = {}
    for load in ["idle"] + ([] if args.skip_busy else ["busy"]):
        busy = (
            subprocess.Popen([sys.executable, "-c", "while True: pass"]) if load == "busy" else None
        )
        try:
            results[load] = {}
            for policy, threads, _ in SETTINGS:
                results[load][(policy, threads)] = r = run(policy, threads, args.queries)
                print(f"{load} {policy} {threads}: {json.dumps(r)}", file=sys.stderr, flush=True)
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()

    print("| setting | load | query p50 | query p95 | " + " | ".join(f"batch {b} chars/s" for b in BATCHES) + " |")
    print("|---|---|---:|---:|" + "---:|" * len(BATCHES))
    for load, rows in results.items():
        for (policy, threads, label) in SETTINGS:
            r = rows[(policy, threads)]
            thr = r["throughput"]  # type: ignore[index]
            print(
                f"| {label} | {load} | {r['p50'] * 1000:.1f} ms | {r['p95'] * 1000:.1f} ms | "  # type: ignore[operator]
                + " | ".join(f"{thr[str(b)]:,.0f}" for b in BATCHES)  # type: ignore[index]
                + " |"
            )
    from drafter.settings import Settings

    s = Settings()
    chosen = (s.embed_wait_policy, s.embed_passage_threads)
    for load, rows in results.items():
        best = max(
            max(float(v) for v in r["throughput"].values())  # type: ignore[union-attr]
            for r in rows.values()
        )
        mine = float(rows[chosen]["throughput"][str(s.embed_batch)])  # type: ignore[index]
        print(
            f"{load}: chosen passage setting ({chosen[0]}, {chosen[1]} threads, batch {s.embed_batch}) "
            f"{mine:,.0f} chars/s = {mine / best:.2f} of the best measured {best:,.0f}"
        )


if __name__ == "__main__":
    main()
