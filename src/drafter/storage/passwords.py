"""Password hashing for the team server: argon2id (argon2-cffi), nothing hand-rolled."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import InputError

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "hash_password", "verify_password"]

#: Shortest password accepted.
MIN_LENGTH = 8
#: Longest password accepted: what the sign-in form takes (a longer one could never sign in).
MAX_LENGTH = 1000

_HASHER = PasswordHasher()
_DUMMY: list[str] = []  # hashed on first use (0.15 s), not when the CLI starts


def _dummy() -> str:
    """A hash verified against when the name is unknown, so both cases take the same time."""
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash("drafter-no-such-user"))
    return _DUMMY[0]


def hash_password(password: str) -> str:
    """The argon2id hash of *password* (refuses one shorter than :data:`MIN_LENGTH`)."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"密码至少需要 {MIN_LENGTH} 个字符")
    if len(password) > MAX_LENGTH:
        raise InputError(f"密码最多 {MAX_LENGTH} 个字符（登录页只接受这么长），收到 {len(password)} 个"
                         f" (password too long: limit {MAX_LENGTH})")
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when *password* matches *stored* (a missing hash never matches)."""
    try:
        return _HASHER.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
