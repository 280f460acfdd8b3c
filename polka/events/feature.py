"""Events, as the rest of POLKA sees them (see polka.content.feature): this is the one place that
imports the events' view modules."""

from __future__ import annotations

from polka.content.deletion import removing
from polka.content.feature import CommunityLink, Feature, Purge, Routes
from polka.events import (
    attendance_views,
    bin_views,
    feed_views,
    models,
    pack_views,
    personal_views,
    views,
)
from polka.events.blueprint import bp
from polka.events.demo import load_demo_events
from polka.events.home import home_sections
from polka.events.kinds import CALENDAR, EVENT
from polka.events.models import Event
from polka.events.search import EventSearch
from polka.events.views import coming_events

FEATURE = Feature(
    name="events",
    label="Events",
    routes=Routes(bp, (views, attendance_views, pack_views, personal_views, feed_views, bin_views)),
    models=(models,),
    kinds=(EVENT, CALENDAR),
    search=(EventSearch(),),
    demo=load_demo_events,
    home=home_sections,
    purges=(Purge(EVENT.name, removing(Event, EVENT.name)),),
    community_link=CommunityLink(
        "Events", "events.index", "meetings, training days and webinars", glimpses=coming_events
    ),
)
