"""Check-out: "I'm revising this", shown to everyone, lapsing by itself, breakable by a manager.

A lock never refuses silently: whoever meets one is told who holds it, since when and until when.
It lapses ``checkout`` after it was taken (``POLKA_DOCS_CHECKOUT_HOURS``); uploading a new version
checks the document back in unless the holder asks to keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.audit.services import record
from polka.db import utcnow
from polka.docs import access
from polka.docs.kinds import DOCUMENT_KIND
from polka.docs.models import Document
from polka.errors import Conflict
from polka.permissions import Action, require
from polka.templating import uk_datetime


@dataclass(frozen=True)
class Lock:
    holder: User | None  # None: the holder's account was removed
    since: datetime
    expires: datetime


def current_lock(document: Document, checkout: timedelta, now: datetime | None = None) -> Lock | None:
    """The document's check-out, unless there is none or it has lapsed."""
    if document.checked_out_at is None:
        return None
    expires = document.checked_out_at + checkout
    if expires <= (now or utcnow()):
        return None
    return Lock(holder=document.checked_out_by, since=document.checked_out_at, expires=expires)


def holds(user: User | None, document: Document, checkout: timedelta) -> bool:
    lock = current_lock(document, checkout)
    return lock is not None and user is not None and document.checked_out_by_id == user.id


def held_by_other(user: User | None, document: Document, checkout: timedelta) -> Lock | None:
    lock = current_lock(document, checkout)
    if lock is None or (user is not None and document.checked_out_by_id == user.id):
        return None
    return lock


def describe(lock: Lock) -> str:
    who = lock.holder.name if lock.holder is not None else "A former member"
    return (
        f"{who} checked this document out on {uk_datetime(lock.since)} to revise it. "
        f"The check-out lapses on {uk_datetime(lock.expires)}; until then only they can upload a new version. "
        "Ask them, or a manager of the community, if you need it sooner."
    )


def require_not_held_by_other(user: User | None, document: Document, checkout: timedelta) -> None:
    lock = held_by_other(user, document, checkout)
    if lock is not None:
        raise Conflict(describe(lock))


def check_out(session: Session, user: User, document: Document, checkout: timedelta) -> Lock:
    """Take the lock (or renew one's own); ``Conflict`` saying who holds it otherwise."""
    if not access.can_add_version(user, document):
        require(user, Action.CONTRIBUTE, document)
    require_not_held_by_other(user, document, checkout)
    document.checked_out_by_id = user.id
    document.checked_out_by = user
    document.checked_out_at = utcnow()
    session.flush()
    lock = current_lock(document, checkout)
    assert lock is not None
    return lock


def check_in(session: Session, user: User, document: Document, checkout: timedelta) -> None:
    """Give back one's own lock (nothing to do when it has lapsed)."""
    if document.checked_out_by_id != user.id:
        lock = held_by_other(user, document, checkout)
        if lock is not None:
            raise Conflict(describe(lock))
        return
    release(session, document)


def break_lock(session: Session, user: User, document: Document, checkout: timedelta) -> None:
    """A manager takes away someone's check-out (audited)."""
    require(user, Action.MANAGE, document)
    lock = current_lock(document, checkout)
    if lock is None:
        return
    record(
        session,
        user,
        "docs.checkout_broken",
        target_type=DOCUMENT_KIND,
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        detail={
            "holder": lock.holder.email if lock.holder is not None else "",
            "since": lock.since.isoformat(),
        },
    )
    release(session, document)


def release(session: Session, document: Document) -> None:
    document.checked_out_by_id = None
    document.checked_out_by = None
    document.checked_out_at = None
    session.flush()
