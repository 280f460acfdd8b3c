"""Recording domain events: who did what to which object, in which community, when."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.models import Activity
from polka.communities.models import Community
from polka.content.kinds import KIND_NAME
from polka.db import utcnow


def record_activity(
    session: Session,
    actor: User | None,
    verb: str,
    community: Community | None,
    *,
    target_kind: str,
    target_id: int,
) -> Activity:
    """Add one event to a community's activity, or (``community`` None) to the activity of what is open
    to everyone signed in, outside any community (flushed with the caller's transaction).

    ``target_kind`` is a content kind's name (``wiki.page``); the stream resolves the object's title,
    address and visibility when it is read, so nothing about it is copied here.
    """
    if not KIND_NAME.fullmatch(target_kind):
        raise ValueError(f"activity names its target by a content kind, not {target_kind!r}")
    event = Activity(
        created_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        verb=verb,
        community_id=community.id if community is not None else None,
        target_kind=target_kind,
        target_id=target_id,
    )
    session.add(event)
    session.flush()
    return event
