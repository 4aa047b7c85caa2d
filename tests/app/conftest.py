"""App-test fixtures: a fresh DRAFTER_HOME per test holding a copy of the bundled index.

Copying the session's index (about 1 MB) keeps every test's uploads and database
its own while the embedding work is done once per session.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from drafter.settings import REPO_ROOT
from drafter.storage import dispose_engines

APP = str(REPO_ROOT / "app.py")


def _load_openai_server():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[1] / "openai_server.py"
    spec = importlib.util.spec_from_file_location("openai_server", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules.setdefault("openai_server", module)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


openai_server = _load_openai_server()


@pytest.fixture
def app_home(bundled_index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """DRAFTER_HOME for one app test, set before the first AppTest run."""
    indexed, _retriever = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, home / "index")
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    monkeypatch.delenv("DRAFTER_DATABASE_URL", raising=False)
    for name in ("DRAFTER_BACKEND", "DRAFTER_OPENAI_BASE_URL", "DRAFTER_OPENAI_MODEL", "DRAFTER_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield home
    dispose_engines()


@pytest.fixture
def new_session():  # type: ignore[no-untyped-def]
    """A factory of fresh browser sessions (AppTest) on app.py."""
    from streamlit.testing.v1 import AppTest

    def make(query: dict[str, str] | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=240)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        return at.run()

    return make
