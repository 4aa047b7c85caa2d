"""The knowledge base at scale: a generated corpus of many reports.

    /work/venv/bin/python bench/corpus.py /tmp/kb1000 --reports 1000
    /work/venv/bin/python bench/kb_scale.py /tmp/kb1000 /tmp/home1000 [--kill-at 0.3] [--part build|query]

``build``: ``drafter index`` in a subprocess (as a user runs it), killed with SIGKILL
once ``--kill-at`` of the chunks are committed, then run again to finish (resume);
then once more with nothing changed. Reports wall times, the peak resident memory of
each run, and whether the resumed index is complete.

``bm25``: every chunk of the corpus tokenised and indexed for BM25 (no embeddings
needed): the cost of rebuilding it at every process start (as before) against
loading the saved index, and keyword query time, new sparse index vs rank_bm25.

``query``: in this process, opening the retriever (chunk records from chromadb), the
BM25 index built from scratch and loaded from its saved file, and hybrid query
latency p50/p95 over distinct writer queries (query-vector cache cleared each time,
so the embedding is included).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_DONE = re.compile(r"嵌入段落 \(embedding\) (?:\|[^|]*\| )?(\d+)/(\d+)")  # bar (terminal) or plain line (pipe)

QUERIES = [
    "防止带病提拔",
    "年轻干部培养",
    "存在问题 干部综合能力",
    "凡提四必",
    "一报告两评议",
    "个人有关事项报告 抽查核实",
    "干部考察 谈话推荐",
    "选人用人专项检查 整改",
    "任前公示 试用期",
    "干部交流轮岗",
    "平时考核 年度考核",
    "从严监督管理干部",
    "下一步工作打算",
    "干部档案专项审核",
    "职级晋升",
    "公务员招录",
    "基层一线 实践锻炼",
    "民主推荐 会议推荐",
    "党组会议 讨论决定",
    "容错纠错 激励担当",
]


def _env(kb: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DRAFTER_HOME=str(home),
        DRAFTER_KNOWLEDGE_DIR=str(kb),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    return env


def _index_run(kb: Path, home: Path, kill_at: float | None = None) -> tuple[float, float, str]:
    """One ``drafter index`` run: (seconds, peak RSS MB of the child, last progress line)."""
    started = time.perf_counter()
    cmd = [sys.executable, "-c", _CHILD]
    proc = subprocess.Popen(cmd, env=_env(kb, home), stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stderr is not None
    seen = ""
    while True:
        chunk = os.read(proc.stderr.fileno(), 65536)
        if not chunk:
            break
        seen = (seen + chunk.decode("utf-8", "replace"))[-4000:]
        hits = _DONE.findall(seen)
        if kill_at is not None and hits:
            done, total = int(hits[-1][0]), int(hits[-1][1])
            if total and done >= kill_at * total:
                proc.send_signal(signal.SIGKILL)
                break
    out = proc.communicate()[0].decode("utf-8", "replace")
    seconds = time.perf_counter() - started
    rss = 0.0
    for line in out.splitlines():
        if line.startswith("PEAK_RSS_MB "):
            rss = float(line.split()[1])
    hits = _DONE.findall(seen)
    last = f"{hits[-1][0]}/{hits[-1][1]} chunks" if hits else ""
    return seconds, rss, last + ("" if kill_at is None else " (killed)") + "\n" + out[-600:]


_CHILD = r"""
import resource, sys
from drafter.cli import main
code = main(["index"])
print("PEAK_RSS_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
sys.exit(code)
"""


def build(kb: Path, home: Path, kill_at: float) -> None:
    s1, rss1, last1 = _index_run(kb, home, kill_at=kill_at)
    print(f"first run, killed: {s1:.1f} s, {last1.splitlines()[0]}", flush=True)
    s2, rss2, last2 = _index_run(kb, home)
    print(f"resumed run: {s2:.1f} s, peak RSS {rss2:.0f} MB\n{last2}", flush=True)
    s3, rss3, last3 = _index_run(kb, home)
    print(f"unchanged re-index: {s3:.1f} s, peak RSS {rss3:.0f} MB\n{last3}", flush=True)


def query(kb: Path, home: Path) -> None:
    os.environ.update(_env(kb, home))
    from drafter.kb import embedding
    from drafter.kb.indexer import index_complete
    from drafter.kb.retrieval import open_retriever
    from drafter.kb.store import open_store
    from drafter.settings import Settings

    settings = Settings()
    embedding.get_model()
    print(f"index complete: {index_complete(open_store(settings))}")
    t = time.perf_counter()
    retriever = open_retriever(settings)
    print(f"open retriever ({len(retriever)} chunks): {time.perf_counter() - t:.2f} s")
    path = settings.index_dir / "bm25.npz"
    path.unlink(missing_ok=True)
    t = time.perf_counter()
    retriever._keyword_index()
    print(f"BM25 built from scratch and saved: {time.perf_counter() - t:.2f} s ({path.stat().st_size / 1e6:.1f} MB)")
    retriever.refresh()
    t = time.perf_counter()
    retriever._keyword_index()
    print(f"BM25 loaded from its file: {time.perf_counter() - t:.3f} s")
    lat: list[float] = []
    for rep in range(3):
        for q in QUERIES:
            embedding.clear_query_cache()
            t = time.perf_counter()
            retriever.search(f"{q}" if rep == 0 else f"{q} {rep}", k=6)
            lat.append(time.perf_counter() - t)
    lat.sort()
    print(
        f"hybrid query (embedding included), n={len(lat)}: p50 {statistics.median(lat) * 1000:.1f} ms, "
        f"p95 {lat[int(len(lat) * 0.95) - 1] * 1000:.1f} ms"
    )
    print(f"this process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def bm25(kb: Path) -> None:
    """BM25 over every chunk of the corpus (no embeddings needed): old vs new cost per process start."""
    import tempfile

    from drafter.kb.bm25 import BM25Index, get_tokenizer
    from drafter.kb.indexer import chunks_of, discover
    from drafter.settings import Settings

    settings = Settings(home=Path(tempfile.mkdtemp()) / "home", knowledge_dir=kb)
    files, _ = discover(settings)
    t = time.perf_counter()
    chunks = [c for sf in files for c in chunks_of(sf)]
    print(f"{len(files)} files → {len(chunks)} chunks read and chunked: {time.perf_counter() - t:.1f} s")
    tok = get_tokenizer()
    tok.tokenize("预热")
    texts = [c.embed_text() for c in chunks]
    t = time.perf_counter()
    tokens = [tok.tokenize(x) for x in texts]
    t_tok = time.perf_counter() - t
    t = time.perf_counter()
    index = BM25Index([c.id for c in chunks], tokenizer=tok, tokens=tokens)
    t_build = time.perf_counter() - t
    from rank_bm25 import BM25Okapi

    t = time.perf_counter()
    old = BM25Okapi(tokens)
    t_old = time.perf_counter() - t
    path = settings.home / "bm25.npz"
    index.save(path, "bench")
    t = time.perf_counter()
    loaded = BM25Index.load(path, "bench", tok)
    t_load = time.perf_counter() - t
    assert loaded is not None
    lat_new, lat_old = [], []
    for q in QUERIES:
        t = time.perf_counter()
        loaded.top(q, 50)
        lat_new.append(time.perf_counter() - t)
        t = time.perf_counter()
        old.get_scores(tok.tokenize(q))
        lat_old.append(time.perf_counter() - t)
    print(f"jieba tokenisation of all chunks: {t_tok:.1f} s; sparse BM25 build: {t_build:.2f} s "
          f"(rank_bm25 build: {t_old:.2f} s)")
    print(f"saved index {path.stat().st_size / 1e6:.1f} MB, load: {t_load * 1000:.0f} ms")
    print(f"keyword query median: sparse {statistics.median(lat_new) * 1000:.2f} ms, "
          f"rank_bm25 {statistics.median(lat_old) * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kb", type=Path)
    ap.add_argument("home", type=Path)
    ap.add_argument("--kill-at", type=float, default=0.3)
    ap.add_argument("--part", choices=["build", "query", "bm25", "all"], default="all")
    args = ap.parse_args()
    if args.part in ("build", "all"):
        build(args.kb, args.home, args.kill_at)
    if args.part in ("bm25", "all"):
        bm25(args.kb)
    if args.part in ("query", "all"):
        query(args.kb, args.home)


if __name__ == "__main__":
    main()
