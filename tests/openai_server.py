"""A small OpenAI-protocol server on 127.0.0.1 for tests and benchmarks.

Speaks ``POST /v1/chat/completions`` (plain JSON and SSE streaming, chunked so a
stream can be cut mid-body) and ``GET /v1/models``. Answers are scripted::

    with OpenAIServer(models=["m"]) as srv:
        srv.enqueue(Reply("答案"), Reply(status=500))
        settings = Settings(openai_base_url=srv.url, openai_model="m", ...)

Without a queued reply, ``responder(request_body)`` decides (default: ``好的。``).
Every request body is recorded in ``requests``. Reusable by any test area::

    # load it by path (tests/app/conftest.py) or with tests/ on sys.path
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

__all__ = ["OpenAIServer", "Reply"]


@dataclass
class Reply:
    """One scripted answer.

    ``text`` is the assistant content; ``status`` an HTTP status (non-200 sends an
    OpenAI-style error body); ``delay`` seconds before answering (a timeout test);
    ``token_delay`` seconds between streamed chunks of ``chunk_chars`` characters;
    ``cut_after`` closes the connection after that many chunks (a stream cut
    halfway); ``malformed`` sends broken JSON. ``done=False`` ends the body cleanly
    but without ``data: [DONE]``; ``finish_reason`` is the last event's reason (None
    sends none); ``echo_headers`` puts the request headers (``Authorization``
    included) into the error body of a non-200 status, as careless proxies do.
    """

    text: str = "好的。"
    status: int = 200
    delay: float = 0.0
    token_delay: float = 0.0
    chunk_chars: int = 4
    cut_after: int | None = None
    malformed: bool = False
    done: bool = True
    finish_reason: str | None = "stop"
    echo_headers: bool = False
    #: seconds between bytes of the body: a non-stream JSON answer (or an error body) that trickles
    trickle: float = 0.0
    #: answer ``application/json`` even when a stream was asked for
    as_json: bool = False
    #: raw JSON text of the content (``"\\ud800"`` sends a lone surrogate escape)
    raw_content: str | None = None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    # ---- helpers -------------------------------------------------------
    def _json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str, code: str | None = None) -> None:
        self._json(status, {"error": {"message": message, "type": "invalid_request_error", "code": code}})

    def _authorised(self) -> bool:
        key = self.server.owner.api_key
        if key is None:
            return True
        if self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self._error(401, "Incorrect API key provided.", "invalid_api_key")
        return False

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    # ---- endpoints -------------------------------------------------------
    def do_GET(self) -> None:
        if not self._authorised():
            return
        owner = self.server.owner
        if self.path.rstrip("/") == "/props" and owner.n_ctx:
            self._json(200, {"default_generation_settings": {"n_ctx": owner.n_ctx}})
            return
        if self.path.rstrip("/") in ("/v1/models", "/models") and owner.gzip_models_bytes:
            data = owner.gzip_body()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            if not owner.models_endpoint:
                self._error(404, "Not found")
                return
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in owner.models]
            self._json(200, {"object": "list", "data": data})
            return
        self._error(404, "Not found")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if not self._authorised():
            return
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._error(404, "Not found")
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._error(400, "invalid JSON body")
            return
        owner = self.server.owner
        with owner.lock:
            owner.requests.append(body)
        if body.get("model") not in owner.models:
            self._error(404, f"The model `{body.get('model')}` does not exist.", "model_not_found")
            return
        reply = owner.next_reply(body)
        if reply.delay:
            time.sleep(reply.delay)
        with owner.lock:
            owner.arrived += 1
        slot = owner.slot.acquire() if owner.single_slot else None
        with owner.lock:
            owner.arrived -= 1
            owner.active += 1
            owner.max_active = max(owner.max_active, owner.active)
        try:
            if reply.status != 200 and reply.echo_headers:
                items = sorted(self.headers.items(), key=lambda kv: kv[0].lower() != "authorization")
                headers = "; ".join(f"{k}: {v}" for k, v in items)
                self._error(reply.status, f"bad request, you sent {headers}", "bad_request")
            elif reply.status != 200 and reply.trickle:
                self._trickled(reply.status, b'{"error": {"message": "' + b"x" * 100_000 + b'"}}', reply.trickle)
            elif reply.status != 200:
                self._error(reply.status, reply.text if reply.text != "好的。" else f"scripted failure {reply.status}",
                            "server_error")
            elif reply.as_json and reply.trickle:
                payload = {"choices": [{"message": {"content": reply.text}, "finish_reason": "stop"}]}
                self._trickled(200, json.dumps(payload, ensure_ascii=False).encode(), reply.trickle)
            elif body.get("stream") and not reply.as_json:
                self._stream(body, reply)
            else:
                self._complete(body, reply)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            return
        finally:
            with owner.lock:
                owner.active -= 1
            if slot:
                owner.slot.release()

    def _trickled(self, status: int, data: bytes, pause: float) -> None:
        """A body sent one byte at a time, ``pause`` seconds apart (until the client leaves)."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for i in range(len(data)):
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()
            time.sleep(pause)

    def _complete(self, body: dict[str, Any], reply: Reply) -> None:
        if reply.malformed:
            data = b'{"id": "x", "choices": [{"message": {"content": "\xe5\xa5'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self._json(
            200,
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            payload = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"

        self._chunk(event({"role": "assistant", "content": ""}))
        owner = self.server.owner
        if reply.raw_content is not None:  # JSON written by hand (a lone surrogate escape)
            self._chunk(
                b'data: {"choices": [{"index": 0, "delta": {"content": "' + reply.raw_content.encode()
                + b'"}, "finish_reason": null}]}\n\n'
            )
        text = reply.text if reply.raw_content is None else ""
        step = max(1, reply.chunk_chars)
        pieces = [text[i : i + step] for i in range(0, len(text), step)]
        for n, piece in enumerate(pieces):
            if reply.cut_after is not None and n >= reply.cut_after:
                self.wfile.flush()
                self.connection.shutdown(2)  # no terminating chunk: an incomplete body
                return
            if reply.malformed and n == len(pieces) // 2:
                self._chunk(b'data: {"choices": [{"delta": {"content": "\n\n')
                continue
            if reply.token_delay:
                time.sleep(reply.token_delay)
            self._chunk(event({"content": piece}))
            if owner.single_slot and owner.waiting():
                # llama.cpp's interrupt_requests: a running answer ends, without a reason, for the next
                self._chunk(b"data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                return
        if reply.finish_reason is not None:
            self._chunk(event({}, reply.finish_reason))
        if reply.done:
            self._chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: OpenAIServer


class OpenAIServer:
    """A threaded loopback server; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        *,
        models: Iterable[str] = ("test-model",),
        api_key: str | None = None,
        responder: Callable[[dict[str, Any]], Reply] | None = None,
        models_endpoint: bool = True,
        n_ctx: int | None = None,
        single_slot: bool = False,
        gzip_models_bytes: int = 0,
    ) -> None:
        self.models = list(models)
        self.api_key = api_key
        self.responder = responder
        self.models_endpoint = models_endpoint
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        #: ``/props`` says this context length (llama.cpp's shape) when set
        self.n_ctx = n_ctx
        #: one answer at a time, and a running stream is ended without a reason when another waits
        self.single_slot = single_slot
        self.slot = threading.Lock()
        self.arrived = 0
        self.active = 0
        self.max_active = 0
        #: ``/v1/models`` is a gzip body that inflates to this many bytes (a hostile list)
        self.gzip_models_bytes = gzip_models_bytes
        self._gzip: bytes | None = None
        self._queue: deque[Reply] = deque()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def enqueue(self, *replies: Reply | str) -> None:
        """Queue answers, used in order before falling back to ``responder``."""
        with self.lock:
            self._queue.extend(Reply(r) if isinstance(r, str) else r for r in replies)

    def next_reply(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return self.responder(body)
        return Reply()

    def waiting(self) -> bool:
        with self.lock:
            return self.arrived > 0

    def gzip_body(self) -> bytes:
        """A model list padded with spaces to ``gzip_models_bytes``, gzip-compressed (made once)."""
        if self._gzip is None:
            comp = zlib.compressobj(9, zlib.DEFLATED, 31)
            parts = [comp.compress(b'{"object": "list", "data": [{"id": "' + b"m" * 5000 + b'"}')]
            block = b" " * (1 << 20)
            for _ in range(max(0, self.gzip_models_bytes >> 20)):
                parts.append(comp.compress(block))
            parts.append(comp.compress(b"]}"))
            parts.append(comp.flush())
            self._gzip = b"".join(parts)
        return self._gzip

    def start(self) -> OpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
