"""chromadb's default embedding function downloads a model at run time and fails
offline: indexing, searching and reopening the index must never reach it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

from drafter.kb.indexer import index_knowledge
from drafter.kb.retrieval import open_retriever
from drafter.settings import REPO_ROOT, Settings


def test_default_embedding_function_is_never_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("chromadb's default embedding function was reached (downloads a model)")

    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", refuse)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "_download_model_if_not_exists", refuse)

    kb = tmp_path / "kb"
    (kb / "reports").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "knowledge" / "reports" / "003_dc5d88cb51645eb4.txt", kb / "reports")
    (kb / "terms.txt").write_text("带病提拔\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", knowledge_dir=kb)

    report = index_knowledge(settings)
    assert report.added and not report.skipped
    for mode in ("dense", "hybrid"):
        hits = open_retriever(settings).search("存在问题 干部综合能力", k=3, mode=mode)
        assert hits and any("人才综合能力" in h.text for h in hits)
    # a reopened index (new process, new client) still answers without the default model
    again = open_retriever(Settings(home=tmp_path / "home", knowledge_dir=kb), build_if_missing=False)
    assert again.search("下步打算", k=1, mode="dense")
