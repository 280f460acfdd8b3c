"""What the personal feed shows: the newest events in the reader's communities, each target as the
reader may see it at this moment (``polka.content.kinds.resolve_all``), or not at all.

``entries`` is the one read the feed makes of the activity stream; when the stream is read through
the content kinds itself, this function becomes a call to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.activity.models import Activity
from polka.content.kinds import Shown, resolve_all

#: Kind names the stream stored before content kinds had one name each.
_FORMER_KIND_NAMES = {
    "wiki_page": "wiki.page",
    "document": "docs.document",
    "community": "communities.community",
}


@dataclass(frozen=True)
class Item:
    """One event as the reader may see it now."""

    id: int
    at: datetime
    actor_name: str
    verb: str
    target: Shown
    #: where the event happened (the target may have moved since)
    community_slug: str
    community_name: str


def _kind(stored: str) -> str:
    return _FORMER_KIND_NAMES.get(stored, stored)


def entries(session: Session, user: User, limit: int) -> list[Item]:
    """The newest ``limit`` events in the communities ``user`` belongs to, less those whose target they
    may not see now (deleted, moved away, made private, or gone with a membership)."""
    communities = [m.community_id for m in user.memberships]
    rows = session.scalars(
        select(Activity)
        .where(Activity.community_id.in_(communities), Activity.target_id.is_not(None))
        .options(joinedload(Activity.actor), joinedload(Activity.community))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .limit(limit)
    ).all()
    shown = resolve_all(session, user, [(_kind(r.target_kind), r.target_id or 0) for r in rows])
    items = []
    for row in rows:
        target = shown.get((_kind(row.target_kind), row.target_id or 0))
        if target is None or row.community is None:
            continue
        items.append(
            Item(
                id=row.id,
                at=row.created_at,
                actor_name=row.actor.name if row.actor is not None else "Someone",
                verb=row.verb,
                target=target,
                community_slug=row.community.slug,
                community_name=row.community.name,
            )
        )
    return items
