"""The one seam to a language model: :class:`ChatModel` and its OpenAI-compatible form.

This is the ONLY module that imports ``openai`` / ``langchain_openai``. Everything
else talks to a :class:`ChatModel`: ``stream(messages, callbacks) -> text``, where
``messages`` are ``{"role": ..., "content": ...}`` dicts and ``callbacks`` (optional)
receives the visible text as it arrives.

:class:`OpenAIChatModel` covers vLLM, Ollama, DeepSeek, Qwen and OpenAI itself through
langchain-openai's ``ChatOpenAI`` (base URL, model, key, timeout from
:class:`~drafter.settings.Settings`). It

* streams and strips a reasoning model's ``<think>…</think>`` — also while
  streaming, so thinking text never reaches the user;
* retries transient failures (connection refused, timeout, HTTP 429/5xx, a stream
  cut before any text arrived) with exponential backoff;
* maps failures to :class:`~drafter.errors.BackendUnavailable`,
  :class:`~drafter.errors.BackendAuthError` and
  :class:`~drafter.errors.BackendModelError`, whose Chinese messages say what to do.

The API key is a ``SecretStr`` handed straight to the client; it is never logged,
printed or put in an error message.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import httpx
import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from .errors import (
    BackendAuthError,
    BackendError,
    BackendModelError,
    BackendUnavailable,
    ConfigError,
)
from .settings import Settings

__all__ = [
    "ChatModel",
    "Message",
    "OpenAIChatModel",
    "TextCallback",
    "ThinkFilter",
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


def _to_langchain(messages: Sequence[Message]) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for m in messages:
        role, content = m.get("role", "user"), m.get("content", "")
        if role == "system":
            out.append(SystemMessage(content))
        elif role == "assistant":
            out.append(AIMessage(content))
        else:
            out.append(HumanMessage(content))
    return out


def _chunk_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)
    return ""


class _Transient(Exception):
    """A failure worth retrying; ``final`` is the error to raise when retries run out."""

    def __init__(self, final: BackendError) -> None:
        super().__init__(str(final))
        self.final = final


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
        self._backoff = backoff
        self._sleep = sleep
        key = settings.openai_api_key or SecretStr("not-needed")  # local servers ignore it
        self._llm = ChatOpenAI(
            model=self.model,
            base_url=self.base_url,
            api_key=key,
            timeout=self.timeout,
            max_retries=0,  # retries are ours, so a stream cut early is retried too
            temperature=settings.temperature,
            streaming=True,
        )

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIChatModel(base_url={self.base_url!r}, model={self.model!r})"

    def stream(self, messages: Sequence[Message], callbacks: TextCallback | None = None) -> str:
        """Stream an answer; retry transient failures before any text was shown."""
        attempt = 0
        while True:
            shown: list[str] = []
            try:
                return self._stream_once(messages, callbacks, shown)
            except _Transient as err:
                if shown or attempt >= self.max_retries:
                    if shown:
                        raise BackendUnavailable(
                            f"模型服务器 {self.base_url} 在输出中途断开连接，已写出的部分未采用。"
                            "请重试本节" + _OFFLINE_HINT
                        ) from None
                    raise err.final from None
                delay = self._backoff * (2**attempt)
                log.warning("模型服务器暂时失败（%s），%.1f 秒后重试", type(err.final).__name__, delay)
                self._sleep(delay)
                attempt += 1

    def _stream_once(
        self, messages: Sequence[Message], callbacks: TextCallback | None, shown: list[str]
    ) -> str:
        think = ThinkFilter()
        raw: list[str] = []
        try:
            for chunk in self._llm.stream(_to_langchain(messages)):
                piece = _chunk_text(chunk.content)
                if not piece:
                    continue
                raw.append(piece)
                visible = think.feed(piece)
                if visible:
                    shown.append(visible)
                    if callbacks is not None:
                        callbacks(visible)
            tail = think.flush()
            if tail:
                shown.append(tail)
                if callbacks is not None:
                    callbacks(tail)
        except BackendError:
            raise
        except Exception as err:  # noqa: BLE001 - every client failure is mapped here
            raise self._map_error(err) from None
        text = "".join(shown).strip()
        if not text:
            if "".join(raw).strip():
                raise BackendModelError(
                    f"模型“{self.model}”只输出了思考过程（<think>），没有给出正文。请换用非推理模型或调大输出长度。"
                )
            raise BackendModelError(
                f"模型“{self.model}”返回了空白内容。请检查 DRAFTER_OPENAI_MODEL 是否为对话模型" + _OFFLINE_HINT
            )
        return text

    def _map_error(self, err: Exception) -> Exception:
        """A client exception as a drafter error (wrapped in :class:`_Transient` if retryable)."""
        where = self.base_url
        if isinstance(err, (openai.APITimeoutError, httpx.TimeoutException)):
            return _Transient(
                BackendUnavailable(
                    f"模型服务器 {where} 在 {self.timeout:g} 秒内没有应答。请检查服务器负载，"
                    "调大 DRAFTER_OPENAI_TIMEOUT" + _OFFLINE_HINT
                )
            )
        if isinstance(err, (openai.APIConnectionError, httpx.TransportError)):
            return _Transient(
                BackendUnavailable(
                    f"无法连接模型服务器 {where}（{_short(err)}）。请检查 DRAFTER_OPENAI_BASE_URL "
                    "和服务器是否已启动" + _OFFLINE_HINT
                )
            )
        if isinstance(err, (openai.AuthenticationError, openai.PermissionDeniedError)):
            return BackendAuthError(
                f"模型服务器 {where} 拒绝了 API 密钥（HTTP {err.status_code}）。"
                "请检查 DRAFTER_OPENAI_API_KEY 是否正确、是否有权使用该模型。"
            )
        if isinstance(err, openai.NotFoundError):
            return BackendModelError(
                f"模型服务器 {where} 上没有模型“{self.model}”（HTTP 404）。"
                "请检查 DRAFTER_OPENAI_MODEL（可用 `drafter draft --test-connection` 查看可用模型）。"
            )
        if isinstance(err, openai.RateLimitError) or (
            isinstance(err, openai.APIStatusError) and err.status_code >= 500
        ):
            return _Transient(
                BackendUnavailable(
                    f"模型服务器 {where} 暂时出错（HTTP {err.status_code}），重试 {self.max_retries} 次后仍失败。"
                    "请稍后再试" + _OFFLINE_HINT
                )
            )
        if isinstance(err, openai.APIStatusError):
            return BackendModelError(
                f"模型服务器 {where} 拒绝了请求（HTTP {err.status_code}：{_short(err)}）。"
                "请检查 DRAFTER_OPENAI_MODEL 和服务器设置。"
            )
        if isinstance(err, (json.JSONDecodeError, ValueError, KeyError, TypeError, openai.APIError)):
            return BackendModelError(
                f"模型服务器 {where} 的应答格式无法识别（{_short(err)}）。"
                "请确认它提供 OpenAI 兼容的 /v1/chat/completions 接口" + _OFFLINE_HINT
            )
        return BackendModelError(f"调用模型时出错：{_short(err)}" + _OFFLINE_HINT)


def _short(err: BaseException, limit: int = 120) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def open_chat_model(settings: Settings) -> OpenAIChatModel:
    """The OpenAI-compatible model the settings describe (raises ConfigError if incomplete)."""
    return OpenAIChatModel(settings)


def test_connection(settings: Settings) -> str:
    """Ask the server what it offers; return a Chinese report of what it said.

    Lists the models (``GET /models``); if the server has no models endpoint, sends a
    one-word completion instead. Raises the same errors as drafting would.
    """
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
