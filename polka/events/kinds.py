"""The events' content kind: how any part of POLKA shows an event to a user (see polka.content.kinds)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.kinds import part_resolver
from polka.communities.models import Community
from polka.content.kinds import IDS, Kind, Shown, shown_columns
from polka.events.models import Event
from polka.permissions import reader_params, visible_to_reader

EVENT_KIND = "events.event"


def resolve_events(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The undeleted events among ``ids`` that ``user`` may see, as they are now."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_events(), {**params, IDS: list(ids)})
    return {
        row.id: Shown.of_row(
            EVENT_KIND, "Event", url_for("events.event", slug=row.community_slug, event=row.id), row
        )
        for row in rows
    }


@cache
def _visible_events() -> Select[Any]:
    """Built once for every reader, so a request only binds its values."""
    return shown_columns(Event).where(
        Event.id.in_(bindparam(IDS, expanding=True)), Event.deleted_at.is_(None), visible_to_reader(Event)
    )


EVENT = Kind(name=EVENT_KIND, label="Event", model=Event, resolve=resolve_events, link_name="event")
CALENDAR_KIND = "events.calendar"
#: A community's calendar as a whole, to follow: named by its community's id.
CALENDAR = Kind(
    name=CALENDAR_KIND,
    label="Calendar",
    model=Community,
    resolve=part_resolver(CALENDAR_KIND, "Calendar", "events.index"),
    owns_model=False,
)
