"""Two-factor recovery codes: ten one-time codes that stand in for a code from the authenticator app.

They are shown once, when two-factor authentication is turned on and whenever they are replaced;
replacing them makes every earlier code useless. Each use and each replacement is audited (never the
code itself).

Only a SHA-256 of each code is stored, like session tokens, not an argon2 hash like passwords: a code
carries 80 random bits (16 characters from a 32-letter alphabet), so a copy of the table cannot be
turned back into codes by guessing, and a salted, deliberately slow hash would have to be computed
once per stored code at every attempt (ten argon2 runs, over a second of work an attacker could ask
for) instead of one indexed look-up.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import RecoveryCode, User
from polka.audit.services import record
from polka.db import utcnow

COUNT = 10
#: Crockford's base32: no I, L, O or U, so nothing typed can be misread as something else.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 16
GROUP = 4
#: What people may type for a letter the alphabet leaves out.
_READ_AS = str.maketrans({"o": "0", "i": "1", "l": "1"})
#: Longer input than any code with spaces and dashes is not even hashed.
MAX_INPUT = 40


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(code: str) -> str | None:
    """The code as stored (lower case, no spaces or dashes), or None if it cannot be a recovery code."""
    if len(code or "") > MAX_INPUT:
        return None
    cleaned = "".join(ch for ch in (code or "").lower() if ch not in " -\t").translate(_READ_AS)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def _hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()


def remaining(session: Session, user: User) -> int:
    """How many of ``user``'s recovery codes are still unused."""
    count = session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    return int(count or 0)


def discard_codes(session: Session, user: User) -> None:
    """Remove every recovery code of ``user`` (two-factor turned off, or new codes issued)."""
    session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )


def issue_codes(session: Session, user: User, *, ip: str = "") -> list[str]:
    """Give ``user`` ten new codes in place of any earlier ones; return them, to be shown once."""
    discard_codes(session, user)
    codes = [_new_code() for _ in range(COUNT)]
    now = utcnow()
    for code in codes:
        normalised = normalise(code)
        assert normalised is not None
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash(normalised), created_at=now))
    session.flush()
    record(
        session,
        user,
        "two_factor.recovery_codes_issued",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
        detail={"count": COUNT},
    )
    return codes


def use_code(session: Session, user: User, code: str, *, ip: str = "") -> bool:
    """Use one of ``user``'s unused codes; False if ``code`` is not one of them.

    A conditional update marks it used, so two requests with the same code cannot both succeed.
    """
    normalised = normalise(code)
    if normalised is None:
        return False
    result = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    record(
        session,
        user,
        "two_factor.recovery_code_used",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
        detail={"remaining": remaining(session, user)},
    )
    return True
