"""Personal feed keys: what lets a feed reader, which cannot sign in, read its owner's feeds.

A key reads ``<id>.<secret>``. The id (random, not secret) finds the row; of the secret the database
holds only its SHA-256, compared in constant time. The secret itself is derived from the id with the
app's secret key (an HMAC), so its owner can be shown it again whenever they ask, while a copy of the
database alone holds no usable key.

A key is a credential of the account, like a session: it works only on feed URLs
(``polka.feeds.web.feed_view``), never as a sign-in; it is refused while the account is not active,
and it ends when its owner resets it and whenever the account's sessions are revoked
(``polka.accounts.sessions``: sign out everywhere, a password change, a suspension).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import FeedKey, LoginFailure, User
from polka.audit.services import record
from polka.db import utcnow

#: ``<16 hex digits>.<43 characters of URL-safe base64>``: anything else is not a key.
KEY = re.compile(r"([0-9a-f]{16})\.([A-Za-z0-9_-]{43})")
#: Compared against when no row has the id, so an unknown id costs what a wrong secret does.
_NO_HASH = hashlib.sha256(b"no such feed key").hexdigest()


def _secret(app_secret: str, key_id: str) -> str:
    digest = hmac.new(app_secret.encode(), f"polka feed key {key_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_key_of(session: Session, user: User) -> FeedKey | None:
    """The user's feed key row, if they have one."""
    return session.scalar(select(FeedKey).where(FeedKey.user_id == user.id))


def _issue(session: Session, user: User, app_secret: str, *, ip: str) -> str:
    key_id = secrets.token_hex(8)
    secret = _secret(app_secret, key_id)
    session.add(FeedKey(user_id=user.id, key_id=key_id, secret_hash=_hash(secret), created_at=utcnow()))
    session.flush()
    record(
        session,
        user,
        "feed_key.created",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
    )
    return f"{key_id}.{secret}"


def reveal_feed_key(session: Session, user: User, app_secret: str, *, ip: str = "") -> str:
    """The user's feed key, made now if they have none yet.

    A key whose secret no longer matches (the app's secret key has changed since) is replaced: its old
    links would keep working unseen otherwise.
    """
    found = feed_key_of(session, user)
    if found is not None:
        secret = _secret(app_secret, found.key_id)
        if hmac.compare_digest(_hash(secret), found.secret_hash):
            return f"{found.key_id}.{secret}"
        session.delete(found)
        session.flush()
    try:
        with session.begin_nested():
            return _issue(session, user, app_secret, ip=ip)
    except IntegrityError:
        # Another request made one at the same moment: show that one.
        return reveal_feed_key(session, user, app_secret, ip=ip)


def reset_feed_key(session: Session, user: User, app_secret: str, *, ip: str = "") -> str:
    """Replace the user's feed key with a new one: links holding the old key stop working at once."""
    ended = end_feed_keys(session, user)
    record(
        session,
        user,
        "feed_key.reset",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
        detail={"had_key": bool(ended)},
    )
    return _issue(session, user, app_secret, ip=ip)


def end_feed_keys(session: Session, user: User) -> int:
    """Revoke the user's feed key (with their sessions, or before a new one); return how many ended."""
    result = session.execute(delete(FeedKey).where(FeedKey.user_id == user.id))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def user_for_feed_key(session: Session, presented: str) -> User | None:
    """The active user whose feed key ``presented`` is, or None for anything else.

    A malformed key, an unknown id, a wrong secret and the key of an account that may not read
    (suspended, rejected, pending) all give the same None.
    """
    found = KEY.fullmatch(presented)
    if found is None:
        return None
    key_id, secret = found.groups()
    user = joinedload(FeedKey.user)
    row = session.scalar(
        select(FeedKey)
        .where(FeedKey.key_id == key_id)
        .options(user.selectinload(User.memberships), user.lazyload(User.expertise))
    )
    matches = hmac.compare_digest(_hash(secret), row.secret_hash if row is not None else _NO_HASH)
    if row is None or not matches or not row.user.is_active_account:
        return None
    return row.user


def count_wrong_feed_key(session: Session, ip: str) -> None:
    """Count a refused feed key against the client address, as a wrong password is counted, so the
    sign-in throttle (``polka.accounts.signin.check_client``) stops a client that keeps guessing."""
    session.add(LoginFailure(email="", ip=ip[:45], at=utcnow()))
    session.flush()
