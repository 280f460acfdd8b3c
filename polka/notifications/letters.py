"""The emails notifications become: one notification at once, or a digest of a day's or a week's.

Each is composed when it is sent, for its reader as they may see things then: a notification about
something they can no longer see is left out, and nothing is sent when nothing is left. An
OFFICIAL-SENSITIVE item is named only by its kind and community — no title, no words of anyone's —
with a link. Every email carries one-click unsubscribe headers (RFC 8058) and a link to the
preferences; message ids are stable per notification and per digest (a repeat after a crash is
recognisable), and an email about an object names the object's thread (``In-Reply-To`` and
``References``), so a mail client threads every email about one topic together, and a later reply by
email can find what it answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urljoin

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.config import Settings
from polka.db import utcnow
from polka.mail import build_message, message_id_of
from polka.notifications.inbox import Told, actor_names, told_of
from polka.notifications.models import Notification, NotificationSchedule
from polka.notifications.preferences import preferences_of
from polka.notifications.reasons import ABOUT, Frequency, Reason
from polka.notifications.unsubscribe import token_for
from polka.templating import LONDON

#: The longest subject (a title of 2,000 characters is cut, with an ellipsis).
SUBJECT_MAX = 150
#: Nouns for the changes a digest counts, by verb ("7 edits by 3 people").
_NOUNS = {
    "edited": ("edit", "edits"),
    "replied to": ("reply", "replies"),
    "commented on": ("comment", "comments"),
    "uploaded a new version of": ("new version", "new versions"),
    "changed": ("change", "changes"),
}


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """``text`` on one line (any control character a space), at most ``limit`` characters."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Line:
    """What a digest or an email says of one object: the words and where they lead."""

    #: the item's words, empty for an OFFICIAL-SENSITIVE item (said by ``sensitive`` instead)
    text: str
    url: str
    sensitive: str = ""


def describe(items: Sequence[Told], since_day: str = "") -> Line:
    """One object's notifications (oldest first) in a line: "Sam Patel replied to “Rotas”", or "“PNC
    manual”: 7 edits by 3 people since Monday"; for an OFFICIAL-SENSITIVE item, its kind and place."""
    first, last = items[0], items[-1]
    shown = last.shown
    if shown.marking.sensitive:
        changes = f" ({len(items)} changes)" if len(items) > 1 else ""
        where = f"in {shown.community_name}" if shown.community_name else ""
        said = f"An OFFICIAL-SENSITIVE {shown.label.lower()} {where} has changed{changes}.".replace("  ", " ")
        return Line("", first.url, said)
    if len(items) == 1:
        return Line(f"{first.sentence} “{one_line(shown.title, 300)}”", first.url)
    verbs = {item.verb for item in items}
    one, many = _NOUNS.get(verbs.pop(), ("change", "changes")) if len(verbs) == 1 else ("change", "changes")
    people = len({item.actor for item in items})
    by = f"{people} {'person' if people == 1 else 'people'}"
    when = f" since {since_day}" if since_day else ""
    return Line(
        f"“{one_line(shown.title, 300)}”: {len(items)} {many if len(items) != 1 else one} by {by}{when}",
        first.url,
    )


@dataclass
class Letter:
    """A composed email and the notifications it covers (sent or left out, all done with)."""

    message: EmailMessage | None
    covered: list[int] = field(default_factory=list)


def _links(settings: Settings, user: User, what: Reason | Frequency) -> dict[str, str]:
    token = token_for(settings.secret_key, user.id, what)
    return {
        "unsubscribe": absolute(settings, url_for("notifications.unsubscribe", token=token)),
        "preferences": absolute(settings, url_for("notifications.preferences")),
        "notifications": absolute(settings, url_for("notifications.index")),
    }


def absolute(settings: Settings, path: str) -> str:
    return urljoin(settings.base_url.rstrip("/") + "/", path)


def _headers(links: dict[str, str]) -> dict[str, str]:
    return {
        "Auto-Submitted": "auto-generated",
        "List-Unsubscribe": f"<{links['unsubscribe']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _mailable(session: Session, user: User) -> bool:
    """Whether ``user`` may be emailed now: an active account, an address not refused, email not paused
    (asked again when sending: either may have changed since the email was queued)."""
    if not user.is_active_account or user.email_bounced_at is not None:
        return False
    schedule = session.get(NotificationSchedule, user.id)
    return schedule is None or schedule.paused_until is None or schedule.paused_until <= utcnow()


def immediate(session: Session, settings: Settings, notification_id: int) -> Letter:
    """The email of one notification, or no message when it is no longer for its reader."""
    row = session.get(Notification, notification_id)
    if row is None or row.emailed_at is not None:
        return Letter(None)
    user = session.get(User, row.user_id)
    if user is None or not _mailable(session, user):
        return Letter(None, [row.id])
    told, _ = told_of([row], user, session, actor_names(session, [row]))
    if not told:
        return Letter(None, [row.id])
    item = told[0]
    line = describe([replace(item, url=absolute(settings, item.url))])
    links = _links(settings, user, row.reason)
    subject = (
        f"OFFICIAL-SENSITIVE: a {item.shown.label.lower()} changed in {item.shown.community_name}"
        if line.sensitive
        else f"{item.sentence} “{item.shown.title}”"
    )
    context = {
        "user": user,
        "line": line,
        "note": "" if line.sensitive else item.note,
        "about": ABOUT[row.reason],
        "links": links,
        "reason": row.reason,
    }
    thread = message_id_of(settings, f"polka-{row.kind}-{row.object_id}")
    message = build_message(
        settings,
        user.email,
        one_line(subject),
        render_template("notifications/email/immediate.txt", **context),
        f"polka-notification-{row.id}",
        html=render_template("notifications/email/immediate.html", **context),
        headers={**_headers(links), "In-Reply-To": thread, "References": thread},
    )
    return Letter(message, [row.id])


@dataclass(frozen=True)
class Place:
    """A digest's section: one community's (or what is open to everyone signed in's) lines."""

    name: str
    lines: list[Line]


def digest(
    session: Session, settings: Settings, user: User, frequency: Frequency, since: datetime, until: datetime
) -> Letter:
    """The digest of ``user``'s notifications made in [since, until) not yet emailed or read, of the
    reasons they want emailed at ``frequency`` now; no message when none is left for them."""
    prefs = preferences_of(session, user)
    reasons = [reason for reason, chosen in prefs.frequencies.items() if chosen is frequency]
    if not reasons or not _mailable(session, user):
        return Letter(None)
    rows = list(
        session.scalars(
            select(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.reason.in_(reasons),
                Notification.emailed_at.is_(None),
                Notification.read_at.is_(None),
                Notification.created_at >= since,
                Notification.created_at < until,
            )
            .order_by(Notification.created_at, Notification.id)
        )
    )
    if not rows:
        return Letter(None)
    told, _ = told_of(rows, user, session, actor_names(session, rows))
    covered = [row.id for row in rows]
    if not told:
        return Letter(None, covered)
    since_day = f"{since.astimezone(LONDON):%A}"
    groups: dict[str, dict[tuple[str, int], list[Told]]] = {}
    for item in told:
        absolute_item = replace(item, url=absolute(settings, item.url))
        groups.setdefault(item.shown.community_name, {}).setdefault(
            (item.shown.kind, item.shown.id), []
        ).append(absolute_item)
    places = [
        Place(name, [describe(items, since_day) for items in objects.values()])
        for name, objects in sorted(groups.items(), key=lambda pair: pair[0].lower())
    ]
    links = _links(settings, user, frequency)
    count = sum(len(place.lines) for place in places)
    subject = f"POLKA {frequency.value} digest: {count} {'thing' if count == 1 else 'things'} new in your communities"
    context = {"user": user, "places": places, "frequency": frequency, "links": links, "since": since}
    message = build_message(
        settings,
        user.email,
        subject,
        render_template("notifications/email/digest.txt", **context),
        f"polka-digest-{frequency.value}-{user.id}-{until:%Y%m%d%H%M}",
        html=render_template("notifications/email/digest.html", **context),
        headers={**_headers(links), "Precedence": "bulk"},
    )
    return Letter(message, covered)
