"""The vectors shipped with the bundled knowledge base are current and are the model's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from drafter.kb import embedding, ship, shipped_vectors
from drafter.kb.indexer import index_knowledge
from drafter.settings import Settings


def test_every_bundled_chunk_has_its_shipped_vector() -> None:
    texts = ship.bundled_texts()
    found = shipped_vectors.lookup([shipped_vectors.key(t) for t in texts])
    missing = [t[:40] for t in texts if shipped_vectors.key(t) not in found]
    assert not missing, (
        f"{len(missing)} bundled chunks have no shipped vector (first run embeds them): "
        "run `python -m drafter.kb.ship` after changing knowledge/ or the chunker"
    )


def test_shipped_vectors_are_what_the_model_computes() -> None:
    texts = ship.bundled_texts()
    sample = texts[:: max(1, len(texts) // 6)]
    computed = embedding.passage(sample)
    keys = [shipped_vectors.key(t) for t in sample]
    found = shipped_vectors.lookup(keys)
    assert len(found) == len(sample)  # all from the file, none embedded
    shipped = np.vstack([found[k] for k in keys])
    cosines = np.sum(shipped * computed, axis=1)
    assert cosines.min() > 0.999, cosines


def test_a_fresh_index_embeds_each_new_text_once(tmp_path: Path) -> None:
    """The bundle comes from the shipped file; a paragraph repeated in two years' reports is
    embedded once and the second chunk takes the stored vector (and can be found by both)."""
    settings = Settings(home=tmp_path / "home", shipped_vectors=True)  # whatever DRAFTER_SHIPPED_VECTORS says
    calls = embedding.engine_calls()
    index_knowledge(settings)
    assert embedding.engine_calls() == calls
    extra = tmp_path / "extra"
    extra.mkdir()
    same = "一、总体情况\n本单位今年新写的一段话，没有出现在任何样本里。\n"
    (extra / "本单位2024年度报告.txt").write_text(same, encoding="utf-8")
    (extra / "本单位2025年度报告.txt").write_text(same, encoding="utf-8")
    index_knowledge(settings, extra_kb=[extra])
    assert embedding.engine_calls() == calls + 1
    (extra / "本单位2026年度报告.txt").write_text(same, encoding="utf-8")  # a later run: from the store
    index_knowledge(settings, extra_kb=[extra])
    assert embedding.engine_calls() == calls + 1
    from drafter.kb.retrieval import open_retriever

    hits = open_retriever(settings).search("本单位今年新写的一段话", k=5, mode="dense")
    sources = {h.source for h in hits if "新写的一段话" in h.text}
    assert sources == {f"extra/本单位{y}年度报告.txt" for y in (2024, 2025, 2026)}, sources
