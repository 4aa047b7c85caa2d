"""Secrets out of every message: :func:`redact` before anything is shown, logged or saved.

An OpenAI-compatible server may echo the request back in an error (``Authorization:
Bearer sk-…``); that text must never reach stderr, the database, a file or the page.
:func:`redact` replaces

* every key registered with :func:`register_secret` (the model client registers the
  key it was given) and the one in ``DRAFTER_OPENAI_API_KEY``;
* anything shaped like a token: ``Bearer <token>``, ``sk-…``, ``api_key=…``

with ``***``. :func:`install_log_redaction` makes every log record pass through it.

>>> redact("HTTP 400: header was Bearer sk-abc123secret")
'HTTP 400: header was Bearer ***'
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any

__all__ = ["MASK", "install_log_redaction", "redact", "register_secret"]

MASK = "***"
_MIN_SECRET = 6  # shorter values would mask ordinary words

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic|token)(\s+|%20)[A-Za-z0-9._~+/=:-]{4,}"), r"\1\2" + MASK),
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{4,}"), "sk-" + MASK),
    (
        re.compile(
            r"(?i)\b(api[_-]?key|access[_-]?token|authorization|x-api-key)(\"?'?\s*[:=]\s*\"?'?)"
            r"(?!(?:bearer|basic|token)\b|\*\*\*)[^\s\"',;}]+"
        ),
        r"\1\2" + MASK,
    ),
)


def register_secret(value: Any) -> None:
    """Remember a secret (a ``str`` or pydantic ``SecretStr``) so :func:`redact` masks it."""
    if value is None:
        return
    getter = getattr(value, "get_secret_value", None)
    text = str(getter() if callable(getter) else value).strip()
    if len(text) >= _MIN_SECRET:
        with _lock:
            _secrets.add(text)


def _known() -> list[str]:
    env = os.environ.get("DRAFTER_OPENAI_API_KEY", "").strip()
    with _lock:
        known = set(_secrets)
    if len(env) >= _MIN_SECRET:
        known.add(env)
    return sorted(known, key=len, reverse=True)


def redact(text: Any) -> str:
    """``text`` (any object, as ``str``) with every secret and token-shaped string masked."""
    out = str(text) if text is not None else ""
    for secret in _known():
        if secret in out:
            out = out.replace(secret, MASK)
    for pattern, repl in _PATTERNS:
        out = pattern.sub(repl, out)
    return out


def install_log_redaction() -> None:
    """Redact every log record's message from now on (idempotent, process-wide)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            if redact(str(exc)) != str(exc):  # the traceback would print the secret
                record.msg = f"{clean}（{type(exc).__name__}：{redact(str(exc))}）"
                record.args, record.exc_info, record.exc_text = None, None, None
        return record

    logging.setLogRecordFactory(factory)
