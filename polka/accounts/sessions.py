"""Signed-in sessions: created at sign-in, checked on every request, revocable all at once.

The browser's cookie carries a random token; the database keeps only its SHA-256. A session ends
after ``session_idle`` without a request or ``session_absolute`` after sign-in, whichever is first.
Revoking a user's sessions also ends their feed key (``polka.accounts.feed_keys``): whoever they are
shutting out may have copied it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.feed_keys import end_feed_keys
from polka.accounts.models import User, UserSession
from polka.db import utcnow
from polka.organisations import models as _organisations  # noqa: F401  (mapped before the statement below is built)

#: How stale ``last_seen_at`` may get before a request refreshes it (saves a write per request).
TOUCH_INTERVAL = timedelta(seconds=60)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, *, ip: str = "", user_agent: str = "") -> str:
    """Open a new signed-in session for ``user``; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=hash_token(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip=ip[:45],
            user_agent=user_agent[:300],
        )
    )
    session.flush()
    return token


def session_by_id(session: Session, session_id: int) -> UserSession | None:
    """The stored session row with this id (live or not), or None."""
    return session.get(UserSession, session_id)


#: The session behind a token, with its user, their organisation and memberships: one indexed SELECT
#: (``token_hash`` is unique), built once. The memberships come in the same round trip (a row per
#: membership) because every request's permission checks read them; the organisation and each
#: membership's community join by their relationships' own ``lazy="joined"``. Expertise and the
#: organisation's domains are rarely needed and load when asked (their relationships' default): no
#: loader option says so again, since each option is work on every execution
#: (tests/accounts/test_request_path.py holds the whole load to one statement).
SESSION_BY_TOKEN = (
    select(UserSession)
    .where(UserSession.token_hash == bindparam("token_hash"))
    .options(joinedload(UserSession.user).joinedload(User.memberships))
)


def find_session(
    session: Session, token: str, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> UserSession | None:
    """The live session for ``token`` whose user is still active, or None."""
    now = now or utcnow()
    found = session.execute(SESSION_BY_TOKEN, {"token_hash": hash_token(token)}).unique().scalar()
    if found is None:
        return None
    if now - found.last_seen_at > idle or now - found.created_at > absolute:
        return None
    if not found.user.is_active_account:
        return None
    return found


def seconds_left(
    user_session: UserSession, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> int:
    """How long the session has before the idle or the absolute limit ends it, whichever is first."""
    now = now or utcnow()
    ends = min(user_session.last_seen_at + idle, user_session.created_at + absolute)
    return max(0, int((ends - now).total_seconds()))


def can_extend(user_session: UserSession, *, idle: timedelta, absolute: timedelta) -> bool:
    """Whether activity now would give the session more time (the absolute limit is not nearer)."""
    return utcnow() + idle < user_session.created_at + absolute


def needs_touch(user_session: UserSession, now: datetime | None = None) -> bool:
    return (now or utcnow()) - user_session.last_seen_at > TOUCH_INTERVAL


def touch_session(session: Session, session_id: int, now: datetime | None = None) -> None:
    found = session.get(UserSession, session_id)
    if found is not None:
        found.last_seen_at = now or utcnow()


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def end_all_sessions(session: Session, user: User) -> int:
    """Revoke every session of ``user`` (password change, suspension, de-approval) and their feed key;
    return how many sessions ended."""
    end_feed_keys(session, user)
    result = session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired_sessions(session: Session, *, idle: timedelta, absolute: timedelta) -> int:
    now = utcnow()
    result = session.execute(
        delete(UserSession).where(
            (UserSession.last_seen_at < now - idle) | (UserSession.created_at < now - absolute)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(
    session: Session, user: User, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> list[UserSession]:
    """The user's sessions that have not expired, most recently used first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.last_seen_at >= now - idle,
                UserSession.created_at >= now - absolute,
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def end_other_sessions(session: Session, user: User, keep_token: str) -> int:
    """Revoke every session of ``user`` but the one behind ``keep_token``, and their feed key; return how
    many sessions ended."""
    end_feed_keys(session, user)
    result = session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.token_hash != hash_token(keep_token)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
