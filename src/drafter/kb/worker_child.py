"""The worker's side of :mod:`.worker`: ``python -m drafter.kb.worker_child``.

Reads one JSON request per line on stdin, parses the file with
:func:`drafter.kb.ingest.read_here` under the address-space limit, and answers
length-prefixed JSON on stdout. A ``MemoryError`` ends the worker after its answer
(its heap is best not reused); it also ends when its parent is gone.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any

from ..errors import IngestError
from .worker import _HEADER, _limit, parse_memory_mb

__all__: list[str] = []



def _die_with_parent() -> None:
    """End this worker when the process that started it is gone, even in the middle of a parse.

    (Not ``PR_SET_PDEATHSIG``: that fires when the *thread* that started the worker
    ends — a Streamlit script run — which would kill a worker meant to be reused.)
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="drafter-worker-watch", daemon=True).start()


def _cap_memory() -> None:
    import resource

    mb = _limit("DRAFTER_WORKER_MEMORY_MB", parse_memory_mb())
    cap = mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < cap:
        cap = hard
    # the soft limit only: LibreOffice, started from here for .wps, may raise its own
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _peak_kb() -> int:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return 0


def _answer(out: Any, payload: dict[str, Any]) -> None:
    payload["peak_kb"] = _peak_kb()
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    out.write(_HEADER.pack(len(body)) + body)
    out.flush()


def _serve() -> None:
    _die_with_parent()
    from . import ingest

    _cap_memory()
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing a library prints may corrupt the answers
    for line in sys.stdin.buffer:
        fatal = False
        try:
            request = json.loads(line)
            got = ingest.read_here(request["path"], max_bytes=request.get("max_bytes"), name=request.get("name"))
            payload: dict[str, Any] = {"text": got.text, "encoding": got.encoding, "notes": list(got.notes)}
        except IngestError as err:
            payload = {"error": err.reason}
        except MemoryError:
            fatal = True
            payload = {"error": f"读取时超过内存上限 {parse_memory_mb()} MB（文件解压或解析后过于庞大，疑似恶意文件），已拒绝读取；"
                                "请重新导出或改传 Word/文本文件", "fatal": True}
        except RecursionError:
            payload = {"error": "文件结构嵌套过深（疑似恶意文件），已拒绝读取"}
        except Exception as err:  # noqa: BLE001 - any parser failure is this file's problem
            payload = {"error": f"读取失败（{type(err).__name__}），文件可能已损坏，请重新导出后再试"}
        try:
            _answer(out, payload)
        except MemoryError:
            _answer(out, {"error": "读取结果过大，已拒绝", "fatal": True})
            fatal = True
        if fatal:
            return


if __name__ == "__main__":
    _serve()
