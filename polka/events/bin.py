"""Deleted events: the community's managers see the ones deleted within the restore window and put
them back. The worker's daily purge removes for good those deleted longer ago (with their answers,
packs and actions, their search entry, their cross-links and who followed them), through
``polka.content.deletion.removing``. The bin itself is every feature's (``polka.content.bin``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.communities.models import Community
from polka.content import bin
from polka.events.kinds import EVENT_KIND
from polka.events.models import Event
from polka.events.search import reindex_event


def deleted_events(session: Session, user: User, community: Community) -> list[Event]:
    """The community's events deleted within the restore window, newest first (its managers)."""
    return bin.deleted_in(session, user, community, Event)


def get_deleted_event(session: Session, user: User, community: Community, event_id: int) -> Event:
    return bin.get_deleted(session, user, community, Event, event_id)


def restore_event(session: Session, user: User, event: Event) -> None:
    """Put a deleted event back on the calendar, with its answers, packs and actions."""
    bin.restore(session, user, event, "Events")
    reindex_event(session, event)
    record_activity(session, user, "restored", event.community, target_kind=EVENT_KIND, target_id=event.id)
