"""One purge of expired deleted items for every feature, run daily by the worker.

Each feature that deletes softly (``polka.content.mixins.SoftDeletable``) registers a purger once, at
start-up: given the moment of the purge, it removes for good its items deleted longer ago than the
restore window (``SoftDeletable.past_restore_window``), with whatever clean-up of its own they need
(search index, links, subpages), and says how many. ``purge_expired`` runs them all in the caller's
transaction; ``polka worker`` calls it daily, and the features' own CLI commands trigger it by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.crossrefs.services import set_links
from polka.db import utcnow
from polka.search.outbox import queue_change
from polka.subscriptions.services import forget

#: session, now → how many items it removed for good (flushed, never committed).
Purger = Callable[[Session, datetime], int]

_PURGERS: dict[str, Purger] = {}


def register_purger(kind: str, purger: Purger) -> None:
    """Make a feature's purger of ``kind`` (``wiki.page``) known, at start-up. Registering again replaces it."""
    _PURGERS[kind] = purger


def removing(model: Any, kind: str) -> Purger:
    """The purger of a kind whose items need nothing removed beside them but what every item has: the
    items of ``model`` (``SoftDeletable``) past the window leave search, their links and their
    followers, and their rows go (with whatever the database cascades to)."""

    def purge(session: Session, now: datetime) -> int:
        expired = list(session.scalars(select(model).where(model.past_restore_window(now))))
        for item in expired:
            queue_change(session, kind, item.id)
            set_links(session, kind, item.id, [])
            session.delete(item)
        forget(session, kind, [item.id for item in expired])
        session.flush()
        return len(expired)

    return purge


def purger(kind: str) -> Purger | None:
    """The purger registered for ``kind``, if any."""
    return _PURGERS.get(kind)


def purge_expired(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Remove for good every feature's items past the restore window; how many of each kind."""
    moment = now or utcnow()
    return {kind: _PURGERS[kind](session, moment) for kind in sorted(_PURGERS)}
