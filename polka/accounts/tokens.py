"""Single-use, expiring tokens sent by email (email verification, password reset).

The link carries a random token; the database keeps only its SHA-256. A token is checked without
being used (so a page can show a confirm button to link scanners) and used once by a POST.
"""

from __future__ import annotations

import enum
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import AccountToken, TokenPurpose, User
from polka.accounts.sessions import hash_token
from polka.db import utcnow

#: How many emails with a token one account may be sent per hour (stops mail bombing).
MAX_PER_HOUR = 5
#: The longest token we ever issue, with room; longer input is not even hashed.
MAX_TOKEN_LENGTH = 100


class TokenState(enum.Enum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


def issue_token(session: Session, user: User, purpose: TokenPurpose, *, hours: int) -> str | None:
    """Create a token for ``user``; return it for the email link, or None if too many were sent lately."""
    now = utcnow()
    recent = session.scalar(
        select(func.count(AccountToken.id)).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.created_at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= MAX_PER_HOUR:
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            token_hash=hash_token(token),
            user_id=user.id,
            purpose=purpose,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.flush()
    return token


def check_token(
    session: Session, token: str, purpose: TokenPurpose
) -> tuple[TokenState, AccountToken | None]:
    """Say whether ``token`` could be used now, without using it."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return TokenState.UNKNOWN, None
    found = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose
        )
    )
    if found is None:
        return TokenState.UNKNOWN, None
    if found.used_at is not None:
        return TokenState.USED, found
    if found.expires_at <= utcnow():
        return TokenState.EXPIRED, found
    return TokenState.VALID, found


def use_token(session: Session, token: str, purpose: TokenPurpose) -> tuple[TokenState, User | None]:
    """Use ``token`` once: mark it used (a conditional update, so two requests cannot both use it)."""
    state, found = check_token(session, token, purpose)
    if state is not TokenState.VALID or found is None:
        return state, None
    result = session.execute(
        update(AccountToken)
        .where(AccountToken.id == found.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return TokenState.USED, None
    return TokenState.VALID, session.get(User, found.user_id)


def retire_tokens(session: Session, user: User, purpose: TokenPurpose) -> None:
    """Mark every unused token of this purpose used (a newer password or address supersedes them)."""
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None)
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
