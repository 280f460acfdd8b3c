"""Account rules: creating users, registration and verification, and administering accounts.

Sign-in lives in ``signin``, password reset and change in ``credentials``, two-factor in ``twofactor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from polka.accounts import emails, sessions
from polka.accounts.handles import free_handle
from polka.accounts.models import AccountStatus, TokenPurpose, User
from polka.accounts.passwords import PasswordHashing, password_problem
from polka.accounts.sessions import end_all_sessions
from polka.accounts.tokens import MAX_PER_HOUR, TokenState, issue_token, use_token
from polka.audit.models import AuditEntry
from polka.audit.services import record
from polka.config import Settings
from polka.db import contains_text, utcnow
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forms import has_control_characters
from polka.markings import Marking
from polka.notifications.announce import Notice, addressed, announce
from polka.notifications.reasons import Reason
from polka.organisations.models import Organisation
from polka.organisations.services import email_domain, suggest_organisation
from polka.pagination import Page, paginate
from polka.people.kinds import PERSON_KIND
from polka.permissions import SITE, Action, require
from polka.search.outbox import queue_change


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
        handle=free_handle(session, name),
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
    queue_change(session, PERSON_KIND, user.id)
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


# --- Registration and email verification -------------------------------------------------------

NAME_LENGTH = 120
EMAIL_LENGTH = 254
REASON_LENGTH = 2000


@dataclass(frozen=True)
class Registration:
    """What a person typed on the registration page."""

    name: str
    email: str
    password: str
    organisation_id: int | None = None
    sponsor_email: str = ""
    reason: str = ""


def domain_allowed(email: str, allowed_domains: tuple[str, ...]) -> bool:
    """Whether the address is in an allowed domain or one of its subdomains (on a dot boundary)."""
    domain = email_domain(normalise_email(email))
    return any(domain == d or domain.endswith("." + d) for d in allowed_domains if d)


def valid_email(email: str) -> str | None:
    """The normalised address, or None if it is not a usable email address."""
    email = normalise_email(email)
    if not email or len(email) > EMAIL_LENGTH:
        return None
    try:
        validate_email(email, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return email


def _check_registration(
    session: Session, form: Registration, allowed: tuple[str, ...]
) -> Organisation | None:
    """Collect every problem with the form at once; return the chosen organisation if any."""
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = "Enter your full name"
    elif len(name) > NAME_LENGTH or has_control_characters(name):
        errors["name"] = f"Enter a name of {NAME_LENGTH} characters or fewer, without control characters"
    email = valid_email(form.email)
    if email is None:
        errors["email"] = "Enter an email address in the correct format, like name@force.police.uk"
    try:
        check_new_password(form.password, email=email or "", name=name)
    except ValidationError as exc:
        errors.update(exc.field_errors)
    organisation = None
    if form.organisation_id is not None:
        organisation = session.get(Organisation, form.organisation_id)
        if organisation is None or not organisation.active:
            errors["organisation"] = "Choose an organisation from the list"
    if email is not None and not domain_allowed(email, allowed):
        sponsor = valid_email(form.sponsor_email)
        if not form.sponsor_email.strip():
            errors["sponsor_email"] = "Enter the email address of a POLKA member who can vouch for you"
        elif sponsor is None:
            errors["sponsor_email"] = "Enter the sponsor's email address in the correct format"
        elif sponsor == email:
            errors["sponsor_email"] = "Your sponsor must be someone else"
        reason = form.reason.strip()
        if not reason:
            errors["reason"] = "Say why you need an account on POLKA"
        elif len(reason) > REASON_LENGTH or "\x00" in reason:
            errors["reason"] = f"Give a reason of {REASON_LENGTH} characters or fewer"
    if errors:
        raise ValidationError("Check the form", errors)
    return organisation


def register(
    session: Session, hasher: PasswordHashing, form: Registration, settings: Settings, *, ip: str = ""
) -> None:
    """Register a new account, pending until its address is verified (and approved when needed).

    The outcome looks the same whether or not the address already has an account: an existing
    account's owner is emailed instead (a fresh verification link if they never verified).
    Raises ValidationError with every field problem.
    """
    organisation = _check_registration(session, form, settings.allowed_email_domains)
    email = normalise_email(form.email)
    password_hash = hasher.hash(form.password)  # hashed either way, so timing says nothing
    existing = find_user_by_email(session, email)
    if existing is not None:
        if existing.status is AccountStatus.PENDING and existing.email_verified_at is None:
            send_verification(session, existing, settings)
        elif _duplicate_registrations_last_hour(session, existing) < MAX_PER_HOUR:
            record(
                session,
                None,
                "account.registration_repeated",
                target_type="user",
                target_id=existing.id,
                target_label=email,
                ip=ip,
                actor_label=email,
            )
            emails.already_registered(session, settings, existing)
        return
    inside = domain_allowed(email, settings.allowed_email_domains)
    user = User(
        email=email,
        name=form.name.strip(),
        handle=free_handle(session, form.name),
        password_hash=password_hash,
        status=AccountStatus.PENDING,
        organisation=organisation or suggest_organisation(session, email),
        sponsor_email=None if inside else normalise_email(form.sponsor_email),
        registration_reason=None if inside else form.reason.strip(),
        created_at=utcnow(),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(
        session,
        None,
        "account.registered",
        target_type="user",
        target_id=user.id,
        target_label=email,
        ip=ip,
        actor_label=email,
        detail={"allowed_domain": inside},
    )
    send_verification(session, user, settings)


def _duplicate_registrations_last_hour(session: Session, user: User) -> int:
    """How often someone registered again with this account's address lately (caps those emails)."""
    since = utcnow() - timedelta(hours=1)
    count = session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "account.registration_repeated",
            AuditEntry.target_type == "user",
            AuditEntry.target_id == str(user.id),
            AuditEntry.at > since,
        )
    )
    return int(count or 0)


def organisation_choices(session: Session) -> list[Organisation]:
    """The organisations a person may choose on registration, by name."""
    return list(
        session.scalars(select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name))
    )


def send_verification(session: Session, user: User, settings: Settings) -> None:
    token = issue_token(session, user, TokenPurpose.VERIFY_EMAIL, hours=settings.token_hours)
    if token is not None:
        emails.verification(session, settings, user, token)


def resend_verification(session: Session, email: str, settings: Settings) -> None:
    """Send a new verification link if the address has an unverified account; otherwise do nothing."""
    user = find_user_by_email(session, email) if valid_email(email) else None
    if user is not None and user.status is AccountStatus.PENDING and user.email_verified_at is None:
        send_verification(session, user, settings)


def verify_email(
    session: Session, token: str, settings: Settings, *, ip: str = ""
) -> tuple[TokenState, User | None]:
    """Use a verification token: the address is confirmed, and the account activated when allowed."""
    state, user = use_token(session, token, TokenPurpose.VERIFY_EMAIL)
    if state is not TokenState.VALID or user is None:
        return state, None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    activated = (
        user.status is AccountStatus.PENDING
        and domain_allowed(user.email, settings.allowed_email_domains)
        and not settings.require_approval
    )
    if activated:
        user.status = AccountStatus.ACTIVE
    session.flush()
    queue_change(session, PERSON_KIND, user.id)  # in the directory, or not, from now
    record(
        session,
        user,
        "account.activated" if activated else "account.verified",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
    )
    if user.status is AccountStatus.PENDING and user.sponsor_email:
        sponsor = find_user_by_email(session, user.sponsor_email)
        if sponsor is not None and sponsor.is_active_account:
            emails.sponsor_notice(session, settings, sponsor, user)
    return state, user


# --- Administration -----------------------------------------------------------------------------

PAGE_SIZE = 25


def _audit(session: Session, actor: User, action: str, user: User, ip: str, **detail: object) -> None:
    record(
        session,
        actor,
        action,
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
        detail=dict(detail) or None,
    )


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"Give a reason for {what}", {"reason": f"Give a reason for {what}"})
    if len(reason) > REASON_LENGTH or "\x00" in reason:
        message = f"Give a reason of {REASON_LENGTH} characters or fewer"
        raise ValidationError(message, {"reason": message})
    return reason


def get_user(session: Session, actor: User | None, user_id: int) -> User:
    """An account, for an administrator. Raises NotFound for anyone else or an unknown id."""
    require(actor, Action.ADMINISTER, SITE)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def pending_accounts(session: Session, actor: User | None) -> list[User]:
    """Accounts waiting for a decision, oldest first."""
    require(actor, Action.ADMINISTER, SITE)
    return list(
        session.scalars(
            select(User).where(User.status == AccountStatus.PENDING).order_by(User.created_at, User.id)
        )
    )


def active_emails(session: Session, addresses: list[str]) -> set[str]:
    """Which of these addresses belong to active, verified accounts (to judge sponsors)."""
    wanted = {normalise_email(a) for a in addresses if a}
    if not wanted:
        return set()
    rows = session.scalars(
        select(User.email).where(
            func.lower(User.email).in_(wanted),
            User.status == AccountStatus.ACTIVE,
            User.email_verified_at.is_not(None),
        )
    )
    return {normalise_email(e) for e in rows}


def search_users(
    session: Session,
    actor: User | None,
    *,
    query: str = "",
    status: AccountStatus | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> Page[User]:
    """One page of the accounts matching a name or email fragment and a status, by name."""
    require(actor, Action.ADMINISTER, SITE)
    conditions: list[ColumnElement[bool]] = []
    words = query.strip()[:254]
    if words:
        conditions.append(contains_text(User.name, words) | contains_text(User.email, words))
    if status is not None:
        conditions.append(User.status == status)
    users = select(User).where(*conditions).order_by(func.lower(User.name), User.id)
    return paginate(session, users, page, per_page)


def approve_account(
    session: Session, actor: User | None, user: User, settings: Settings, *, ip: str = ""
) -> None:
    """Let a pending account in. Raises Conflict if it is not pending."""
    require(actor, Action.ADMINISTER, SITE)
    assert actor is not None
    if user.status is not AccountStatus.PENDING:
        raise Conflict("That account is not waiting for approval.")
    user.status = AccountStatus.ACTIVE
    user.decision_reason = None
    session.flush()
    queue_change(session, PERSON_KIND, user.id)  # in the directory, or not, from now
    _audit(session, actor, "account.approved", user, ip)
    emails.approved(session, settings, user)
    _tell_decision(session, actor, user, "approved your account", emailed=False)  # emailed just above


def _tell_decision(session: Session, actor: User, user: User, verb: str, *, emailed: bool = True) -> None:
    """Tell ``user`` (in their notifications) of an administrator's decision on their account."""
    announce(
        session,
        Notice(
            kind=PERSON_KIND,
            object_id=user.id,
            verb=verb,
            actor=actor,
            community=None,
            marking=Marking.OFFICIAL,
            to=addressed([user.id], Reason.DECISION),
            emailed=emailed,
        ),
    )


def reject_account(
    session: Session, actor: User | None, user: User, reason: str, settings: Settings, *, ip: str = ""
) -> None:
    """Turn a pending account away, with a reason emailed to the person; end any session it has."""
    require(actor, Action.ADMINISTER, SITE)
    assert actor is not None
    reason = _reason(reason, "rejecting the account")
    if user.status is not AccountStatus.PENDING:
        raise Conflict("That account is not waiting for approval.")
    user.status = AccountStatus.REJECTED
    user.decision_reason = reason
    end_all_sessions(session, user)
    session.flush()
    queue_change(session, PERSON_KIND, user.id)  # in the directory, or not, from now
    _audit(session, actor, "account.rejected", user, ip, reason=reason)
    emails.rejected(session, settings, user, reason)


def suspend_user(session: Session, actor: User | None, user: User, reason: str, *, ip: str = "") -> None:
    """Suspend an account and end every one of its sessions. You cannot suspend yourself."""
    require(actor, Action.ADMINISTER, SITE)
    assert actor is not None
    reason = _reason(reason, "suspending the account")
    if user.id == actor.id:
        raise Forbidden("You cannot suspend your own account.")
    if user.status is not AccountStatus.ACTIVE:
        raise Conflict("Only an active account can be suspended.")
    user.status = AccountStatus.SUSPENDED
    user.decision_reason = reason
    ended = end_all_sessions(session, user)
    session.flush()
    queue_change(session, PERSON_KIND, user.id)  # in the directory, or not, from now
    _audit(session, actor, "user.suspended", user, ip, reason=reason, sessions_ended=ended)


def clear_bounce(session: Session, actor: User | None, user: User, *, ip: str = "") -> None:
    """An administrator says mail to ``user``'s address works again (their mailbox was fixed)."""
    require(actor, Action.ADMINISTER, SITE)
    assert actor is not None
    bounced = user.email_bounce
    user.email_bounced_at, user.email_bounce = None, ""
    session.flush()
    _audit(session, actor, "user.email_bounce_cleared", user, ip, bounce=bounced)


def reactivate_user(session: Session, actor: User | None, user: User, *, ip: str = "") -> None:
    """Let a suspended or rejected account back in."""
    require(actor, Action.ADMINISTER, SITE)
    assert actor is not None
    if user.status not in (AccountStatus.SUSPENDED, AccountStatus.REJECTED):
        raise Conflict("Only a suspended or rejected account can be reactivated.")
    user.status = AccountStatus.ACTIVE
    user.decision_reason = None
    session.flush()
    queue_change(session, PERSON_KIND, user.id)  # in the directory, or not, from now
    _audit(session, actor, "user.reactivated", user, ip)
    _tell_decision(session, actor, user, "reactivated your account")


def set_admin(session: Session, actor: User | None, user: User, admin: bool, *, ip: str = "") -> None:
    """Make an active account a site administrator, or take that away (never from yourself)."""
    require(actor, Action.ADMINISTER, SITE)
    assert actor is not None
    if not admin and user.id == actor.id:
        raise Forbidden("You cannot remove your own administrator rights.")
    if admin and not user.is_active_account:
        raise Conflict("Only an active account can be made an administrator.")
    if user.is_admin == admin:
        return
    user.is_admin = admin
    session.flush()
    _audit(session, actor, "user.admin_granted" if admin else "user.admin_revoked", user, ip)


def end_other_sessions(session: Session, user: User, keep_token: str, *, ip: str = "") -> int:
    """Sign the user out everywhere but this browser; return how many sessions ended."""
    ended = sessions.end_other_sessions(session, user, keep_token)
    record(
        session,
        user,
        "sessions.ended_others",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
        detail={"sessions_ended": ended},
    )
    return ended
