"""Password rules (NCSC / OWASP ASVS L2) and argon2id hashing.

At least 12 characters, up to 1,024 accepted (ASVS asks for at least 128),
no composition rules, and common or guessable passwords refused using zxcvbn's built-in lists.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 1024
#: zxcvbn score from 0 (too guessable) to 4; 3 means "safely unguessable" for an online attack.
MIN_SCORE = 3
#: zxcvbn only looks at this many characters; the rest adds length it cannot judge but cannot hurt.
_ZXCVBN_PREFIX = 72


class PasswordHashing:
    """argon2id with the configured cost (tests use a cheap one)."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> bool:
        """Spend the time of a real check when there is no account, so timing reveals nothing."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self.verify(self._dummy_hash, password)
        return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def password_problem(password: str, user_inputs: list[str] | None = None) -> str | None:
    """Say what is wrong with a new password, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if "\x00" in password:
        return "Password must not contain a NUL character"
    inputs = [value for value in (user_inputs or []) if value]
    result = zxcvbn(password[:_ZXCVBN_PREFIX], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        warning = result["feedback"].get("warning") or "it is too easy to guess"
        return f"Choose a password that is harder to guess: {warning.rstrip('.').lower()}"
    return None
