"""One-click unsubscribe: a signed, expiring token in every email names whom and what to stop.

The token is the whole authority (no sign-in): it names one person and either one reason ("mention")
or a digest ("daily": every reason emailed in the daily digest). It expires after ``TOKEN_DAYS``; an
expired one leads to the preferences page instead. Stopping is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.notifications.preferences import preferences_of, set_frequency
from polka.notifications.reasons import ABOUT, Frequency, Reason

TOKEN_DAYS = 60
_SALT = "polka.notifications.unsubscribe"
#: What a digest's token names: every reason emailed in it.
DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)


@dataclass(frozen=True)
class Unsubscribe:
    """What a token stops: one reason's email, or a digest's."""

    user_id: int
    #: a reason's value, or a digest's frequency ("daily")
    what: str

    def describe(self) -> str:
        if self.what in {f.value for f in DIGESTS}:
            return f"your {self.what} digest"
        return f"emails about “{ABOUT[Reason(self.what)].label.lower()}”"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def token_for(secret_key: str, user_id: int, what: Reason | Frequency) -> str:
    return str(_serializer(secret_key).dumps([user_id, what.value]))


def read_token(secret_key: str, token: str) -> Unsubscribe | None:
    """What a token stops, or None when it is forged, mangled or expired."""
    try:
        user_id, what = _serializer(secret_key).loads(token, max_age=TOKEN_DAYS * 24 * 3600)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or what not in {*Reason, *DIGESTS}:
        return None
    return Unsubscribe(user_id, what)


def unsubscribe(session: Session, asked: Unsubscribe) -> User | None:
    """Stop what ``asked`` names (the person, if they still exist)."""
    user = session.get(User, asked.user_id)
    if user is None:
        return None
    if asked.what in {f.value for f in DIGESTS}:
        frequencies = preferences_of(session, user).frequencies
        reasons = [reason for reason, frequency in frequencies.items() if frequency.value == asked.what]
    else:
        reasons = [Reason(asked.what)]
    set_frequency(session, user.id, reasons, Frequency.NEVER)
    return user
