"""What a signed-in user's home page shows of events (``polka.content.feature.HomeSections``): their
next meetings across their communities, the actions from minutes given to them, and, for an organiser,
how many meetings are waiting for their minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Membership
from polka.content.feature import Glimpse, HomeSection
from polka.db import utcnow
from polka.events import packs, wording
from polka.events.models import Event
from polka.events.schedule import Occurrence, in_window
from polka.events.views import occurrence_address, occurrence_url
from polka.localtime import DEFAULT_ZONE
from polka.permissions import visible_filter

#: How many coming meetings the home page lists.
COMING_SHOWN = 5
#: How far ahead it looks for them, widening until it has enough.
_REACH = (timedelta(days=14), timedelta(days=62), timedelta(days=366))


def coming_for(session: Session, user: User, now: datetime) -> list[Occurrence]:
    """The next few occurrences, not cancelled, of the events ``user`` may see in the communities they
    belong to (one statement: few events are coming in a person's communities)."""
    query = (
        select(Event)
        .options(joinedload(Event.changes), joinedload(Event.community))
        .where(
            Event.community_id.in_(select(Membership.community_id).where(Membership.user_id == user.id)),
            Event.deleted_at.is_(None),
            Event.cancelled_at.is_(None),
            Event.last_end_utc > now,
            Event.first_start_utc < now + _REACH[-1],
            visible_filter(user, Event),
        )
    )
    events = list(session.scalars(query).unique())
    coming: list[Occurrence] = []
    for reach in _REACH:
        coming = [o for o in in_window(events, now, now + reach) if not o.cancelled]
        if len(coming) >= COMING_SHOWN:
            break
    return coming[:COMING_SHOWN]


def home_sections(session: Session, user: User) -> list[HomeSection]:
    now = utcnow()
    coming = HomeSection(
        "Coming up",
        [
            Glimpse(
                o.event.title,
                occurrence_url(o),
                f"{wording.when(o, DEFAULT_ZONE)} · {o.event.community.name}",
                o.event.marking,
            )
            for o in coming_for(session, user, now)
        ],
        empty="Nothing is on the calendars of your communities.",
        more=("My calendar", url_for("events.personal")),
    )
    today = now.date()
    actions = HomeSection(
        "Your actions",
        [
            Glimpse(
                mine.action.what,
                f"{occurrence_address(mine.event, mine.action.original)}#actions",
                f"{'Overdue: was due' if mine.action.due_on < today else 'Due'} "
                f"{mine.action.due_on.day} {mine.action.due_on:%B %Y} · from {mine.event.title}",
                mine.event.marking,
            )
            for mine in packs.my_actions(session, user)
        ],
    )
    due = packs.minutes_due(session, user, now)
    minutes = HomeSection(
        "Minutes due",
        [
            Glimpse(
                o.event.title, f"{occurrence_url(o)}#pack", wording.when(o, DEFAULT_ZONE), o.event.marking
            )
            for o in due[: packs.MINUTES_SHOWN]
        ],
        more=("Every meeting waiting for its minutes", url_for("events.minutes_due"))
        if len(due) > packs.MINUTES_SHOWN
        else None,
    )
    return [coming, actions, minutes]
