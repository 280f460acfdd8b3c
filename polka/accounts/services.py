"""Account rules: creating users, registration, verification, sign-in, passwords, profiles."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.accounts.models import AccountStatus, User
from polka.accounts.passwords import PasswordHashing, password_problem
from polka.audit.services import record
from polka.db import utcnow
from polka.errors import Conflict, ValidationError
from polka.organisations.services import suggest_organisation


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def check_new_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise ValidationError (on the ``password`` field) if the password breaks the rules."""
    problem = password_problem(password, [email, email.split("@")[0], *name.split(), "polka", "police"])
    if problem:
        raise ValidationError(problem, {"password": problem})


def create_user(
    session: Session,
    hasher: PasswordHashing,
    *,
    email: str,
    name: str,
    password: str,
    admin: bool = False,
    actor: User | None = None,
) -> User:
    """Create an active, verified account directly (provisioning, demo data, tests)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise ValidationError("Enter a valid email address", {"email": "Enter a valid email address"})
    if not name.strip():
        raise ValidationError("Enter a name", {"name": "Enter a name"})
    if find_user_by_email(session, email) is not None:
        raise Conflict(f"An account for {email} already exists")
    check_new_password(password, email=email, name=name)
    now = utcnow()
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hasher.hash(password),
        status=AccountStatus.ACTIVE,
        is_admin=admin,
        email_verified_at=now,
        organisation=suggest_organisation(session, email),
        created_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor,
        "user.created",
        target_type="user",
        target_id=user.id,
        target_label=email,
        detail={"admin": admin},
    )
    return user
