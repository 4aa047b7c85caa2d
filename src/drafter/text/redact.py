"""Secrets out of every message: :func:`redact` before anything is shown, logged or saved.

An OpenAI-compatible server may echo the request back in an error (``Authorization:
Bearer sk-…``); that text must never reach stderr, the database, a file or the page.
:func:`redact` replaces

* every key registered with :func:`register_secret` (the model client registers the
  key it was given) and the one in ``DRAFTER_OPENAI_API_KEY`` — of any length, raw,
  URL-encoded and base64-encoded (at any alignment), so a model that repeats the key
  in its answer cannot get it into a draft;
* anything shaped like a token: ``Bearer <token>``, ``sk-…``, ``api_key=…``

with ``***``. :func:`install_log_redaction` makes every log record pass through it.

>>> redact("HTTP 400: header was Bearer sk-abc123secret")
'HTTP 400: header was Bearer ***'
"""

from __future__ import annotations

import base64
import logging
import os
import re
import threading
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "StreamRedactor", "install_log_redaction", "redact", "register_secret"]

MASK = "***"
_SHORT_SECRET = 6  # a shorter key is masked only where it stands alone (not inside a longer word)
_B64_SHIFTED = 9  # base64 inside a longer encoded text: only keys this long give a stable middle part

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
    if text:
        with _lock:
            _secrets.add(text)


def _known() -> list[str]:
    env = os.environ.get("DRAFTER_OPENAI_API_KEY", "").strip()
    with _lock:
        known = set(_secrets)
    if env:
        known.add(env)
    forms: set[str] = set()
    for secret in known:
        forms.update(_forms(secret))
    return sorted(forms, key=len, reverse=True)


@lru_cache(maxsize=64)
def _forms(secret: str) -> tuple[str, ...]:
    """The key as it may appear in text: raw, URL-encoded, base64 (standard and URL-safe)."""
    raw = secret.encode("utf-8", "replace")
    out = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        aligned = enc(raw).decode()
        out.update({aligned, aligned.rstrip("=")})
        if len(raw) >= _B64_SHIFTED:  # the key inside a longer encoded string, at offset 1 or 2
            for shift in (1, 2):
                whole = enc(b"\0" * shift + raw).decode().rstrip("=")
                start = (shift * 4 + 2) // 3  # characters that also depend on the bytes before
                stop = len(whole) - (1 if (shift + len(raw)) % 3 else 0)
                middle = whole[start + 1 : stop]
                if len(middle) >= 8:
                    out.add(middle)
    return tuple(f for f in out if f)


def redact(text: Any) -> str:
    """``text`` (any object, as ``str``) with every secret and token-shaped string masked."""
    out = str(text) if text is not None else ""
    for secret in _known():
        if secret not in out:
            continue
        if len(secret) >= _SHORT_SECRET:
            out = out.replace(secret, MASK)
        else:  # a short key: masked wherever it is not part of a longer ASCII word
            out = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", MASK, out)
    for pattern, repl in _PATTERNS:
        out = pattern.sub(repl, out)
    return out


class StreamRedactor:
    """Redacts text that arrives in pieces (a streamed answer): a key split across two pieces
    is masked too. ``feed(piece)`` returns what is safe to show now; ``flush()`` the rest.

    The last few dozen characters are held back until the next piece shows they are not
    the start of a key.
    """

    _TOKEN_ROOM = 64  # “Bearer …” / “api_key=…” shapes are decided within this many characters

    def __init__(self) -> None:
        self._buf = ""

    def feed(self, piece: str) -> str:
        self._buf += piece
        forms = _known()
        hold = max((len(f) for f in forms), default=0) + self._TOKEN_ROOM
        if len(self._buf) <= 2 * hold:
            return ""
        cut = len(self._buf) - hold
        for form in forms:  # never cut through a key: hold it back whole
            idx = self._buf.find(form, max(0, cut - len(form) + 1))
            if 0 <= idx < cut:
                cut = idx
        head, self._buf = self._buf[:cut], self._buf[cut:]
        return redact(head)

    def flush(self) -> str:
        rest, self._buf = self._buf, ""
        return redact(rest)


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
