"""Team mode: index and search through a real `chroma run` server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafter.kb.indexer import index_knowledge
from drafter.kb.retrieval import open_retriever
from drafter.settings import Settings

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("the `chroma` command from the chromadb package is not installed")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [
            exe,
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.skip(
                    f"`chroma run` exited at start: {(tmp_path / 'chroma.log').read_text()[-300:]}"
                )
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.skip("`chroma run` did not answer within 30 s")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_index_and_search_through_a_shared_server(
    chroma_server: str, small_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRAFTER_CHROMA_URL", chroma_server)
    settings = Settings(home=tmp_path / "home", knowledge_dir=small_kb)
    assert settings.chroma_url == chroma_server
    first = index_knowledge(settings)
    assert first.embedded > 10 and not first.skipped
    assert not settings.index_dir.exists()  # nothing stored locally in team mode
    # a second user (new settings, same server) sees the same index, unchanged
    other = Settings(home=tmp_path / "other-home", knowledge_dir=small_kb)
    assert index_knowledge(other).embedded == 0
    hit = open_retriever(other).search("个别人员试用期满考核滞后", k=1)[0]
    assert hit.source == "reports/004_4c9f5924be026fa2.txt" and hit.kind == "problems"


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    from drafter.errors import IndexError_

    settings = Settings(
        home=tmp_path / "home", chroma_url=f"http://127.0.0.1:{_free_port()}"
    )
    with pytest.raises(IndexError_, match="DRAFTER_CHROMA_URL"):
        open_retriever(settings)
