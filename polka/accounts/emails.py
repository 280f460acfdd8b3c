"""The emails accounts send: plain text, links built from ``base_url``, queued in the transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.config import Settings
from polka.mail import queue_mail

SIGN_OFF = "\n\nPOLKA – Police Online Knowledge Area\nThis email was sent automatically. Do not reply to it."


def link(settings: Settings, path: str) -> str:
    return settings.base_url.rstrip("/") + path


def _send(session: Session, to: str, subject: str, body: str) -> None:
    queue_mail(session, to=to, subject=subject, body=body + SIGN_OFF)


def verification(session: Session, settings: Settings, user: User, token: str) -> None:
    _send(
        session,
        user.email,
        "Confirm your email address for POLKA",
        f"Hello {user.name},\n\n"
        f"Confirm your email address to finish registering for POLKA:\n\n"
        f"{link(settings, '/verify/' + token)}\n\n"
        f"The link works once and expires in {settings.token_hours} hours.\n"
        f"If you did not register for POLKA, ignore this email: no account will be opened.",
    )


def already_registered(session: Session, settings: Settings, user: User) -> None:
    _send(
        session,
        user.email,
        "Someone tried to register for POLKA with your email address",
        f"Hello {user.name},\n\n"
        f"Someone tried to register for POLKA with this email address, which already has an account.\n"
        f"If it was you, sign in instead:\n\n{link(settings, '/login')}\n\n"
        f"If you have forgotten your password, reset it here:\n\n{link(settings, '/reset')}\n\n"
        f"If it was not you, you need do nothing: your account has not changed.",
    )


def password_reset(session: Session, settings: Settings, user: User, token: str) -> None:
    _send(
        session,
        user.email,
        "Reset your POLKA password",
        f"Hello {user.name},\n\n"
        f"Someone asked to reset the password of your POLKA account. To choose a new password, go to:\n\n"
        f"{link(settings, '/reset/' + token)}\n\n"
        f"The link works once and expires in {settings.token_hours} hours.\n"
        f"If you did not ask for this, ignore this email: your password has not changed.",
    )


def password_changed(session: Session, settings: Settings, user: User) -> None:
    _send(
        session,
        user.email,
        "Your POLKA password was changed",
        f"Hello {user.name},\n\n"
        f"The password of your POLKA account was just changed, and every signed-in session was ended.\n"
        f"If you did not do this, reset your password now and tell your POLKA administrator:\n\n"
        f"{link(settings, '/reset')}",
    )


def approved(session: Session, settings: Settings, user: User) -> None:
    verified = user.email_verified_at is not None
    _send(
        session,
        user.email,
        "Your POLKA account has been approved",
        f"Hello {user.name},\n\nAn administrator has approved your POLKA account. "
        + (
            f"You can now sign in:\n\n{link(settings, '/login')}"
            if verified
            else f"Confirm your email address with the link we sent you, then sign in. "
            f"To get a new link, go to:\n\n{link(settings, '/verify/resend')}"
        ),
    )


def rejected(session: Session, settings: Settings, user: User, reason: str) -> None:
    _send(
        session,
        user.email,
        "Your POLKA registration was not approved",
        f"Hello {user.name},\n\nAn administrator did not approve your registration for POLKA.\n\n"
        f"The reason given:\n\n{reason}\n\n"
        f"If you think this is wrong, contact the person who sponsored you or your force's POLKA contact.",
    )


def sponsor_notice(session: Session, settings: Settings, sponsor: User, user: User) -> None:
    _send(
        session,
        sponsor.email,
        "Someone named you as their sponsor on POLKA",
        f"Hello {sponsor.name},\n\n"
        f"{user.name} ({user.email}) has registered for POLKA and named you as their sponsor. "
        f"An administrator will decide whether to approve the account and may contact you.\n"
        f"If you do not know this person, tell your POLKA administrator.",
    )
