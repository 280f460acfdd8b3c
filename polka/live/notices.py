"""What question sessions tell people (``polka.notifications``), besides an answer (``answering``):
a session's followers when it opens. The worker looks every minute for sessions that have opened and
have not been told of, so a follower hears within a minute of the opening, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.db import utcnow
from polka.live.kinds import SESSION_KIND
from polka.live.models import LiveSession
from polka.notifications.announce import Notice, announce

#: How often the worker looks for sessions that have opened.
OPENING_SWEEP = timedelta(minutes=1)


def tell_opened(session: Session) -> int:
    """Tell the followers of each session that has opened (and not yet closed) since it was last told
    of; return how many sessions were told of."""
    now = utcnow()
    opened = list(
        session.scalars(
            select(LiveSession)
            .where(
                LiveSession.opening_told_at.is_(None),
                LiveSession.deleted_at.is_(None),
                LiveSession.opens_at <= now,
                LiveSession.closes_at > now,
            )
            .order_by(LiveSession.opens_at)
            .with_for_update(skip_locked=True)
        )
    )
    for live in opened:
        live.opening_told_at = now
        announce(
            session,
            Notice(
                kind=SESSION_KIND,
                object_id=live.id,
                verb="opened",
                actor=live.created_by,
                community=live.community,
                marking=live.marking,
                followed=((SESSION_KIND, live.id),),
            ),
        )
    session.flush()
    return len(opened)
