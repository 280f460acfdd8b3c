"""Calendars for calendar apps (iCalendar): a community's calendar and a person's, subscribed to with
the private feed key (``?key=``), and one event or one occurrence to download. Each holds what its
reader may see at the moment it is asked for (``polka.events.ics``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, render_template, url_for

from polka.accounts.feed_keys import reveal_feed_key
from polka.accounts.models import User
from polka.accounts.web import signed_in
from polka.communities.services import get_community
from polka.db import transaction, utcnow
from polka.events import access, ics, reads
from polka.events.blueprint import bp
from polka.events.models import Event
from polka.events.schedule import Scheduled, occurrence_of, parse_key
from polka.feeds.web import absolute_url, feed_view
from polka.http import client_ip, db, settings
from polka.permissions import Action

#: How far ahead a subscribed calendar reaches (every series ends sooner than this).
_AHEAD = timedelta(days=366 * 12)


def _addresses() -> ics.Address:
    """Where each event's page is (an occurrence's, for a series), absolute. ``url_for`` is asked once
    per community, not for each of a feed's thousands of events: an event's address is its
    community's events' address and its id, and an occurrence's is the event's and its key."""
    events_of: dict[str, str] = {}

    def address(event: Scheduled, key: str | None) -> str:
        slug = event.community.slug
        prefix = events_of.get(slug)
        if prefix is None:
            made = absolute_url(url_for("events.event", slug=slug, event=0))
            prefix = events_of[slug] = made.removesuffix("/0") + "/"
        if key is None or not event.repeats:
            return f"{prefix}{event.id}"
        return f"{prefix}{event.id}/{key}"

    return address


def _ics_response(text: str, filename: str, *, download: bool) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        text,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _feed(reader: User, name: str, community_ids: list[int], filename: str) -> Response:
    now = utcnow()
    events = reads.feed_events(db(), reader, community_ids, now - ics.FEED_PAST, now + _AHEAD)
    text = ics.calendar(name, events, settings().base_url, _addresses())
    return _ics_response(text, filename, download=False)


@bp.get("/calendar/calendar.ics")
@feed_view
def personal_feed(reader: User) -> Response:
    """Every community the reader belongs to."""
    mine = reads.member_communities(db(), reader)
    return _feed(reader, "POLKA – my calendar", [c.id for c in mine], "polka-calendar.ics")


@bp.get("/c/<slug>/events/calendar.ics")
@feed_view
def community_feed(slug: str, reader: User) -> Response:
    """A community's calendar, with its regions'."""
    community = get_community(db(), reader, slug, Action.READ)
    communities = reads.calendar_communities(db(), reader, community)
    return _feed(reader, f"{community.name} – POLKA", [c.id for c in communities], f"{community.slug}.ics")


def _event_for(slug: str, event_id: int, reader: User) -> Event:
    community = get_community(db(), reader, slug, Action.READ)
    return access.get_event(db(), reader, community, event_id)


@bp.get("/c/<slug>/events/<int:event>.ics")
@feed_view
def event_file(slug: str, event: int, reader: User) -> Response:
    """One event, or a whole series with its exceptions, to add to a calendar."""
    found = _event_for(slug, event, reader)
    text = ics.calendar(ics.title_of(found), [found], settings().base_url, _addresses())
    return _ics_response(text, f"event-{found.id}.ics", download=True)


@bp.get("/c/<slug>/events/<int:event>/<key>.ics")
@feed_view
def occurrence_file(slug: str, event: int, key: str, reader: User) -> Response:
    """One occurrence of a series, on its own."""
    found = _event_for(slug, event, reader)
    chosen = occurrence_of(found, parse_key(key))
    text = ics.one_occurrence(ics.title_of(found), found, chosen, settings().base_url, _addresses())
    return _ics_response(text, f"event-{found.id}-{chosen.key}.ics", download=True)


def _subscribe_screen(key: str | None = None) -> Any:
    user = signed_in()
    mine = reads.member_communities(db(), user)
    links = []
    if key is not None:
        links = [("Every community you belong to", absolute_url(url_for("events.personal_feed", key=key)))]
        links += [
            (c.name, absolute_url(url_for("events.community_feed", slug=c.slug, key=key))) for c in mine
        ]
    return render_template(
        "events/subscribe.html",
        links=links,
        section="calendar",
        page_title="Subscribe to your calendar",
    )


@bp.get("/calendar/subscribe")
def subscribe() -> Any:
    return _subscribe_screen()


@bp.post("/calendar/subscribe")
def subscribe_links() -> Any:
    """Show the subscription addresses (making the user's feed key if they have none yet)."""
    with transaction(db()) as session:
        key = reveal_feed_key(session, signed_in(), settings().secret_key, ip=client_ip())
    return _subscribe_screen(key)
