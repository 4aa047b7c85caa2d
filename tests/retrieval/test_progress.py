"""Index-building progress says what is happening, and the background warm-up ends ready."""

from __future__ import annotations

import dataclasses

from drafter.kb.indexer import IndexStatus, ensure_index, index_knowledge
from drafter.kb.warmup import warm_retriever
from drafter.settings import Settings


def test_progress_reports_files_chunks_and_a_measured_estimate(small_settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from drafter.kb import shipped_vectors

    monkeypatch.setattr(shipped_vectors, "_table", {})  # as for a unit's own reports: all embedded
    seen: list[IndexStatus] = []
    settings = small_settings.model_copy(update={"embed_batch": 4})
    report = index_knowledge(settings, on_status=lambda s: seen.append(dataclasses.replace(s)))
    phases = [s.phase for s in seen]
    assert phases[0] == "scan" and phases[-1] == "done" and "embed" in phases
    embeds = [s for s in seen if s.phase == "embed"]
    assert embeds[0].chunks_done == 0 and embeds[0].eta_seconds is None  # no guess before measuring
    assert "正在估算剩余时间" in embeds[0].summary()
    done = [s.chunks_done for s in embeds]
    assert done == sorted(done) and done[-1] == embeds[-1].chunks_total == report.embedded
    measured = [s for s in embeds if 0 < s.chunks_done < s.chunks_total]
    assert measured and all(s.eta_seconds is not None and s.chars_per_second > 0 for s in measured)
    assert "约剩" in measured[0].summary()
    # a finished index is not built again
    assert ensure_index(settings) is None


def test_shipped_vectors_leave_nothing_to_estimate(small_settings: Settings) -> None:
    seen: list[IndexStatus] = []
    settings = small_settings.model_copy(update={"shipped_vectors": True})  # whatever DRAFTER_SHIPPED_VECTORS says
    index_knowledge(settings, on_status=lambda s: seen.append(dataclasses.replace(s)))
    embeds = [s for s in seen if s.phase == "embed"]
    assert embeds[0].chars_total == 0 and embeds[0].eta_seconds == 0.0
    assert embeds[-1].chunks_done == embeds[-1].chunks_total > 0


def test_warm_up_builds_once_and_ends_ready(small_settings: Settings) -> None:
    job = warm_retriever(small_settings)
    assert warm_retriever(small_settings) is job  # one job per index and process
    retriever = job.result(timeout=600)
    snap = job.snapshot()
    assert snap.ready and snap.fraction() == 1.0 and snap.report is not None
    assert retriever.search("个别人员试用期满考核滞后", k=1)[0].source.endswith("004_4c9f5924be026fa2.txt")
