"""Fixtures for the retrieval tests: a small private knowledge base to modify."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drafter.settings import BUNDLED_KB, Settings


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    """One sample speech (004), the reports' metadata and one policy file, copied to a temp dir."""
    kb = tmp_path / "kb"
    (kb / "reports").mkdir(parents=True)
    (kb / "policies").mkdir()
    for name in ("004_4c9f5924be026fa2.txt", "metadata.yaml"):
        shutil.copy(BUNDLED_KB / "reports" / name, kb / "reports" / name)
    shutil.copy(
        BUNDLED_KB / "policies" / "format.yaml", kb / "policies" / "format.yaml"
    )
    shutil.copytree(BUNDLED_KB / "specs", kb / "specs")
    return kb


@pytest.fixture
def small_settings(small_kb: Path, tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", knowledge_dir=small_kb)
