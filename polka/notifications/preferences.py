"""Email preferences: how often each reason's notifications are emailed, and pausing all email.

A reason without a row of someone's is emailed at its default (``reasons.ABOUT``). A pause stops every
email until its end; what was not emailed meanwhile stays in the app, and the next digest after the
pause covers only what is new since the one before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.db import utcnow
from polka.errors import ValidationError
from polka.notifications.models import NotificationPreference, NotificationSchedule
from polka.notifications.reasons import ABOUT, Frequency, Reason

#: The longest pause one can ask for at once.
MAX_PAUSE_DAYS = 90
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Preferences:
    """Someone's email settings, every reason filled in (with its default where they chose nothing)."""

    frequencies: dict[Reason, Frequency]
    paused_until: datetime | None
    digest_hour: int
    digest_weekday: int

    def paused(self, now: datetime | None = None) -> bool:
        return self.paused_until is not None and self.paused_until > (now or utcnow())


def preferences_of(session: Session, user: User) -> Preferences:
    chosen = {
        row.reason: row.frequency
        for row in session.execute(
            select(NotificationPreference.reason, NotificationPreference.frequency).where(
                NotificationPreference.user_id == user.id
            )
        )
    }
    schedule = session.get(NotificationSchedule, user.id)
    return Preferences(
        frequencies={reason: chosen.get(reason, ABOUT[reason].default) for reason in Reason},
        paused_until=schedule.paused_until if schedule else None,
        digest_hour=schedule.digest_hour if schedule else 7,
        digest_weekday=schedule.digest_weekday if schedule else 0,
    )


def schedule_of(session: Session, user_id: int) -> NotificationSchedule:
    """Someone's schedule row, made (with the defaults) if they have none yet."""
    schedule = session.get(NotificationSchedule, user_id)
    if schedule is None:
        schedule = NotificationSchedule(user_id=user_id, digest_hour=7, digest_weekday=0)
        session.add(schedule)
    return schedule


def save_preferences(
    session: Session, user: User, frequencies: dict[Reason, Frequency], digest_hour: int, digest_weekday: int
) -> None:
    """Keep the chosen frequencies (a choice equal to the default is stored as no row) and digest time."""
    if not 0 <= digest_hour <= 23:
        raise ValidationError(
            "Choose an hour from 00:00 to 23:00.", {"digest_hour": "Choose an hour of the day."}
        )
    if not 0 <= digest_weekday <= 6:
        raise ValidationError("Choose a day of the week.", {"digest_weekday": "Choose a day of the week."})
    session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    for reason, frequency in frequencies.items():
        if frequency is not ABOUT[reason].default:
            session.add(NotificationPreference(user_id=user.id, reason=reason, frequency=frequency))
    schedule = schedule_of(session, user.id)
    schedule.digest_hour = digest_hour
    schedule.digest_weekday = digest_weekday
    session.flush()


def set_frequency(session: Session, user_id: int, reasons: Sequence[Reason], frequency: Frequency) -> None:
    """Email ``reasons`` at ``frequency`` from now on (an unsubscribe link sets ``NEVER``)."""
    session.execute(
        delete(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.reason.in_(list(reasons))
        )
    )
    for reason in reasons:
        if frequency is not ABOUT[reason].default:
            session.add(NotificationPreference(user_id=user_id, reason=reason, frequency=frequency))
    session.flush()


def pause(session: Session, user: User, days: int, now: datetime | None = None) -> datetime:
    """Send no email for ``days`` days from now; when the pause ends."""
    if not 1 <= days <= MAX_PAUSE_DAYS:
        message = f"Pause email for 1 to {MAX_PAUSE_DAYS} days."
        raise ValidationError(message, {"days": message})
    until = (now or utcnow()) + timedelta(days=days)
    schedule_of(session, user.id).paused_until = until
    session.flush()
    return until


def resume(session: Session, user: User) -> None:
    schedule = session.get(NotificationSchedule, user.id)
    if schedule is not None:
        schedule.paused_until = None
        session.flush()


def wanting(session: Session, user_ids: Sequence[int], reason: Reason, frequency: Frequency) -> list[int]:
    """Those of ``user_ids`` who want ``reason``'s notifications emailed at ``frequency``, now: not
    paused, with an address that has not bounced."""
    if not user_ids:
        return []
    chosen = {
        row.user_id: row.frequency
        for row in session.execute(
            select(NotificationPreference.user_id, NotificationPreference.frequency).where(
                NotificationPreference.reason == reason, NotificationPreference.user_id.in_(list(user_ids))
            )
        )
    }
    default = ABOUT[reason].default
    candidates = [uid for uid in user_ids if chosen.get(uid, default) is frequency]
    if not candidates:
        return []
    now = utcnow()
    silenced = set(
        session.scalars(
            select(NotificationSchedule.user_id).where(
                NotificationSchedule.user_id.in_(candidates), NotificationSchedule.paused_until > now
            )
        )
    )
    bounced = set(
        session.scalars(select(User.id).where(User.id.in_(candidates), User.email_bounced_at.is_not(None)))
    )
    return [uid for uid in candidates if uid not in silenced and uid not in bounced]
