"""Signing in: the password check, two-factor step and throttling, revealing nothing about accounts.

Throttling is kept per *typed* address, whether or not an account has it, so a lock says nothing
about existence: ``login_max_failures`` failures within ``login_window_minutes`` lock the address
for ``login_lock_minutes``. A client address with ``ip_max_failures`` failures in the window is
refused outright (429). A wrong password, an unknown address and an account that may not sign in
(suspended, rejected) all get the same answer, after the same argon2 work. Only someone who typed
the right password learns more: that the account waits for an administrator, or for its email
address to be confirmed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polka.accounts import recovery, sessions, twofactor
from polka.accounts.models import AccountStatus, LoginFailure, LoginLock, User, UserSession
from polka.accounts.passwords import PasswordHashing
from polka.accounts.services import find_user_by_email, normalise_email
from polka.audit.services import record
from polka.config import Settings
from polka.db import utcnow
from polka.errors import TooManyRequests

#: The longest address stored in the throttling tables (the column size).
EMAIL_LENGTH = 254


class Outcome(enum.Enum):
    SIGNED_IN = "signed_in"  # password right, no two-factor: start a session
    TWO_FACTOR = "two_factor"  # password right, a code is needed next
    FAILED = "failed"  # wrong address, password or code, or an account that may not sign in
    LOCKED = "locked"  # too many failures for this address
    AWAITING_APPROVAL = "awaiting_approval"  # right password, verified, waiting for an administrator
    UNCONFIRMED = "unconfirmed"  # right password, but the email address is not confirmed yet


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    user: User | None = None


def locked_message(settings: Settings) -> str:
    return f"Too many attempts to sign in. Try again in {settings.login_lock_minutes} minutes."


def _lock(session: Session, email: str) -> LoginLock | None:
    return session.scalar(select(LoginLock).where(LoginLock.email == email))


def _lock_row(session: Session, email: str) -> LoginLock:
    """The throttling row for ``email``, created if needed (a savepoint absorbs a concurrent insert)."""
    found = _lock(session, email)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            row = LoginLock(email=email)
            session.add(row)
    except IntegrityError:
        existing = _lock(session, email)
        assert existing is not None
        return existing
    return row


def is_locked(session: Session, email: str, now: datetime | None = None) -> bool:
    lock = _lock(session, normalise_email(email)[:EMAIL_LENGTH])
    return lock is not None and lock.locked_until is not None and lock.locked_until > (now or utcnow())


def check_client(session: Session, ip: str, settings: Settings) -> None:
    """Raise TooManyRequests when the client address has failed too often within the window."""
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    failures = session.scalar(
        select(func.count(LoginFailure.id)).where(LoginFailure.ip == ip[:45], LoginFailure.at > since)
    )
    if (failures or 0) >= settings.ip_max_failures:
        raise TooManyRequests(
            f"There have been too many failed attempts to sign in from your network. "
            f"Try again in {settings.login_window_minutes} minutes."
        )


def record_failure(
    session: Session, email: str, ip: str, settings: Settings, user: User | None = None
) -> bool:
    """Count a failed attempt for the typed address and the client; return True if it now locks."""
    email = normalise_email(email)[:EMAIL_LENGTH]
    now = utcnow()
    session.add(LoginFailure(email=email, ip=ip[:45], at=now))
    session.flush()
    record(
        session,
        None,
        "login.failed",
        target_type="user" if user is not None else "",
        target_id=user.id if user is not None else "",
        target_label=email,
        ip=ip,
        actor_label=email,
    )
    lock = _lock(session, email)
    since = now - timedelta(minutes=settings.login_window_minutes)
    if lock is not None and lock.counted_from is not None and lock.counted_from > since:
        since = lock.counted_from
    failures = session.scalar(
        select(func.count(LoginFailure.id)).where(LoginFailure.email == email, LoginFailure.at >= since)
    )
    if (failures or 0) < settings.login_max_failures:
        return False
    lock = _lock_row(session, email)
    lock.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
    lock.counted_from = now + timedelta(microseconds=1)  # the failures so far are spent on this lock
    session.flush()
    record(
        session,
        None,
        "login.locked",
        target_type="user" if user is not None else "",
        target_id=user.id if user is not None else "",
        target_label=email,
        ip=ip,
        actor_label=email,
        detail={"minutes": settings.login_lock_minutes},
    )
    return True


def _reset_count(session: Session, email: str) -> None:
    lock = _lock_row(session, normalise_email(email)[:EMAIL_LENGTH])
    lock.counted_from = utcnow()
    session.flush()


def check_password(
    session: Session, hasher: PasswordHashing, email: str, password: str, *, ip: str, settings: Settings
) -> Attempt:
    """The first step of signing in. Raises TooManyRequests when the client address is blocked."""
    check_client(session, ip, settings)
    email = normalise_email(email)
    if is_locked(session, email):
        return Attempt(Outcome.LOCKED)
    user = find_user_by_email(session, email)
    if user is None:
        hasher.dummy_verify(password)
        correct = False
    else:
        correct = hasher.verify(user.password_hash, password)
    if user is not None and correct:
        if hasher.needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        if user.is_active_account:
            _reset_count(session, email)
            return Attempt(Outcome.TWO_FACTOR if user.has_two_factor else Outcome.SIGNED_IN, user)
        if user.status is AccountStatus.PENDING and user.email_verified_at is not None:
            return Attempt(Outcome.AWAITING_APPROVAL, user)
        if user.status in (AccountStatus.PENDING, AccountStatus.ACTIVE) and user.email_verified_at is None:
            return Attempt(Outcome.UNCONFIRMED, user)
    locked = record_failure(session, email, ip, settings, user)
    return Attempt(Outcome.LOCKED if locked else Outcome.FAILED)


def _second_factor(
    session: Session, user: User, accept: Callable[[], bool], *, ip: str, settings: Settings
) -> Attempt:
    """The two-factor step with ``accept`` checking what was typed: failures count like wrong passwords."""
    check_client(session, ip, settings)
    if is_locked(session, user.email):
        return Attempt(Outcome.LOCKED)
    if user.is_active_account and user.has_two_factor and accept():
        _reset_count(session, user.email)
        return Attempt(Outcome.SIGNED_IN, user)
    locked = record_failure(session, user.email, ip, settings, user)
    return Attempt(Outcome.LOCKED if locked else Outcome.FAILED)


def check_code(session: Session, user: User, code: str, *, ip: str, settings: Settings) -> Attempt:
    """The two-factor step: a fresh code from the user's app."""
    return _second_factor(
        session, user, lambda: twofactor.accept_code(session, user, code), ip=ip, settings=settings
    )


def check_recovery_code(session: Session, user: User, code: str, *, ip: str, settings: Settings) -> Attempt:
    """The two-factor step with one of the user's recovery codes instead (each works once)."""
    return _second_factor(
        session, user, lambda: recovery.use_code(session, user, code, ip=ip), ip=ip, settings=settings
    )


def start_signed_in_session(
    session: Session,
    user: User,
    settings: Settings,
    *,
    ip: str,
    user_agent: str,
    two_factor: bool,
    replacing: str | None = None,
) -> str:
    """Open the server-side session after every check passed; end the browser's previous one."""
    if replacing:
        sessions.end_session(session, replacing)
    # Sign-ins are rare enough to carry the clean-up of sessions that expired on their own.
    sessions.purge_expired_sessions(session, idle=settings.session_idle, absolute=settings.session_absolute)
    token = sessions.start_session(session, user, ip=ip, user_agent=user_agent)
    if two_factor:
        found = session.scalar(
            select(UserSession).where(UserSession.token_hash == sessions.hash_token(token))
        )
        if found is not None:
            found.two_factor_at = utcnow()
    user.last_login_at = utcnow()
    session.flush()
    record(
        session,
        user,
        "login.succeeded",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
        detail={"two_factor": two_factor},
    )
    return token


def user_signing_in(session: Session, user_id: int) -> User | None:
    """The account half-way through signing in (its password checked, its second step to come), or
    None if it no longer exists."""
    return session.get(User, user_id)
