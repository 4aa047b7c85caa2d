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
        self._key = settings.openai_api_key or SecretStr("not-needed")  # local servers ignore it
        register_secret(self._key)
        install_log_redaction()
        self._url = self.base_url.rstrip("/") + "/chat/completions"
        self._client = httpx.Client(timeout=httpx.Timeout(self.timeout), follow_redirects=False)

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIChatModel(base_url={self.base_url!r}, model={self.model!r})"

    def _deadline(self) -> tuple[float, str]:
        """This answer's deadline (monotonic) and what to call it in a message."""
        own = time.monotonic() + self.section_deadline
        shared = _DRAFT_DEADLINE.get()
        if shared is not None and shared < own:
            return shared, "全稿时限（DRAFTER_DRAFT_DEADLINE）"
        return own, f"本节时限 {self.section_deadline:g} 秒（DRAFTER_SECTION_DEADLINE）"

    def stream(self, messages: Sequence[Message], callbacks: TextCallback | None = None) -> str:
        """Stream an answer; retry transient failures before any text was shown."""
        deadline, limit = self._deadline()
        attempt = 0
        while True:
            answer = _Answer(callbacks, self.max_answer_chars)
            try:
                return self._stream_once(messages, answer, deadline, limit)
            except _Transient as err:
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

    # ---- one attempt --------------------------------------------------------
    def _stream_once(self, messages: Sequence[Message], answer: _Answer, deadline: float, limit: str) -> str:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._overdue(answer, limit)
        wait = min(self.timeout, remaining)
        body = {
            "model": self.model,
            "messages": [{"role": m.get("role", "user"), "content": m.get("content", "")} for m in messages],
            "stream": True,
            "temperature": self.temperature,
        }
        headers = {
            "Authorization": f"Bearer {self._key.get_secret_value()}",
            "Accept": "text/event-stream",
        }
        try:
            with self._client.stream(
                "POST", self._url, json=body, headers=headers, timeout=httpx.Timeout(wait)
            ) as resp:
                if resp.status_code != 200:
                    raise self._status_error(resp.status_code, _error_detail(resp))
                kind = resp.headers.get("content-type", "")
                if "json" in kind and "event-stream" not in kind:  # a server that ignores stream=true
                    self._read_json(resp, answer)
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

    def _read_json(self, resp: httpx.Response, answer: _Answer) -> None:
        data = b""
        for chunk in resp.iter_bytes():
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
        answer.done, answer.finish = True, choice.get("finish_reason") or "stop"

    def _accept(self, answer: _Answer) -> str:
        if not answer.done:  # the body ended cleanly but without its terminator
            raise _Transient(
                BackendUnavailable(
                    f"模型服务器 {self.base_url} 的应答没有结束标记（[DONE]），回答可能不完整。请稍后重试" + _OFFLINE_HINT
                )
            )
        answer.finish_stream()
        if answer.finish not in (None, "stop"):
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


def _content(value: object) -> str:
    """Text of a ``content`` field: a string or a list of text blocks."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for block in value:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)
    return ""


def _error_detail(resp: httpx.Response) -> str:
    """The server's error message (first 64 KB of the body), for a message."""
    data = b""
    try:
        for chunk in resp.iter_bytes():
            data += chunk
            if len(data) >= _ERROR_BODY_LIMIT:
                break
    except httpx.HTTPError:
        pass
    text = data[:_ERROR_BODY_LIMIT].decode("utf-8", "replace")
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
    text = redact(" ".join(str(err).split())) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def open_chat_model(settings: Settings) -> OpenAIChatModel:
    """The OpenAI-compatible model the settings describe (raises ConfigError if incomplete)."""
    return OpenAIChatModel(settings)


def test_connection(settings: Settings) -> str:
    """Ask the server what it offers; return a Chinese report of what it said.

    Lists the models (``GET /models``); if the server has no models endpoint, sends a
    one-word completion instead. Raises the same errors as drafting would.
    """
    import openai  # drafting reads the stream itself; the SDK is imported only here

    model = OpenAIChatModel(settings)
    client = openai.OpenAI(
        base_url=model.base_url,
        api_key=(settings.openai_api_key or SecretStr("not-needed")).get_secret_value(),
        timeout=model.timeout,
        max_retries=0,
    )
    try:
        names = [m.id for m in client.models.list()]
    except openai.NotFoundError:
        names = None
    except Exception as err:  # noqa: BLE001
        mapped = model._map_error(err)
        raise (mapped.final if isinstance(mapped, _Transient) else mapped) from None
    if names is not None:
        listed = "、".join(names[:10]) + ("等" if len(names) > 10 else "")
        if model.model not in names:
            raise BackendModelError(
                f"已连接 {model.base_url}，但没有模型“{model.model}”。服务器提供：{listed or '（无）'}。"
                "请修改 DRAFTER_OPENAI_MODEL。"
            )
        return f"已连接 {model.base_url}：服务器提供 {len(names)} 个模型（{listed}），“{model.model}”可用。"
    answer = model.stream([{"role": "user", "content": "请只回答：好"}])
    return f"已连接 {model.base_url}：模型“{model.model}”回答“{answer[:40]}”。"


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
