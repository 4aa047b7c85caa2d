"""Password hashing for the team server: argon2id (argon2-cffi), nothing hand-rolled."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import InputError

__all__ = ["MIN_LENGTH", "hash_password", "verify_password"]

#: Shortest password accepted.
MIN_LENGTH = 8

_HASHER = PasswordHasher()
#: Verified against when the name is unknown, so both cases take the same time.
_DUMMY = _HASHER.hash("drafter-no-such-user")


def hash_password(password: str) -> str:
    """The argon2id hash of *password* (refuses one shorter than :data:`MIN_LENGTH`)."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"密码至少需要 {MIN_LENGTH} 个字符")
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when *password* matches *stored* (a missing hash never matches)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
