"""Batched queries: the same passages as one by one, and one embedding call per stage."""

from __future__ import annotations

import numpy as np

from drafter.checks.section import check_section
from drafter.drafting import DraftEngine
from drafter.facts.sheet import load_facts
from drafter.kb import embedding
from drafter.kb.types import Retriever
from drafter.settings import REPO_ROOT

QUERIES = [
    "防止带病提拔",
    "年轻干部培养",
    "存在问题 干部综合能力",
    "凡提四必",
    "一报告两评议",
    "干部监督 个人有关事项报告",
    "防止带病提拔",  # repeated on purpose
]


def test_search_many_returns_what_search_returns(bundled_index) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    assert isinstance(retriever, Retriever)
    for mode in ("hybrid", "dense", "bm25"):
        for filters in ({}, {"kinds": ["practices"]}, {"exclude_sources": ["reports/001_517c173290857b3c.txt"]}):
            embedding.clear_query_cache()
            batched = retriever.search_many(QUERIES, k=6, mode=mode, **filters)
            embedding.clear_query_cache()
            single = [retriever.search(q, k=6, mode=mode, **filters) for q in QUERIES]
            assert [[p.id for p in ps] for ps in batched] == [[p.id for p in ps] for ps in single]
            for got, want in zip(batched, single, strict=True):
                assert np.allclose([p.score for p in got], [p.score for p in want])
            assert all(batched)


def test_search_many_embeds_all_queries_in_one_call(bundled_index) -> None:  # type: ignore[no-untyped-def]
    _, retriever = bundled_index
    embedding.clear_query_cache()
    before = embedding.engine_calls()
    retriever.search_many(QUERIES, k=3)
    assert embedding.engine_calls() - before == 1
    retriever.search_many(QUERIES[:3], k=3)  # cached vectors: no engine call
    retriever.search("凡提四必", k=3)
    assert embedding.engine_calls() - before == 1


def test_a_draft_embeds_its_queries_once(bundled_index) -> None:  # type: ignore[no-untyped-def]
    settings, retriever = bundled_index
    facts = load_facts(REPO_ROOT / "examples" / "facts.yaml")
    engine = DraftEngine(settings, section_check=check_section, retriever=retriever)
    embedding.clear_query_cache()
    start = embedding.engine_calls()
    outline = engine.outline(facts)
    after_outline = embedding.engine_calls()
    draft = engine.draft(facts, outline)
    after_draft = embedding.engine_calls()
    # the outline comes from the practice catalogue and the sheet: it embeds at most once
    assert after_outline - start <= 1
    assert after_draft - after_outline == 1  # every section's 参考写法 query in one call
    assert all(s.status == "ok" for s in draft.sections)
    # regenerating a section embeds nothing new
    engine.regenerate(draft, draft.sections[1].id, facts)
    assert embedding.engine_calls() == after_draft
