"""Deleted events: the community's managers see the ones deleted within the restore window and put
them back. The worker's daily purge removes for good those deleted longer ago (with their answers,
packs and actions, their search entry, their cross-links and who followed them), through
``polka.content.deletion.removing``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.communities.models import Community
from polka.content.mixins import RESTORE_DAYS
from polka.content.rules import require_restore
from polka.db import utcnow
from polka.errors import NotFound
from polka.events.kinds import EVENT_KIND
from polka.events.models import Event
from polka.events.search import reindex_event
from polka.permissions import Action, require


def deleted_events(session: Session, user: User, community: Community) -> list[Event]:
    """The community's events deleted within the restore window, newest first (its managers)."""
    require(user, Action.MANAGE, community)
    return list(
        session.scalars(
            select(Event)
            .options(joinedload(Event.deleted_by))
            .where(
                Event.community_id == community.id,
                Event.deleted_at.is_not(None),
                ~Event.past_restore_window(utcnow()),
            )
            .order_by(Event.deleted_at.desc(), Event.id)
        )
    )


def get_deleted_event(session: Session, user: User, community: Community, event_id: int) -> Event:
    require(user, Action.MANAGE, community)
    event = session.get(Event, event_id)
    if event is None or event.community_id != community.id or event.deleted_at is None:
        raise NotFound()
    return event


def restore_event(session: Session, user: User, event: Event) -> None:
    """Put a deleted event back on the calendar, with its answers, packs and actions."""
    require_restore(user, event, f"Events can be restored for {RESTORE_DAYS} days after they are deleted.")
    event.deleted_at = event.deleted_by_id = None
    session.flush()
    reindex_event(session, event)
    record_activity(session, user, "restored", event.community, target_kind=EVENT_KIND, target_id=event.id)
