"""Errors drafter raises, as one small hierarchy.

    DrafterError                 anything drafter reports to a user
    ├── InputError               a file or value the user gave cannot be used
    │   ├── IngestError          one file cannot be read (names the file and why)
    │   └── FactSheetError       the fact sheet is invalid (lists each field and why)
    ├── AccessDenied             the signed-in person may not see or change this
    ├── SignInError              a sign-in was refused (wrong password, locked, expired)
    ├── ConfigError              a setting is missing or wrong
    ├── IndexError_              the knowledge index cannot be built or opened
    └── BackendError             the drafting model failed
        ├── BackendUnavailable   the server cannot be reached or timed out
        │   └── BackendIncomplete  the answer stopped early (cut, deadline, cap); keeps ``partial``
        ├── BackendAuthError     the key was refused
        └── BackendModelError    the model is unknown or its answer unusable

Messages are Chinese, say what was wrong and what to do. The CLI and the app turn
them into user messages at the edge; core code only raises.
"""

from __future__ import annotations

__all__ = [
    "DrafterError",
    "InputError",
    "IngestError",
    "FactSheetError",
    "ConfigError",
    "AccessDenied",
    "SignInError",
    "IndexError_",
    "BackendError",
    "BackendUnavailable",
    "BackendIncomplete",
    "BackendAuthError",
    "BackendModelError",
]


class DrafterError(Exception):
    """Base of every error drafter reports to a user."""


class InputError(DrafterError):
    """A file or value given by the user cannot be used."""


class IngestError(InputError):
    """One file cannot be ingested; ``path`` names it and ``reason`` says why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}：{reason}")


class FactSheetError(InputError):
    """The fact sheet is invalid; ``problems`` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        text = "；".join(f"{field}：{msg}" if field else msg for field, msg in problems)
        super().__init__(f"数据表有误：{text}")


class ConfigError(DrafterError):
    """A setting is missing or wrong."""


class AccessDenied(DrafterError):
    """The signed-in person may not see or change this report (or page)."""


class SignInError(DrafterError):
    """A sign-in was refused: unknown name or wrong password, too many attempts, expired."""


class IndexError_(DrafterError):
    """The knowledge index cannot be built, opened or queried."""


class BackendError(DrafterError):
    """The drafting model failed."""


class BackendUnavailable(BackendError):
    """The model server cannot be reached or did not answer in time."""


class BackendAuthError(BackendError):
    """The model server refused the API key."""


class BackendModelError(BackendError):
    """The model is unknown to the server, or its answer cannot be used."""


class BackendIncomplete(BackendUnavailable):
    """The answer stopped before it was complete; ``partial`` is the visible text so far.

    A stream cut without its terminator, a finish reason other than ``stop``, a
    deadline passed or an answer over the length cap. The section is marked failed
    and ``partial`` kept as a flagged draft version.
    """

    def __init__(self, message: str, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial
