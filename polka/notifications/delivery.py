"""Sending notification emails from the worker, and queueing the digests that are due.

An email job composes its message when it runs, in a read-only session of its own, for its reader as
things are then (``letters``); sends it with no database lock held; then marks what it covered as
emailed in the job's own transaction, which commits with the job's completion. SMTP down or "try later"
retries the job with back-off; a worker dying between sending and committing leaves the job to be run
again once (its message id the same, so a mail client can tell the repeat); nothing is lost. A server
refusing the address for good fails the job and flags the address on the user.

Digests are queued by the worker's housekeeping each minute: someone's daily digest is due once their
hour (UK time) has come, their weekly once their day and hour have; claiming a period is a conditional
update of the schedule, so two workers never queue one period twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Select, String, and_, bindparam, case, cast, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from polka.accounts.models import User
from polka.config import Settings
from polka.db import transaction, utcnow
from polka.jobs.runner import Handler
from polka.jobs.services import PermanentJobError, enqueue_many
from polka.mail import SmtpTarget, deliver
from polka.notifications.announce import EMAIL_JOB
from polka.notifications.fanout import chunks
from polka.notifications.letters import Letter, digest, immediate
from polka.notifications.models import Notification, NotificationPreference, NotificationSchedule
from polka.notifications.reasons import ABOUT, Frequency, Reason
from polka.templating import LONDON

#: How far back the digest sweep looks for people with something not yet emailed (a week and a day).
LOOK_BACK = timedelta(days=8)
PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


def compose(session: Session, settings: Settings, payload: dict[str, Any]) -> Letter:
    """The letter an email job's payload asks for: one notification's (``ids``), or a digest."""
    if "digest" in payload:
        user = session.get(User, int(payload["user_id"]))
        if user is None:
            return Letter(None)
        return digest(
            session,
            settings,
            user,
            Frequency(payload["digest"]),
            datetime.fromisoformat(payload["since"]),
            datetime.fromisoformat(payload["until"]),
        )
    (notification_id,) = payload["ids"]
    return immediate(session, settings, int(notification_id))


def in_app(app: Flask, handler: Handler) -> Handler:
    """``handler`` run with ``app``'s request context, as at ``POLKA_BASE_URL``: resolvers build the
    addresses of what they show with ``url_for``, which a worker has no request for."""
    settings: Settings = app.extensions["polka.settings"]

    def run(session: Session, payload: dict[str, Any]) -> None:
        with app.test_request_context("/", base_url=settings.base_url):
            handler(session, payload)

    return run


def email_handler(app: Flask) -> Handler:
    """The job handler sending notification emails with ``app``'s settings (run it ``in_app``: the
    addresses are built from ``POLKA_BASE_URL``). A bad ``POLKA_SMTP_URL`` fails now, not at the
    first email."""
    settings: Settings = app.extensions["polka.settings"]
    sessions: sessionmaker[Session] = app.extensions["polka.sessions"]
    if settings.smtp_url:
        SmtpTarget.parse(settings.smtp_url)

    def send(session: Session, payload: dict[str, Any]) -> None:
        try:
            with sessions() as reading:
                letter = compose(reading, settings, payload)
        except (KeyError, TypeError, ValueError) as exc:
            raise PermanentJobError(f"the notification email cannot be composed: {exc}") from exc
        if letter.message is not None:
            try:
                deliver(settings, letter.message)
            except PermanentJobError as exc:
                flag_bounce(sessions, str(letter.message["To"]), str(exc))
                raise
        if letter.covered:
            session.execute(
                update(Notification)
                .where(Notification.id.in_(letter.covered), Notification.emailed_at.is_(None))
                .values(emailed_at=utcnow())
                .execution_options(synchronize_session=False)
            )

    return send


def flag_bounce(sessions: Callable[[], Session], address: str, why: str) -> None:
    """Note on the user that mail to ``address`` was refused for good (shown to administrators; no more
    notification email goes to it until the address changes)."""
    with sessions() as session, transaction(session):
        session.execute(
            update(User)
            .where(User.email == address)
            .values(email_bounced_at=utcnow(), email_bounce=why[:300])
            .execution_options(synchronize_session=False)
        )


def period_end(frequency: Frequency, schedule: NotificationSchedule | None, now: datetime) -> datetime:
    """The end of the last period of ``frequency`` that has ended by ``now``, for someone's schedule:
    their digest hour (UK time) today or before, on their weekday for a weekly digest."""
    hour = schedule.digest_hour if schedule is not None else 7
    weekday = schedule.digest_weekday if schedule is not None else 0
    local = now.astimezone(LONDON)
    day: date = local.date()
    candidate = datetime.combine(day, time(hour), tzinfo=LONDON)
    if frequency is Frequency.WEEKLY:
        candidate -= timedelta(days=(day.weekday() - weekday) % 7)
    while candidate > local:
        candidate -= PERIODS[frequency]
    # A day's hour is rebuilt on its own date: across a clock change, 07:00 stays 07:00 UK time.
    at = datetime.combine(candidate.date(), time(hour), tzinfo=LONDON)
    return at.astimezone(now.tzinfo)


def queue_due_digests(session: Session, now: datetime | None = None) -> int:
    """Queue a digest job for everyone whose daily or weekly period has ended since their last digest
    and who has something not yet emailed; a paused person's period passes without one. Returns how
    many were queued."""
    now = now or utcnow()
    due: dict[int, dict[Frequency, datetime]] = {}
    for user_id, frequency, oldest in session.execute(_digest_candidates(), {"since": now - LOOK_BACK}):
        due.setdefault(user_id, {})[Frequency(frequency)] = oldest
    people = sorted(due)
    schedules = {
        row.user_id: row
        for part in chunks(people)
        for row in session.scalars(select(NotificationSchedule).where(NotificationSchedule.user_id.in_(part)))
    }
    missing = [user_id for user_id in people if user_id not in schedules]
    for user_id in missing:
        try:
            with session.begin_nested():
                session.add(NotificationSchedule(user_id=user_id, digest_hour=7, digest_weekday=0))
        except IntegrityError:
            pass  # another worker made it a moment ago
    payloads = []
    for user_id in people:
        schedule = schedules.get(user_id)
        for frequency, oldest in sorted(due[user_id].items()):
            until = period_end(frequency, schedule, now)
            last = getattr(schedule, f"{frequency.value}_until", None) if schedule is not None else None
            if (last is not None and last >= until) or oldest >= until:
                continue  # sent already, or nothing from before the period's end: not due yet
            if not _claim(session, user_id, frequency, until):
                continue
            paused = (
                schedule is not None and schedule.paused_until is not None and schedule.paused_until > now
            )
            if not paused:
                since = last if last is not None else min(oldest, until - PERIODS[frequency])
                payloads.append(
                    {
                        "digest": frequency.value,
                        "user_id": user_id,
                        "since": since.isoformat(),
                        "until": until.isoformat(),
                    }
                )
    enqueue_many(session, EMAIL_JOB, payloads, max_attempts=8)
    return len(payloads)


def _digest_candidates() -> Select[int, str, datetime]:
    """Who has recent notifications not yet emailed (nor read) of a reason they want in a digest, in
    which digest (a frequency's value: their own choice, or the reason's default), and the oldest."""
    defaults = case(
        {reason.value: ABOUT[reason].default.value for reason in Reason},
        value=cast(Notification.reason, String),
    )
    frequency = func.coalesce(cast(NotificationPreference.frequency, String), defaults)
    return (
        select(Notification.user_id, frequency, func.min(Notification.created_at))
        .outerjoin(
            NotificationPreference,
            and_(
                NotificationPreference.user_id == Notification.user_id,
                NotificationPreference.reason == Notification.reason,
            ),
        )
        .where(
            Notification.emailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= bindparam("since"),
            frequency.in_([f.value for f in PERIODS]),
        )
        .group_by(Notification.user_id, frequency)
    )


def _claim(session: Session, user_id: int, frequency: Frequency, until: datetime) -> bool:
    """Take the period ending ``until`` for this person's digest (False: it was taken already)."""
    column = getattr(NotificationSchedule, f"{frequency.value}_until")
    result = session.execute(
        update(NotificationSchedule)
        .where(NotificationSchedule.user_id == user_id, (column.is_(None)) | (column < until))
        .values({column: until})
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
