"""Forgotten and changed passwords: reset links (nothing revealed about accounts) and changes.

Either way every session of the account ends, and the owner is told by email.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts import emails, recovery, signin, twofactor
from polka.accounts.models import AccountStatus, TokenPurpose, User
from polka.accounts.passwords import PasswordHashing
from polka.accounts.services import check_new_password, find_user_by_email, valid_email
from polka.accounts.sessions import end_all_sessions
from polka.accounts.tokens import TokenState, check_token, issue_token, retire_tokens, use_token
from polka.audit.services import record
from polka.config import Settings
from polka.db import utcnow
from polka.errors import Conflict, TooManyRequests, ValidationError


def request_password_reset(session: Session, email: str, settings: Settings, *, ip: str = "") -> None:
    """Email a reset link if the address has an account that may sign in; otherwise do nothing."""
    user = find_user_by_email(session, email) if valid_email(email) else None
    if user is None or user.status not in (AccountStatus.ACTIVE, AccountStatus.PENDING):
        return
    token = issue_token(session, user, TokenPurpose.RESET_PASSWORD, hours=settings.token_hours)
    if token is not None:
        emails.password_reset(session, settings, user, token)
        record(
            session,
            None,
            "password.reset_requested",
            target_type="user",
            target_id=user.id,
            target_label=user.email,
            ip=ip,
            actor_label=user.email,
        )


def _set_password(session: Session, hasher: PasswordHashing, user: User, password: str) -> None:
    user.password_hash = hasher.hash(password)
    user.password_changed_at = utcnow()
    end_all_sessions(session, user)
    retire_tokens(session, user, TokenPurpose.RESET_PASSWORD)
    session.flush()


def reset_password(
    session: Session, hasher: PasswordHashing, token: str, password: str, settings: Settings, *, ip: str = ""
) -> tuple[TokenState, User | None]:
    """Set a new password with a reset token and end every session of the account.

    Raises ValidationError (``password``) when the new password breaks the rules; the token is
    then left unused so the person can try again.
    """
    state, found = check_token(session, token, TokenPurpose.RESET_PASSWORD)
    if state is not TokenState.VALID or found is None:
        return state, None
    owner = session.get(User, found.user_id)
    assert owner is not None
    check_new_password(password, email=owner.email, name=owner.name)
    state, user = use_token(session, token, TokenPurpose.RESET_PASSWORD)
    if state is not TokenState.VALID or user is None:
        return state, None
    _set_password(session, hasher, user, password)
    record(
        session, user, "password.reset", target_type="user", target_id=user.id, target_label=user.email, ip=ip
    )
    emails.password_changed(session, settings, user)
    return state, user


WRONG_CURRENT_PASSWORD = "Your current password is not correct"  # noqa: S105 - a message, not a secret


def confirm_current_password(
    session: Session, hasher: PasswordHashing, user: User, password: str, settings: Settings, *, ip: str = ""
) -> bool:
    """Check a signed-in user's password before a change; a wrong one counts toward the sign-in lock,
    so a borrowed session cannot be used to guess it. Raises TooManyRequests while locked.

    The caller commits, whatever the answer: the failure must be kept.
    """
    if signin.is_locked(session, user.email):
        raise TooManyRequests(signin.locked_message(settings))
    if hasher.verify(user.password_hash, password or ""):
        return True
    signin.record_failure(session, user.email, ip, settings, user)
    return False


WRONG_PASSWORD_OR_CODE = "Enter your current password, or a current code from your authenticator app"  # noqa: S105


def confirm_password_or_code(
    session: Session, hasher: PasswordHashing, user: User, answer: str, settings: Settings, *, ip: str = ""
) -> bool:
    """Check a signed-in user's password or a fresh code from their app (six digits: no password is
    that short) before a sensitive change. Failures count like ``confirm_current_password``'s.
    """
    if signin.is_locked(session, user.email):
        raise TooManyRequests(signin.locked_message(settings))
    code = twofactor.normalise_code(answer)
    if len(code) == twofactor.CODE_LENGTH and code.isdigit():
        if twofactor.accept_code(session, user, code):
            return True
        signin.record_failure(session, user.email, ip, settings, user)
        return False
    return confirm_current_password(session, hasher, user, answer, settings, ip=ip)


def replace_recovery_codes(
    session: Session, hasher: PasswordHashing, user: User, answer: str, settings: Settings, *, ip: str = ""
) -> list[str] | None:
    """New recovery codes in place of the old ones, once the password or a code proves it is the owner.

    None when the proof is wrong (the failure is recorded: the caller commits either way). Raises
    Conflict when two-factor authentication is off, TooManyRequests while sign-in is locked.
    """
    if not user.has_two_factor:
        raise Conflict("Turn on two-factor authentication first.")
    if not confirm_password_or_code(session, hasher, user, answer, settings, ip=ip):
        return None
    return recovery.issue_codes(session, user, ip=ip)


def change_password(
    session: Session,
    hasher: PasswordHashing,
    user: User,
    current_password: str,
    new_password: str,
    settings: Settings,
    *,
    ip: str = "",
) -> None:
    """Change the password (the current one proves it is the owner) and end every session.

    Raises ValidationError on ``current_password`` or ``new_password``.
    """
    if not hasher.verify(user.password_hash, current_password or ""):
        raise ValidationError(WRONG_CURRENT_PASSWORD, {"current_password": WRONG_CURRENT_PASSWORD})
    try:
        check_new_password(new_password, email=user.email, name=user.name)
    except ValidationError as exc:
        raise ValidationError(str(exc), {"new_password": str(exc)}) from exc
    _set_password(session, hasher, user, new_password)
    record(
        session,
        user,
        "password.changed",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
    )
    emails.password_changed(session, settings, user)
