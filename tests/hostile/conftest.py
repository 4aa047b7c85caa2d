"""Fixtures of the hostile-input suite (helpers in hostile_limits.py)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "drafting"))

from hostile_limits import SECRET, openai_server, run_limited  # noqa: E402

from drafter.storage import dispose_engines  # noqa: E402


@pytest.fixture
def limited():  # type: ignore[no-untyped-def]
    return run_limited


@pytest.fixture
def hostile_home(bundled_index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """A DRAFTER_HOME holding a copy of the bundled index (no embedding work per test)."""
    indexed, _ = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, home / "index")
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    for name in ("DRAFTER_BACKEND", "DRAFTER_OPENAI_BASE_URL", "DRAFTER_OPENAI_MODEL", "DRAFTER_OPENAI_API_KEY",
                 "DRAFTER_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield home
    dispose_engines()


@pytest.fixture
def model_server():  # type: ignore[no-untyped-def]
    """A loopback OpenAI-protocol server that wants ``sk-hostile-…`` as its key."""
    with openai_server.OpenAIServer(models=["m"], api_key=SECRET) as srv:
        yield srv


