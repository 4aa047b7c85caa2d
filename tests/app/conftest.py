"""App-test fixtures: a fresh DRAFTER_HOME per test holding a copy of the bundled index.

Copying the session's index (about 1 MB) keeps every test's uploads and database
its own while the embedding work is done once per session.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

from drafter.settings import REPO_ROOT
from drafter.storage import dispose_engines

APP = str(REPO_ROOT / "app.py")


def _load_helper(name: str):  # type: ignore[no-untyped-def]
    """Load a helper module kept beside the test areas (``tests/<name>.py``) by path."""
    path = Path(__file__).resolve().parents[1] / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


openai_server = _load_helper("openai_server")
pg_server = _load_helper("pg_server")
streamlit_server = _load_helper("streamlit_server")
team_cast = _load_helper("team_cast")


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

    def make(query: dict[str, str] | None = None, *, start: bool = False) -> AppTest:
        """A browser opening the app; without ``?report=`` it lands on the start page,
        where (unless ``start``) it clicks 新建报告 as a writer beginning a report would."""
        at = AppTest.from_file(APP, default_timeout=240)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        at.run()
        if not start and "start" in at.session_state and at.session_state["start"]:
            at.button(key="start_new").click().run()
        return at

    return make


def _unavailable(reason: str) -> None:
    """Skip a PostgreSQL test locally; in CI (``CI=true``) a missing server is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """A real throwaway PostgreSQL cluster on 127.0.0.1 and a free port (one per session).

    Skips when the server binaries or the psycopg driver are missing (``apt-get install
    postgresql``, ``pip install -e '.[postgres]'``); fails instead when ``CI=true``.
    """
    bindir = pg_server.find_binaries()
    if bindir is None:
        _unavailable("PostgreSQL server not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin; "
                     "apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg driver not installed (pip install -e '.[postgres]')")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _unavailable("running as root but runuser is missing, so postgres cannot be started")
    server = pg_server.PostgresServer(bindir)
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    try:
        yield server
    finally:
        dispose_engines()
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server) -> str:  # type: ignore[no-untyped-def]
    """``postgresql+psycopg://postgres@127.0.0.1:PORT/drafter_test`` on the session's cluster."""
    return postgres_server.create_database("drafter_test")


@pytest.fixture
def fresh_postgres_url(postgres_server) -> str:  # type: ignore[no-untyped-def]
    """A new, empty database on the session's cluster for one test (dropped afterwards)."""
    url = postgres_server.create_database()
    yield url
    dispose_engines()
    postgres_server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on SQLite and on PostgreSQL (a fresh database each)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'drafter.db'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def served(bundled_index, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app served on loopback by ``streamlit run`` on a copy of the bundled index (browser
    tests): its address and its DRAFTER_HOME."""
    from streamlit_server import require_chromium, serve_app  # type: ignore[import-not-found]

    require_chromium()
    indexed, _ = bundled_index
    home = tmp_path / "home"
    shutil.copytree(indexed.index_dir, home / "index")
    with serve_app(REPO_ROOT, home, tmp_path / "streamlit.log") as url:
        yield url, home


@pytest.fixture
def server(served) -> str:  # type: ignore[no-untyped-def]
    """The served app's address (an AppAddress: a str with ``.proc``, the streamlit process)."""
    return served[0]  # type: ignore[no-any-return]
