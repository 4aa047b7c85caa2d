"""Parsing untrusted documents in a bounded worker process.

A few kilobytes of PDF can make a parser run for hours or take gigabytes; a .docx
can hold a gigabyte of XML. No process that serves people (the app, the team
server, a CLI run) parses a document itself: :func:`parse_file` hands the path to
a worker — a separate Python process started once and reused — that

* runs under an address-space limit (``RLIMIT_AS``,
  :data:`~drafter.text.limits.PARSE_MEMORY_MB`), so a bomb ends in a
  ``MemoryError`` in the worker, never in the caller;
* is given :data:`~drafter.text.limits.PARSE_TIMEOUT_S` seconds of wall-clock
  time per file, after which it is killed and replaced;
* parses with the page, glyph, XML-node and character budgets of
  :mod:`drafter.text.limits` (counted while parsing, in :mod:`.pdf` and
  :mod:`.zipguard`).

A file over a limit is an :class:`~drafter.errors.IngestError` with a Chinese
reason, like any other unreadable file. At most :data:`MAX_WORKERS` workers run at
once (the machine's cores are shared); callers beyond that wait their turn. A
worker costs one interpreter start (about 0.3 s) the first time; after that a
file costs its parse and a pipe round trip (measured in ``bench/hostile.py
--parse``, docs/benchmarks.md).

``DRAFTER_PARSE_TIMEOUT_S`` and ``DRAFTER_PARSE_MEMORY_MB`` override the two
limits (for a server with unusually large documents, or a test).

The worker is ``python -m drafter.kb.worker_child`` (:mod:`.worker_child`): requests are JSON lines on its
stdin, answers length-prefixed JSON on its stdout. It dies with its parent (an
end of input, and a watch on its parent's pid).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import IngestError

__all__ = ["MAX_WORKERS", "parse_file", "shutdown_workers"]

MAX_WORKERS = 2
_HEADER = struct.Struct(">Q")
_SRC = str(Path(__file__).resolve().parents[2])


def _limit(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def parse_timeout() -> int:
    from ..text.limits import PARSE_TIMEOUT_S

    return _limit("DRAFTER_PARSE_TIMEOUT_S", PARSE_TIMEOUT_S)


def parse_memory_mb() -> int:
    from ..text.limits import PARSE_MEMORY_MB

    return _limit("DRAFTER_PARSE_MEMORY_MB", PARSE_MEMORY_MB)


class _Died(Exception):
    pass


class _Worker:
    """One worker process and its pipes."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_SRC, env.get("PYTHONPATH", "")) if p)
        env["DRAFTER_WORKER_MEMORY_MB"] = str(parse_memory_mb())
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "drafter.kb.worker_child"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, close_fds=True, start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass

    def _read(self, n: int, deadline: float) -> bytes:
        out = bytearray()
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        while len(out) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, min(n - len(out), 1 << 20))
            if not chunk:
                raise _Died
            out += chunk
        return bytes(out)

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        line = json.dumps(request, ensure_ascii=True).encode("ascii") + b"\n"
        try:
            self.proc.stdin.write(line)  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError) as err:
            raise _Died from err
        deadline = time.monotonic() + timeout
        (size,) = _HEADER.unpack(self._read(_HEADER.size, deadline))
        answer: dict[str, Any] = json.loads(self._read(size, deadline).decode("utf-8", "surrogatepass"))
        return answer


#: The worker's peak resident memory (VmHWM, KB) after the last file it answered: for the benchmarks.
last_peak_kb = 0

_lock = threading.Lock()
_idle: list[_Worker] = []
_slots = threading.BoundedSemaphore(MAX_WORKERS)


def _take() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.kill()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _lock:
        _idle.append(worker)


def shutdown_workers() -> None:
    """End the idle workers (at exit; a test that wants a fresh one)."""
    with _lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.kill()


atexit.register(shutdown_workers)


def parse_file(path: str | Path, *, max_bytes: int | None = None, name: str | None = None) -> dict[str, Any]:
    """``{"text", "encoding", "notes"}`` of ``path``, read by a bounded worker.

    Raises :class:`IngestError` for an unreadable file and for one over a limit
    (time, memory or a parsing budget).
    """
    global last_peak_kb
    shown = name or str(path)
    timeout = parse_timeout()
    request = {"path": os.fspath(path), "max_bytes": max_bytes, "name": shown}
    with _slots:
        worker = _take()
        try:
            answer = worker.ask(request, timeout)
        except TimeoutError:
            worker.kill()
            raise IngestError(
                shown,
                f"读取超过 {timeout} 秒仍未完成（文件结构异常或过于复杂，疑似恶意文件），已停止并拒绝读取；"
                "请重新导出或改传 Word/文本文件",
            ) from None
        except _Died:
            worker.kill()
            raise IngestError(
                shown,
                f"读取时超过内存上限 {parse_memory_mb()} MB（文件解压或解析后过于庞大，疑似恶意文件），已拒绝读取；"
                "请重新导出或改传 Word/文本文件",
            ) from None
        last_peak_kb = int(answer.get("peak_kb", 0))
        if answer.get("fatal"):
            worker.kill()  # a MemoryError leaves a worker best not reused
        else:
            _give_back(worker)
    if "error" in answer:
        raise IngestError(shown, answer["error"])
    return answer
