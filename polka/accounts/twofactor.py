"""Two-factor authentication with TOTP (RFC 6238): enrolment, checking a code, turning it off.

A code is accepted one 30-second step either side of now, and never twice: the step of the last
accepted code is kept (``totp_last_counter``) and only later steps are accepted.
"""

from __future__ import annotations

import base64
import hmac
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy.orm import Session

from polka.accounts import recovery
from polka.accounts.models import User
from polka.accounts.passwords import PasswordHashing
from polka.audit.services import record
from polka.db import utcnow
from polka.errors import Forbidden, NotFound, ValidationError
from polka.permissions import needs_two_factor_setup

ISSUER = "POLKA"
VALID_WINDOW = 1
CODE_LENGTH = 6


def is_required(user: User) -> bool:
    """Site administrators and community moderators and managers must keep two-factor authentication on."""
    return needs_two_factor_setup(user)


def normalise_code(code: str | None) -> str:
    return "".join((code or "").split())


def matching_counter(secret: str, code: str, *, after: int | None, now: datetime | None = None) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), if later than ``after``."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for counter in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if after is not None and counter <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def begin_enrolment(session: Session, user: User) -> str:
    """Give ``user`` a new secret to enrol; the current one (if any) stays in force until confirmed."""
    user.totp_pending_secret = pyotp.random_base32()
    session.flush()
    return user.totp_pending_secret


def begin_enrolment_of(session: Session, user_id: int) -> str:
    """``begin_enrolment`` for the account with this id (read in ``session``, which may be a session of
    its own beside the request's)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return begin_enrolment(session, user)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG ``data:`` URI, for an ``<img>`` (the CSP allows data: images)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    svg: bytes = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def confirm_enrolment(session: Session, user: User, code: str, *, ip: str = "") -> list[str]:
    """Turn two-factor on with the pending secret, proven by a first code.

    Returns the recovery codes issued when it is turned on (to be shown once), or none when a new
    device replaces the old one (the codes already held stay valid). Raises ValidationError
    (``code``) when there is nothing to confirm or the code is wrong.
    """
    secret = user.totp_pending_secret
    if not secret:
        raise ValidationError("Start setting up two-factor authentication again", {"code": "Start again"})
    counter = matching_counter(secret, code, after=None)
    if counter is None:
        message = "Enter the 6-digit code shown in your authenticator app"
        raise ValidationError(message, {"code": message})
    replacing = user.has_two_factor
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_confirmed_at = utcnow()
    user.totp_last_counter = counter
    session.flush()
    record(
        session,
        user,
        "two_factor.replaced" if replacing else "two_factor.enabled",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
    )
    return [] if replacing else recovery.issue_codes(session, user, ip=ip)


def accept_code(session: Session, user: User, code: str) -> bool:
    """Check a sign-in code; on success remember its step so it cannot be used again."""
    if not user.has_two_factor or not user.totp_secret:
        return False
    counter = matching_counter(user.totp_secret, code, after=user.totp_last_counter)
    if counter is None:
        return False
    user.totp_last_counter = counter
    session.flush()
    return True


def disable(session: Session, user: User, hasher: PasswordHashing, password: str, *, ip: str = "") -> None:
    """Turn two-factor off after checking the password.

    Raises Forbidden for administrators, managers and moderators (they must keep it), ValidationError
    (``password``) for a wrong password.
    """
    if is_required(user):
        raise Forbidden("Administrators, managers and moderators must keep two-factor authentication on.")
    if not hasher.verify(user.password_hash, password or ""):
        message = "Enter your current password"
        raise ValidationError(message, {"password": message})
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_confirmed_at = None
    user.totp_last_counter = None
    recovery.discard_codes(session, user)
    session.flush()
    record(
        session,
        user,
        "two_factor.disabled",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        ip=ip,
    )
