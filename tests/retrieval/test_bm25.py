"""The sparse BM25 index: rank_bm25's scores, incremental updates, saved and loaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from drafter.kb.bm25 import BM25Index, get_tokenizer
from drafter.kb.indexer import index_knowledge
from drafter.kb.retrieval import open_retriever
from drafter.settings import Settings

QUERIES = ["防止带病提拔", "年轻干部 培养", "凡提四必 档案 审核", "存在问题", "量子芯片光刻机"]


def _paragraphs(sample_texts: dict[str, str]) -> list[str]:
    return [p for t in sample_texts.values() for p in t.splitlines() if p.strip()]


def test_scores_equal_rank_bm25_and_updates_equal_a_fresh_build(sample_texts: dict[str, str]) -> None:
    paras = _paragraphs(sample_texts)
    tok = get_tokenizer()
    ids = [f"c{i}" for i in range(len(paras))]
    first = BM25Index(ids[10:60], paras[10:60], tok)
    # the index moves on: 10 chunks gone, 15 new ones
    wanted = ids[5:40] + ids[50:75]
    updated = first.updated(wanted, lambda d: paras[int(wanted[d][1:])])
    fresh = BM25Index(wanted, [paras[int(i[1:])] for i in wanted], tok)
    reference = BM25Okapi([tok.tokenize(paras[int(i[1:])]) for i in wanted])
    for q in QUERIES:
        assert np.allclose(updated.scores(q), fresh.scores(q), atol=1e-12)
        assert np.allclose(fresh.scores(q), reference.get_scores(tok.tokenize(q)), atol=1e-9)
        assert updated.top(q, 5) == fresh.top(q, 5)
    assert fresh.top("量子芯片光刻机", 5) == []


def test_saved_index_loads_only_with_its_signature(tmp_path: Path, sample_texts: dict[str, str]) -> None:
    paras = _paragraphs(sample_texts)
    index = BM25Index([str(i) for i in range(len(paras))], paras)
    path = tmp_path / "bm25.npz"
    index.save(path, "sig-1", "tok")
    loaded = BM25Index.load(path, "sig-1")
    assert loaded is not None and loaded.top("凡提四必", 3) == index.top("凡提四必", 3)
    assert BM25Index.load(path, "sig-2") is None
    path.write_bytes(b"not an index")
    assert BM25Index.load(path, None) is None  # a damaged file is rebuilt, not trusted


def test_retriever_saves_bm25_and_the_next_process_loads_it(small_settings: Settings) -> None:
    index_knowledge(small_settings)
    first = open_retriever(small_settings)
    hits = first.search("个别人员试用期满考核滞后", k=3, mode="bm25")
    path = small_settings.index_dir / "bm25.npz"
    assert hits and path.is_file()
    stamp = path.stat().st_mtime_ns
    again = open_retriever(small_settings)
    assert [p.id for p in again.search("个别人员试用期满考核滞后", k=3, mode="bm25")] == [p.id for p in hits]
    assert path.stat().st_mtime_ns == stamp  # loaded, not rebuilt and rewritten
