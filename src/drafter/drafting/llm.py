"""The one seam to a language model: :class:`ChatModel` and its OpenAI-compatible form.

This is the ONLY module that talks to a model server (``openai`` for the connection
test, ``httpx`` for drafting). Everything else talks to a :class:`ChatModel`:
``stream(messages, callbacks) -> text``, where ``messages`` are ``{"role": ...,
"content": ...}`` dicts and ``callbacks`` (optional) receives the visible text as it
arrives.

:class:`OpenAIChatModel` covers vLLM, Ollama, DeepSeek, Qwen and OpenAI itself: it
posts to ``/chat/completions`` with ``stream: true`` and reads the server-sent events
itself, so it knows how an answer ended. It

* streams and strips a reasoning model's ``<think>…</think>`` — also while
  streaming, so thinking text never reaches the user;
* retries transient failures (connection refused, timeout, HTTP 429/5xx, a stream
  cut before any text arrived) with exponential backoff;
* accepts an answer only if the stream ends with ``[DONE]`` and a finish reason of
  ``stop``; a stream cut after some text, ``finish_reason: length``, a passed
  deadline or an answer over ``max_answer_chars`` raises
  :class:`~drafter.errors.BackendIncomplete` carrying the text so far;
* waits ``openai_timeout`` seconds per read, and gives one answer at most
  ``section_deadline`` seconds in all (retries included) — less if the draft's own
  deadline (:func:`draft_deadline`) comes first;
* maps failures to :class:`~drafter.errors.BackendUnavailable`,
  :class:`~drafter.errors.BackendAuthError` and
  :class:`~drafter.errors.BackendModelError`, whose Chinese messages say what to do.

The API key is a ``SecretStr`` sent only in the ``Authorization`` header; it is
registered with :mod:`drafter.text.redact`, so a server that echoes it in an error
cannot get it into a message, a log line or the database.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

import httpx
from pydantic import SecretStr

from ..errors import (
    BackendAuthError,
    BackendError,
    BackendIncomplete,
    BackendModelError,
    BackendUnavailable,
    ConfigError,
)
from ..settings import Settings
from ..text.redact import install_log_redaction, redact, register_secret

__all__ = [
    "ChatModel",
    "ContextOverflow",
    "Message",
    "OpenAIChatModel",
    "TextCallback",
    "ThinkFilter",
    "draft_deadline",
    "open_chat_model",
    "strip_think",
    "test_connection",
]

log = logging.getLogger(__name__)

#: A chat message: ``{"role": "system"|"user"|"assistant", "content": "..."}``.
Message = dict[str, str]
#: Receives visible (thinking-free) text as it streams.
TextCallback = Callable[[str], None]

_OFFLINE_HINT = "，或改用离线撰写（--backend composer 或 DRAFTER_BACKEND=composer）"
_THINK_OPEN = "<think>"
_THINK_CLOSE = "</think>"
_THINK_RE = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL)


@runtime_checkable
class ChatModel(Protocol):
    """Anything that turns chat messages into text, streaming it to ``callbacks``."""

    name: str

    def stream(self, messages: Sequence[Message], callbacks: TextCallback | None = None) -> str:
        """Return the full visible answer; call ``callbacks(text)`` for each new piece."""
        ...


def strip_think(text: str) -> str:
    """Remove ``<think>…</think>`` blocks (and an unterminated trailing one)."""
    text = _THINK_RE.sub("", text)
    # a server that starts inside the thought and only sends the closing tag
    if _THINK_CLOSE in text:
        text = text.split(_THINK_CLOSE)[-1]
    return text.lstrip("\n") if text.startswith("\n") else text


class ThinkFilter:
    """Incremental ``<think>`` stripper for streamed text.

    ``feed(chunk)`` returns the part of the stream that is safe to show now; a
    possible tag prefix split across chunks is held back until it is decided.

    >>> f = ThinkFilter()
    >>> f.feed("<thi") + f.feed("nk>hmm</th") + f.feed("ink>答") + f.flush()
    '答'
    """

    def __init__(self) -> None:
        self._buf = ""
        self._inside = False
        self._started = False  # visible text seen (leading newlines after </think> dropped)

    def feed(self, chunk: str) -> str:
        self._buf += chunk
        out: list[str] = []
        while self._buf:
            if self._inside:
                idx = self._buf.find(_THINK_CLOSE)
                if idx < 0:
                    keep = _partial_suffix(self._buf, _THINK_CLOSE)
                    self._buf = self._buf[len(self._buf) - keep :] if keep else ""
                    break
                self._buf = self._buf[idx + len(_THINK_CLOSE) :]
                self._inside = False
                continue
            idx = self._buf.find(_THINK_OPEN)
            if idx >= 0:
                out.append(self._buf[:idx])
                self._buf = self._buf[idx + len(_THINK_OPEN) :]
                self._inside = True
                continue
            keep = _partial_suffix(self._buf, _THINK_OPEN)
            out.append(self._buf[: len(self._buf) - keep])
            self._buf = self._buf[len(self._buf) - keep :]
            break
        return self._visible("".join(out))

    def flush(self) -> str:
        """The held-back remainder at the end of the stream (nothing if inside a thought)."""
        rest = "" if self._inside else self._buf
        self._buf = ""
        return self._visible(rest)

    def _visible(self, text: str) -> str:
        if not self._started:
            text = text.lstrip("\n")
            if text:
                self._started = True
        return text


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:n]):
            return n
    return 0


class _Transient(Exception):
    """A failure worth retrying; ``final`` is the error to raise when retries run out."""

    def __init__(self, final: BackendError) -> None:
        super().__init__(str(final))
        self.final = final


class ContextOverflow(BackendModelError):
    """The server said the prompt does not fit its context; ``limit`` is its context length if it named it."""

    def __init__(self, message: str, limit: int | None) -> None:
        super().__init__(message)
        self.limit = limit


_OVERFLOW_RE = re.compile(
    r"(?i)(context (?:length|window|size)|n_ctx|maximum context|too many tokens|exceeds? (?:the )?(?:available )?context"
    r"|prompt is too long|input is too long)"
)
_LIMIT_RE = re.compile(
    r"(?i)(?:maximum context length is|context (?:window|length|size) (?:of|is)?|n_ctx(?:_slot)?\s*[=:]?)\s*(\d{3,7})"
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """A lone surrogate (a server's broken ``\\ud800`` escape) becomes U+FFFD, never a codec error later."""
    return _SURROGATE_RE.sub("\ufffd", text) if text else text


def _overflow_limit(detail: str) -> int | None:
    m = _LIMIT_RE.search(detail)
    return int(m.group(1)) if m else None


#: The draft-wide deadline (``time.monotonic()`` value) of the sections being written.
_DRAFT_DEADLINE: ContextVar[float | None] = ContextVar("drafter_draft_deadline", default=None)
_ERROR_BODY_LIMIT = 64 * 1024
_LINE_LIMIT = 1024 * 1024  # one server-sent event line; an answer piece is a few bytes


@contextmanager
def draft_deadline(seconds: float | None) -> Iterator[None]:
    """Within this block every answer also stops ``seconds`` from now (a whole draft's limit).

    Worker threads started by langchain's ``batch`` copy the context, so the sections
    drafted in parallel share it. Nested blocks keep the earlier deadline.
    """
    if seconds is None:
        yield
        return
    new = time.monotonic() + seconds
    current = _DRAFT_DEADLINE.get()
    token = _DRAFT_DEADLINE.set(new if current is None else min(current, new))
    try:
        yield
    finally:
        _DRAFT_DEADLINE.reset(token)


class _Answer:
    """What one streamed attempt gathered: visible pieces, how it ended."""

    def __init__(self, callbacks: TextCallback | None, cap: int) -> None:
        self.callbacks = callbacks
        self.cap = cap
        self.think = ThinkFilter()
        self.shown: list[str] = []
        self.raw_chars = 0
        self.visible_chars = 0
        self.done = False
        self.finish: str | None = None

    @property
    def partial(self) -> str:
        return "".join(self.shown).strip()

    def add(self, piece: str) -> bool:
        """Take a piece of the answer; False once the length cap is reached."""
        self.raw_chars += len(piece)
        visible = self.think.feed(piece)
        over = False
        if visible:
            room = self.cap - self.visible_chars
            if len(visible) > room:
                visible, over = visible[: max(room, 0)], True
            self._show(visible)
        # a reasoning model that only thinks is capped too (4× the answer's length)
        return not over and self.raw_chars <= 4 * self.cap

    def finish_stream(self) -> None:
        tail = self.think.flush()
        if tail:
            self._show(tail[: max(self.cap - self.visible_chars, 0)])

    def _show(self, text: str) -> None:
        if not text:
            return
        self.shown.append(text)
        self.visible_chars += len(text)
        if self.callbacks is not None:
            self.callbacks(text)


class OpenAIChatModel:
    """A :class:`ChatModel` on any OpenAI-compatible chat-completions server."""

    def __init__(
        self,
        settings: Settings,
        *,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.openai_base_url:
            raise ConfigError(
                "未设置模型服务器地址。请设置 DRAFTER_OPENAI_BASE_URL（如 http://127.0.0.1:8000/v1）"
                + _OFFLINE_HINT
            )
        if not settings.openai_model:
            raise ConfigError(
                "未设置模型名称。请设置 DRAFTER_OPENAI_MODEL（如 qwen2.5:7b、deepseek-chat）" + _OFFLINE_HINT
            )
        self.base_url = settings.openai_base_url
        self.model = settings.openai_model
        self.name = f"openai:{self.model}"
        self.timeout = settings.openai_timeout
        self.max_retries = settings.openai_max_retries
        self.section_deadline = settings.section_deadline
        self.max_answer_chars = settings.max_answer_chars
        self.temperature = settings.temperature
        self._backoff = backoff
        self._sleep = sleep
        key = settings.openai_api_key or SecretStr("not-needed")  # local servers ignore it
        self._key = key if isinstance(key, SecretStr) else SecretStr(str(key))
        register_secret(self._key)
        install_log_redaction()
        self._url = self.base_url.rstrip("/") + "/chat/completions"
        self._client = httpx.Client(timeout=httpx.Timeout(self.timeout), follow_redirects=False)
        #: the model's context length in tokens (setting, or what the server says; learnt from an overflow)
        self._context: int | None = settings.openai_context
        self._context_known = settings.openai_context is not None
        #: how the server counts tokens: a callable found on first use, or None (estimate)
        self._counter: Callable[[str], int | None] | None = None
        self._counter_probed = False
        self._lock = threading.Lock()
        self._probe_lock = threading.Lock()
        self._slots = threading.Condition()
        self._running = 0
        self._diagnosed = False
        self._inflight = 0
        #: answers cut, refused or ended without a reason while another request was running
        self.parallel_trouble = 0
        #: what the writer should know about this server (a prompt shortened to fit …), deduplicated
        self.notices: list[str] = []
        self.concurrency = settings.openai_concurrency

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIChatModel(base_url={self.base_url!r}, model={self.model!r})"

    def _deadline(self) -> tuple[float, str]:
        """This answer's deadline (monotonic) and what to call it in a message."""
        own = time.monotonic() + self.section_deadline
        shared = _DRAFT_DEADLINE.get()
        if shared is not None and shared < own:
            return shared, "全稿时限（DRAFTER_DRAFT_DEADLINE）"
        return own, f"本节时限 {self.section_deadline:g} 秒（DRAFTER_SECTION_DEADLINE）"

    # ---- what the server is -------------------------------------------------
    @property
    def root_url(self) -> str:
        """The server's address without the ``/v1`` API prefix (llama.cpp's ``/props``, ``/tokenize``)."""
        return re.sub(r"/v\d+/?$", "", self.base_url.rstrip("/"))

    def _get_json(self, url: str, *, post: dict[str, object] | None = None, seconds: float = 10.0) -> object:
        """A small JSON answer (at most ``_INFO_LIMIT`` bytes, decoded, within ``seconds``); None on any failure."""
        end = time.monotonic() + min(seconds, self.timeout)
        headers = {"Authorization": f"Bearer {self._key.get_secret_value()}"}
        try:
            with self._client.stream(
                "POST" if post is not None else "GET", url, json=post, headers=headers,
                timeout=httpx.Timeout(min(seconds, self.timeout)),
            ) as resp:
                if resp.status_code != 200:
                    return None
                data = _bounded_body(resp, _INFO_LIMIT, end)
        except httpx.HTTPError:
            return None
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None

    def context_length(self) -> int | None:
        """The model's context in tokens: DRAFTER_OPENAI_CONTEXT, else what the server says (asked once)."""
        with self._probe_lock:  # sections start together: one asks, the others wait for its answer
            with self._lock:
                if self._context_known:
                    return self._context
            found = self._server_context()
            with self._lock:
                if not self._context_known:
                    self._context, self._context_known = found, True
                return self._context

    def _server_context(self) -> int | None:
        listed = self._get_json(self.base_url.rstrip("/") + "/models")
        entries = listed.get("data") if isinstance(listed, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("id") == self.model:
                found = _context_in(entry)
                if found:
                    return found
        props = self._get_json(self.root_url + "/props")
        if isinstance(props, dict):
            return _context_in(props)
        return None

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` as the server counts them (its tokenizer if it has one), else an estimate."""
        with self._probe_lock:
            if not self._counter_probed:
                self._counter = self._find_counter()
                self._counter_probed = True
        if self._counter is not None:
            n = self._counter(text)
            if n is not None:
                return n
        return estimate_tokens(text)

    def _find_counter(self) -> Callable[[str], int | None] | None:
        def llama_cpp_python(text: str) -> int | None:
            got = self._get_json(self.root_url + "/extras/tokenize/count", post={"input": text, "model": self.model})
            count = got.get("count") if isinstance(got, dict) else None
            return count if isinstance(count, int) else None

        def llama_cpp(text: str) -> int | None:
            got = self._get_json(self.root_url + "/tokenize", post={"content": text})
            tokens = got.get("tokens") if isinstance(got, dict) else None
            return len(tokens) if isinstance(tokens, list) else None

        for counter in (llama_cpp_python, llama_cpp):
            if counter("好") is not None:
                return counter
        return None

    def notice(self, text: str) -> None:
        with self._lock:
            if text not in self.notices:
                self.notices.append(text)

    def stream(
        self,
        messages: Sequence[Message],
        callbacks: TextCallback | None = None,
        *,
        max_tokens: int | None = None,
    ) -> str:
        """Stream an answer; retry transient failures before any text was shown.

        ``max_tokens`` (the section's length budget in tokens) is sent to the server.
        """
        shared = _DRAFT_DEADLINE.get()
        if shared is not None:  # waiting for a turn counts against the draft, not the section
            self._take_slot(shared, "全稿时限（DRAFTER_DRAFT_DEADLINE）")
        else:
            self._take_slot(*self._deadline())
        deadline, limit = self._deadline()
        try:
            return self._stream_attempts(messages, callbacks, max_tokens, deadline, limit)
        finally:
            with self._slots:
                self._running -= 1
                self._slots.notify_all()

    def _take_slot(self, deadline: float, limit: str) -> None:
        """Wait until fewer than ``concurrency`` answers are running (1 once the server cut one)."""
        with self._slots:
            while self._running >= max(1, self.concurrency):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BackendUnavailable(
                        f"模型服务器 {self.base_url} 正在逐个处理请求，本节等候超过{limit}。"
                        "请检查服务器负载，或调大时限后重试" + _OFFLINE_HINT
                    )
                self._slots.wait(min(left, 1.0))
            self._running += 1

    def _stream_attempts(
        self, messages: Sequence[Message], callbacks: TextCallback | None, max_tokens: int | None,
        deadline: float, limit: str,
    ) -> str:
        attempt = 0
        while True:
            answer = _Answer(callbacks, self.max_answer_chars)
            with self._lock:
                self._inflight += 1
                crowded = self._inflight > 1
            try:
                return self._stream_once(messages, answer, deadline, limit, max_tokens)
            except BackendIncomplete as err:
                self._trouble(crowded, str(err))
                raise
            except _Transient as err:
                self._trouble(crowded, str(err.final))
                if not answer.partial and _cut(str(err.final)):
                    self._diagnose(messages, deadline)  # raises ContextOverflow when that is the cause
                if answer.partial:  # never retried: the writer has seen this text
                    what = str(err.final).split("。", 1)[0]
                    raise BackendIncomplete(
                        f"{what}。回答不完整，已写出的部分保留为未完成稿，请重新生成本节" + _OFFLINE_HINT,
                        answer.partial,
                    ) from None
                delay = self._backoff * (2**attempt)
                if attempt >= self.max_retries or time.monotonic() + delay >= deadline:
                    raise err.final from None
                log.warning("模型服务器暂时失败（%s），%.1f 秒后重试", type(err.final).__name__, delay)
                self._sleep(delay)
                attempt += 1
            finally:
                with self._lock:
                    self._inflight -= 1

    def _diagnose(self, messages: Sequence[Message], deadline: float) -> None:
        """A stream cut before any text: ask once without streaming, where a server such as
        llama-cpp-python says what went wrong (「maximum context length is 4096」) instead of cutting."""
        if estimate_tokens("".join(m.get("content", "") for m in messages)) < _DIAGNOSE_FROM:
            return  # a short prompt fits any model: the cut has another cause
        with self._lock:
            if self._diagnosed:
                return
            self._diagnosed = True
        body = {
            "model": self.model,
            "messages": [{"role": m.get("role", "user"), "content": m.get("content", "")} for m in messages],
            "stream": False,
            "max_tokens": 1,
        }
        wait = max(0.1, min(self.timeout, deadline - time.monotonic()))
        headers = {"Authorization": f"Bearer {self._key.get_secret_value()}"}
        detail = ""
        for _ in range(2):  # the kept-alive connection of the cut stream may be reset: once more on a new one
            try:
                with self._client.stream(
                    "POST", self._url, json=body, headers=headers, timeout=httpx.Timeout(wait)
                ) as resp:
                    if resp.status_code == 200:
                        return
                    detail = _error_detail(resp, deadline)
                    break
            except httpx.TransportError:
                continue
            except httpx.HTTPError:
                return
        if _OVERFLOW_RE.search(detail):
            raise self._overflow(detail)

    def _trouble(self, crowded: bool, message: str) -> None:
        """Count an answer cut or refused while another request was running (the engine then slows down)."""
        with self._lock:
            if (crowded or self._inflight > 1) and _interrupted(message):
                self.parallel_trouble += 1
                self.concurrency = 1  # from now on one answer at a time (the engine says so)

    # ---- one attempt --------------------------------------------------------
    def _stream_once(
        self, messages: Sequence[Message], answer: _Answer, deadline: float, limit: str, max_tokens: int | None
    ) -> str:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._overdue(answer, limit)
        wait = min(self.timeout, remaining)
        body: dict[str, object] = {
            "model": self.model,
            "messages": [{"role": m.get("role", "user"), "content": m.get("content", "")} for m in messages],
            "stream": True,
            "temperature": self.temperature,
        }
        if max_tokens:
            body["max_tokens"] = int(max_tokens)
        headers = {
            "Authorization": f"Bearer {self._key.get_secret_value()}",
            "Accept": "text/event-stream",
        }
        try:
            with self._client.stream(
                "POST", self._url, json=body, headers=headers, timeout=httpx.Timeout(wait)
            ) as resp:
                if resp.status_code != 200:
                    detail = _error_detail(resp, deadline)
                    if _OVERFLOW_RE.search(detail):
                        raise self._overflow(detail)
                    raise self._status_error(resp.status_code, detail)
                kind = resp.headers.get("content-type", "")
                if "json" in kind and "event-stream" not in kind:  # a server that ignores stream=true
                    self._read_json(resp, answer, deadline, limit)
                else:
                    self._read_events(resp, answer, deadline, limit)
        except (_Transient, BackendError):
            raise
        except httpx.TimeoutException:
            raise _Transient(
                BackendUnavailable(
                    f"模型服务器 {self.base_url} 在 {self.timeout:g} 秒内没有应答。请检查服务器负载，"
                    "调大 DRAFTER_OPENAI_TIMEOUT" + _OFFLINE_HINT
                )
            ) from None
        except httpx.RemoteProtocolError as err:  # the body ended early: a cut stream
            raise _Transient(
                BackendUnavailable(
                    f"模型服务器 {self.base_url} 在输出中途断开连接（{_short(err)}）。请稍后重试" + _OFFLINE_HINT
                )
            ) from None
        except httpx.TransportError as err:
            raise _Transient(
                BackendUnavailable(
                    f"无法连接模型服务器 {self.base_url}（{_short(err)}）。请检查 DRAFTER_OPENAI_BASE_URL "
                    "和服务器是否已启动" + _OFFLINE_HINT
                )
            ) from None
        except httpx.HTTPError as err:
            raise BackendModelError(f"调用模型时出错：{_short(err)}" + _OFFLINE_HINT) from None
        return self._accept(answer)

    def _read_events(self, resp: httpx.Response, answer: _Answer, deadline: float, limit: str) -> None:
        buf = b""
        for chunk in resp.iter_bytes():
            if time.monotonic() > deadline:
                raise self._overdue(answer, limit)
            buf += chunk
            if len(buf) > _LINE_LIMIT and b"\n" not in buf:
                raise self._malformed(answer, "单行超过 1 MB")
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if not self._event(line.strip(), answer):
                    return
        if buf.strip():
            self._event(buf.strip(), answer)

    def _event(self, line: bytes, answer: _Answer) -> bool:
        """Handle one SSE line; False when the answer is over (``[DONE]``)."""
        if not line.startswith(b"data:"):
            return True  # comments, ``event:``, keep-alives
        data = line[5:].strip()
        if data == b"[DONE]":
            answer.done = True
            return False
        try:
            event = json.loads(data)
        except ValueError:
            raise self._malformed(answer, "事件不是合法的 JSON") from None
        if not isinstance(event, dict):
            raise self._malformed(answer, "事件不是 JSON 对象")
        if event.get("error"):
            detail = event["error"].get("message") if isinstance(event["error"], dict) else event["error"]
            if _OVERFLOW_RE.search(str(detail)) and not answer.partial:
                raise self._overflow(str(detail))
            raise BackendIncomplete(
                f"模型服务器 {self.base_url} 在输出中报错（{_short(detail)}）。已写出的部分保留为未完成稿，请重新生成本节。",
                answer.partial,
            )
        for choice in event.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta") or choice.get("message") or {}
            piece = _content(delta.get("content") if isinstance(delta, dict) else None)
            if piece and not answer.add(piece):
                raise self._too_long(answer)
            if choice.get("finish_reason"):
                answer.finish = str(choice["finish_reason"])
        return True

    def _read_json(self, resp: httpx.Response, answer: _Answer, deadline: float, limit: str) -> None:
        data = b""
        for chunk in resp.iter_bytes():
            if time.monotonic() > deadline:  # a body that trickles in byte by byte
                raise self._overdue(answer, limit)
            data += chunk
            if len(data) > 8 * self.max_answer_chars + _ERROR_BODY_LIMIT:
                raise self._too_long(answer)
        try:
            choice = json.loads(data)["choices"][0]
            text = _content(choice["message"]["content"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise self._malformed(answer, "不是聊天补全的 JSON") from None
        if not answer.add(text):
            raise self._too_long(answer)
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        answer.done, answer.finish = True, str(finish) if finish else None

    def _accept(self, answer: _Answer) -> str:
        if not answer.done:  # the body ended cleanly but without its terminator
            raise _Transient(
                BackendUnavailable(
                    f"模型服务器 {self.base_url} 的应答没有结束标记（[DONE]），回答可能不完整。请稍后重试" + _OFFLINE_HINT
                )
            )
        answer.finish_stream()
        if answer.finish is None:  # llama.cpp ends an answer it interrupted for another request this way
            message = (
                f"模型服务器 {self.base_url} 结束了应答，但没有给出结束原因（finish_reason 应为 stop），"
                "回答可能被服务器中止（例如服务器同时收到了其他请求）"
            )
            if answer.partial:
                raise BackendIncomplete(message + "。已写出的部分保留为未完成稿，请重新生成本节。", answer.partial)
            raise _Transient(BackendUnavailable(message + "。请稍后重试" + _OFFLINE_HINT))
        if answer.finish != "stop":
            why = "达到了服务器的输出长度上限" if answer.finish == "length" else f"被服务器中止（{answer.finish}）"
            raise BackendIncomplete(
                f"模型的回答{why}（finish_reason={_short(answer.finish, 40)}），内容不完整。"
                "已写出的部分保留为未完成稿；请调大服务器的最大输出长度后重新生成本节。",
                answer.partial,
            )
        text = answer.partial
        if not text:
            if answer.raw_chars:
                raise BackendModelError(
                    f"模型“{self.model}”只输出了思考过程（<think>），没有给出正文。请换用非推理模型或调大输出长度。"
                )
            raise BackendModelError(
                f"模型“{self.model}”返回了空白内容。请检查 DRAFTER_OPENAI_MODEL 是否为对话模型" + _OFFLINE_HINT
            )
        return text

    # ---- errors ---------------------------------------------------------------
    def _overdue(self, answer: _Answer, limit: str) -> BackendError:
        if answer.partial:
            return BackendIncomplete(
                f"模型服务器 {self.base_url} 超过{limit}仍未写完本节。已写出的部分保留为未完成稿；"
                "请检查服务器负载，或调大时限后重新生成本节。",
                answer.partial,
            )
        return BackendUnavailable(
            f"模型服务器 {self.base_url} 超过{limit}仍未给出本节。请检查服务器负载，或调大时限后重试" + _OFFLINE_HINT
        )

    def _overflow(self, detail: str) -> ContextOverflow:
        limit = _overflow_limit(detail)
        if limit:
            with self._lock:
                self._context, self._context_known = limit, True
        size = f"（{limit}）" if limit else ""
        return ContextOverflow(
            f"提示词超过模型上下文{size}：服务器说“{_short(detail, 160)}”。"
            "请设置 DRAFTER_OPENAI_CONTEXT 为模型的上下文长度，或换用上下文更长的模型。",
            limit,
        )

    def _too_long(self, answer: _Answer) -> BackendIncomplete:
        return BackendIncomplete(
            f"模型的回答超过一节的长度上限 {self.max_answer_chars} 字（DRAFTER_MAX_ANSWER_CHARS），已在上限处截断，"
            "本节标为失败。请检查模型是否在重复输出，或调大上限后重新生成本节。",
            answer.partial,
        )

    def _malformed(self, answer: _Answer, why: str) -> BackendError:
        message = (
            f"模型服务器 {self.base_url} 的应答格式无法识别（{why}）。"
            "请确认它提供 OpenAI 兼容的 /v1/chat/completions 接口"
        )
        if answer.partial:
            return BackendIncomplete(message + "。已写出的部分保留为未完成稿。", answer.partial)
        return BackendModelError(message + _OFFLINE_HINT)

    def _status_error(self, status: int, detail: str) -> Exception:
        where = self.base_url
        if status in (401, 403):
            return BackendAuthError(
                f"模型服务器 {where} 拒绝了 API 密钥（HTTP {status}）。"
                "请检查 DRAFTER_OPENAI_API_KEY 是否正确、是否有权使用该模型。"
            )
        if status == 404:
            return BackendModelError(
                f"模型服务器 {where} 上没有模型“{self.model}”（HTTP 404）。"
                "请检查 DRAFTER_OPENAI_MODEL（可用 `drafter draft --test-connection` 查看可用模型）。"
            )
        if status == 429 or status >= 500:
            return _Transient(
                BackendUnavailable(
                    f"模型服务器 {where} 暂时出错（HTTP {status}），重试 {self.max_retries} 次后仍失败。"
                    "请稍后再试" + _OFFLINE_HINT
                )
            )
        return BackendModelError(
            f"模型服务器 {where} 拒绝了请求（HTTP {status}：{_short(detail)}）。"
            "请检查 DRAFTER_OPENAI_MODEL 和服务器设置。"
        )

    def _map_error(self, err: Exception) -> Exception:
        """An ``openai`` client exception (connection test) as a drafter error."""
        import openai  # only the connection test uses the SDK (0.5 s to import)

        if isinstance(err, (openai.APITimeoutError, httpx.TimeoutException)):
            return _Transient(
                BackendUnavailable(
                    f"模型服务器 {self.base_url} 在 {self.timeout:g} 秒内没有应答。请检查服务器负载，"
                    "调大 DRAFTER_OPENAI_TIMEOUT" + _OFFLINE_HINT
                )
            )
        if isinstance(err, (openai.APIConnectionError, httpx.TransportError)):
            return _Transient(
                BackendUnavailable(
                    f"无法连接模型服务器 {self.base_url}（{_short(err)}）。请检查 DRAFTER_OPENAI_BASE_URL "
                    "和服务器是否已启动" + _OFFLINE_HINT
                )
            )
        if isinstance(err, openai.APIStatusError):
            return self._status_error(err.status_code, str(err))
        return BackendModelError(
            f"模型服务器 {self.base_url} 的应答格式无法识别（{_short(err)}）。"
            "请确认它提供 OpenAI 兼容的 /v1/chat/completions 接口" + _OFFLINE_HINT
        )


_DIAGNOSE_FROM = 1000  # estimated prompt tokens below which a cut stream is not put down to the context
_INFO_LIMIT = 2 * 1024 * 1024  # a model list or /props: a few KB; a hostile one stops here


def _bounded_body(resp: httpx.Response, limit: int, end: float) -> bytes | None:
    """At most ``limit`` decoded bytes of a body until ``end`` (monotonic); None when over either."""
    data = b""
    for chunk in resp.iter_bytes():
        data += chunk
        if len(data) > limit or time.monotonic() > end:
            return None
    return data


def _context_in(info: dict[str, object]) -> int | None:
    """A context length in a server's model entry or ``/props`` (llama.cpp, vLLM, LM Studio shapes)."""
    places: list[object] = [info]
    for key in ("meta", "default_generation_settings", "details"):
        if isinstance(info.get(key), dict):
            places.append(info[key])
    for place in places:
        assert isinstance(place, dict)
        for key in ("n_ctx", "max_model_len", "context_length", "context_window", "max_context_length", "n_ctx_train"):
            value = place.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and 256 <= value <= 10_000_000:
                return value
    return None


def estimate_tokens(text: str) -> int:
    """A cautious token count for a server without a tokenizer endpoint (CJK: 1.5 a character)."""
    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    return int(wide * 1.5 + (len(text) - wide) / 3.5) + 1


def _cut(message: str) -> bool:
    return "中途断开" in message or "结束标记" in message


def _interrupted(message: str) -> bool:
    """Whether a failure looks like a server cutting or refusing an answer (not a wrong setting)."""
    return any(w in message for w in ("中途断开", "finish_reason", "结束标记", "HTTP 429", "HTTP 503", "没有应答"))


def _content(value: object) -> str:
    """Text of a ``content`` field: a string or a list of text blocks."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        parts = []
        for block in value:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return _clean("".join(parts))
    return ""


def _error_detail(resp: httpx.Response, deadline: float | None = None) -> str:
    """The server's error message (first 64 KB of the body, read until ``deadline``), for a message."""
    data = b""
    try:
        for chunk in resp.iter_bytes():
            data += chunk
            if len(data) >= _ERROR_BODY_LIMIT or (deadline is not None and time.monotonic() > deadline):
                break
    except httpx.HTTPError:
        pass
    text = _clean(data[:_ERROR_BODY_LIMIT].decode("utf-8", "replace"))
    try:
        err = json.loads(text).get("error")
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
    except (ValueError, AttributeError):
        pass
    return text or resp.reason_phrase


def _short(err: object, limit: int = 120) -> str:
    """A one-line, secret-free excerpt of an error for a user message."""
    text = redact(_clean(" ".join(str(err).split()))) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def open_chat_model(settings: Settings) -> OpenAIChatModel:
    """The OpenAI-compatible model the settings describe (raises ConfigError if incomplete)."""
    return OpenAIChatModel(settings)


def test_connection(settings: Settings) -> str:
    """Ask the server what it offers; return a Chinese report of what it said.

    Lists the models (``GET /models``, read up to 2 MB within the timeout, however
    the server compresses it); if the server has no models endpoint, sends a one-word
    completion instead. Then says the model's context length (where the server or
    DRAFTER_OPENAI_CONTEXT gives it) and whether the server answered two requests at
    once. Raises the same errors as drafting would.
    """
    model = OpenAIChatModel(settings)
    names = _list_models(model)
    parts: list[str] = []
    if names is not None:
        shown = [_short(n, 60) for n in names[:10]]
        listed = "、".join(shown) + ("等" if len(names) > 10 else "")
        if model.model not in names:
            raise BackendModelError(
                f"已连接 {model.base_url}，但没有模型“{_short(model.model, 60)}”。服务器提供：{listed or '（无）'}。"
                "请修改 DRAFTER_OPENAI_MODEL。"
            )
        parts.append(f"已连接 {model.base_url}：服务器提供 {len(names)} 个模型（{listed}），“{model.model}”可用。")
    else:
        answer = model.stream([{"role": "user", "content": "请只回答：好"}], max_tokens=16)
        parts.append(f"已连接 {model.base_url}：模型“{model.model}”回答“{_short(answer, 40)}”。")
    context = model.context_length()
    parts.append(
        f"上下文长度：{context} 个词元。"
        if context
        else "上下文长度：服务器未说明（可设置 DRAFTER_OPENAI_CONTEXT，提示词将按它压缩）。"
    )
    parts.append(_parallel_probe(model))
    return "\n".join(parts)


def _list_models(model: OpenAIChatModel) -> list[str] | None:
    """Model ids from ``GET /models`` (None when the server has no such endpoint)."""
    end = time.monotonic() + model.timeout
    headers = {"Authorization": f"Bearer {model._key.get_secret_value()}"}
    try:
        with model._client.stream("GET", model.base_url.rstrip("/") + "/models", headers=headers) as resp:
            if resp.status_code == 404:
                return None
            if resp.status_code != 200:
                mapped = model._status_error(resp.status_code, _error_detail(resp, end))
                raise (mapped.final if isinstance(mapped, _Transient) else mapped)
            data = _bounded_body(resp, _INFO_LIMIT, end)
    except httpx.TimeoutException:
        raise BackendUnavailable(
            f"模型服务器 {model.base_url} 在 {model.timeout:g} 秒内没有应答。请检查服务器负载，"
            "调大 DRAFTER_OPENAI_TIMEOUT" + _OFFLINE_HINT
        ) from None
    except httpx.TransportError as err:
        raise BackendUnavailable(
            f"无法连接模型服务器 {model.base_url}（{_short(err)}）。请检查 DRAFTER_OPENAI_BASE_URL "
            "和服务器是否已启动" + _OFFLINE_HINT
        ) from None
    if data is None:
        raise BackendModelError(
            f"模型服务器 {model.base_url} 的模型列表超过 {_INFO_LIMIT // (1024 * 1024)} MB 或未在 "
            f"{model.timeout:g} 秒内传完，已停止读取。请确认地址指向 OpenAI 兼容接口。"
        )
    try:
        entries = json.loads(data)["data"]
        return [str(e["id"]) for e in entries if isinstance(e, dict) and "id" in e]
    except (ValueError, KeyError, TypeError):
        raise BackendModelError(
            f"模型服务器 {model.base_url} 的模型列表格式无法识别。请确认它提供 OpenAI 兼容的 /v1/models 接口"
        ) from None


def _parallel_probe(model: OpenAIChatModel) -> str:
    """Send two short requests at once; say whether the server answered both."""
    results: list[str | None] = [None, None]

    def ask(i: int) -> None:
        try:
            model.stream([{"role": "user", "content": "请只回答：好"}], max_tokens=8)
            results[i] = "ok"
        except BackendIncomplete as err:  # a tiny max_tokens may end in "length": it still answered
            results[i] = "ok" if "输出长度上限" in str(err) else _short(str(err).split("。")[0], 80)
        except BackendError as err:
            results[i] = _short(str(err).split("。")[0], 80)

    threads = [threading.Thread(target=ask, args=(i,), daemon=True) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(model.section_deadline + 5)
    if results == ["ok", "ok"]:
        return f"同时处理两个请求：可以（撰写时最多同时发送 {model.concurrency} 个部分，DRAFTER_OPENAI_CONCURRENCY）。"
    why = next((r for r in results if r not in (None, "ok")), "未在时限内应答")
    return f"同时处理两个请求：不可以（{why}）。撰写时将逐个发送各部分；可设置 DRAFTER_OPENAI_CONCURRENCY=1。"


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
