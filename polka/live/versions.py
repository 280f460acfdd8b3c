"""The counters a watching page asks about (see ``polka.live.models``), raised in the transaction that
makes a change.

Raising a counter is each change's first write: it locks the session's row until the change commits,
so a session's changes take their turns and commit in the order of their versions. A page that has seen
version *n* has therefore seen every change up to *n*, and asks only for the questions whose
``public_version`` is above it. It also makes the checks that follow (is the question still waiting?
has this person voted?) read what the change before committed: two moderators approving one question
at once take turns, and the second is told it was already done.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from polka.live.models import LiveParticipant, LiveSession


def public_change(session: Session, live: LiveSession) -> int:
    """Raise the version every participant sees (locking the session until commit); return it."""
    return _raise(session, live, LiveSession.version)


def queue_change(session: Session, live: LiveSession) -> int:
    """Raise the version only the moderators see (locking the session until commit); return it."""
    return _raise(session, live, LiveSession.queue_version)


def _raise(session: Session, live: LiveSession, counter: InstrumentedAttribute[int]) -> int:
    version = session.scalar(
        update(LiveSession)
        .where(LiveSession.id == live.id)
        .values({counter: counter + 1})
        .returning(counter)
        .execution_options(synchronize_session=False)
    )
    assert version is not None
    # what the change reads next is read as committed by the change before it
    session.expire(live, [counter.key, "answering_id", "opens_at", "closes_at"])
    return version


def participant(session: Session, live: LiveSession, user_id: int) -> LiveParticipant | None:
    """Someone's standing in ``live`` as committed (None: they have not taken part)."""
    return session.scalar(
        select(LiveParticipant)
        .where(LiveParticipant.session_id == live.id, LiveParticipant.user_id == user_id)
        .execution_options(populate_existing=True)
    )


def own_change(session: Session, live: LiveSession, user_id: int | None) -> None:
    """One of ``user_id``'s questions changed: raise their own version, so their page learns it."""
    if user_id is None:
        return
    found = participant(session, live, user_id)
    if found is None:
        session.add(LiveParticipant(session_id=live.id, user_id=user_id, version=1))
    else:
        found.version += 1
    session.flush()
