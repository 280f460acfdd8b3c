"""Recording domain events and reading them back through the permission policy."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.activity.models import Activity
from polka.communities.models import Community
from polka.db import utcnow
from polka.markings import Marking
from polka.permissions import visible_filter


def record_activity(
    session: Session,
    actor: User | None,
    verb: str,
    community: Community,
    *,
    target_kind: str,
    target_id: int | None = None,
    target_title: str = "",
    target_url: str = "",
    marking: Marking = Marking.OFFICIAL,
) -> Activity:
    """Add one event to a community's activity (flushed with the caller's transaction)."""
    event = Activity(
        created_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        verb=verb,
        community_id=community.id,
        target_kind=target_kind,
        target_id=target_id,
        target_title=target_title[:300],
        target_url=target_url[:500],
        marking=marking,
    )
    session.add(event)
    session.flush()
    return event


def recent_activity(
    session: Session, user: User | None, *, community: Community | None = None, limit: int = 20
) -> list[Activity]:
    """The newest events the user may see, across their readable communities or in one."""
    query = select(Activity).where(visible_filter(user, Activity)).options(joinedload(Activity.community))
    if community is not None:
        query = query.where(Activity.community_id == community.id)
    query = query.order_by(Activity.created_at.desc(), Activity.id.desc()).limit(limit)
    return list(session.scalars(query))
