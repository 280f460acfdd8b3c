"""The in-app list: someone's notifications as they may see them now, read and unread.

Each notification is resolved through its kind for its reader when shown, so one about something they
can no longer see (removed from the community, the item re-marked, moved or deleted) is not shown, and
is marked read so the header's count agrees with the list. The count itself is kept on the user's row
(``User.unread_notifications``): every page shows it without a statement of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import Shown, kind_named, resolve_all
from polka.db import utcnow
from polka.errors import NotFound
from polka.notifications.models import Notification
from polka.notifications.reasons import Reason
from polka.pagination import Page, paginate
from polka.templating import LONDON

PER_PAGE = 30


@dataclass(frozen=True)
class Told:
    """One notification as its reader may see it now."""

    id: int
    reason: Reason
    #: "Sam Patel replied to"; the object's title comes from ``shown``
    actor: str
    verb: str
    shown: Shown
    #: the exact place: the reply, the changes since, the object
    url: str
    created_at: datetime
    read: bool
    #: words addressed to the reader with it (a manager's message)
    note: str = ""
    #: the notifications it stands for in the list: itself, and the older ones like it that day
    ids: tuple[int, ...] = ()
    #: how many other people did the same that day
    others: int = 0

    @property
    def sentence(self) -> str:
        """What happened, without the object: "Sam Patel replied to", "Sam Patel and 2 others replied
        to", or "Watched words were used in" when no one did it."""
        if not self.actor:
            return self.verb[:1].upper() + self.verb[1:]
        also = f" and {self.others} {'other' if self.others == 1 else 'others'}" if self.others else ""
        return f"{self.actor}{also} {self.verb}"

    @property
    def times(self) -> int:
        """How many notifications the line stands for."""
        return len(self.ids) or 1


def told_of(
    rows: Iterable[Notification], user: User, session: Session, actors: dict[int, str]
) -> tuple[list[Told], list[int]]:
    """``rows`` as ``user`` may see them now (one statement per kind), and the ids of those they may not."""
    rows = list(rows)
    targets = [(row.kind, row.object_id) for row in rows]
    targets += [(row.place_kind, row.place_id) for row in rows if row.place_kind and row.place_id is not None]
    shown = resolve_all(session, user, targets)
    told, unseen = [], []
    for row in rows:
        item = shown.get((row.kind, row.object_id))
        place = (
            shown.get((row.place_kind, row.place_id)) if row.place_kind and row.place_id is not None else None
        )
        if item is None or (row.place_kind and place is None):
            unseen.append(row.id)
            continue
        told.append(
            Told(
                id=row.id,
                reason=row.reason,
                actor=actors.get(row.actor_id, "Someone") if row.actor_id is not None else "",
                verb=row.verb,
                shown=item,
                url=address(row, item, place),
                created_at=row.created_at,
                read=row.read_at is not None,
                note=row.note,
            )
        )
    return told, unseen


def address(row: Notification, item: Shown, place: Shown | None) -> str:
    """Where a notification leads: the exact place, what changed since, or the object."""
    if place is not None:
        return place.url
    kind = kind_named(row.kind)
    if row.since is not None and kind is not None and kind.changes_since is not None:
        return kind.changes_since(item, row.since)
    return item.url


def actor_names(session: Session, rows: Iterable[Notification]) -> dict[int, str]:
    ids = sorted({row.actor_id for row in rows if row.actor_id is not None})
    if not ids:
        return {}
    return {row.id: row.name for row in session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


@dataclass(frozen=True)
class Inbox:
    """A page of someone's notifications (``page.items``: what they may see of it)."""

    page: Page[Notification]
    items: list[Told]
    #: unread ones on the page about what they may no longer see (the caller marks them read)
    unseen: list[int]


def inbox(
    session: Session, user: User, page: int = 1, *, reason: Reason | None = None, unread_only: bool = False
) -> Inbox:
    query = select(Notification).where(Notification.user_id == user.id)
    if reason is not None:
        query = query.where(Notification.reason == reason)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = paginate(
        session, query.order_by(Notification.created_at.desc(), Notification.id.desc()), page, PER_PAGE
    )
    items, unseen = told_of(rows.items, user, session, actor_names(session, rows.items))
    unread = {row.id for row in rows.items if row.read_at is None}
    return Inbox(rows, items, [i for i in unseen if i in unread])


def by_day(items: Iterable[Told], now: datetime | None = None) -> list[tuple[str, list[Told]]]:
    """Notifications (newest first) in groups of one UK day, each headed "Today", "Yesterday" or its
    date; within a day, the same thing done to the same object for the same reason is one line (eleven
    documents to approve in one library are one line, "11 times"), at the newest one's place, unread
    while any of them is."""
    today = (now or utcnow()).astimezone(LONDON).date()
    groups: list[tuple[str, list[Told]]] = []
    for item in items:
        day = item.created_at.astimezone(LONDON).date()
        if day == today:
            heading = "Today"
        elif day == today - timedelta(days=1):
            heading = "Yesterday"
        else:
            heading = f"{day:%A} {day.day} {day:%B %Y}"
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(item)
    return [(heading, _collapsed(day_items)) for heading, day_items in groups]


def _collapsed(items: list[Told]) -> list[Told]:
    lines: dict[tuple[str, int, Reason, str], tuple[Told, list[Told]]] = {}
    for item in items:
        key = (item.shown.kind, item.shown.id, item.reason, item.verb)
        if key in lines:
            lines[key][1].append(item)
        else:
            lines[key] = (item, [item])
    collapsed = []
    for newest, alike in lines.values():
        actors = {told.actor for told in alike} - {newest.actor}
        collapsed.append(
            replace(
                newest,
                ids=tuple(told.id for told in alike),
                others=len(actors),
                read=all(told.read for told in alike),
            )
        )
    return collapsed


def recount(session: Session, user_ids: Iterable[int]) -> None:
    """Set the header's count of ``user_ids`` from their unread notifications."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    unread = (
        select(func.count(Notification.id))
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    session.execute(
        update(User)
        .where(User.id.in_(ids))
        .values(unread_notifications=unread)
        .execution_options(synchronize_session=False)
    )
    session.flush()


def _recount_own(session: Session, user: User) -> None:
    """Recount ``user``'s unread notifications, and show the new count on the page being made."""
    recount(session, [user.id])
    session.refresh(user, ["unread_notifications"])


def mark_read(session: Session, user: User, ids: Iterable[int]) -> int:
    """Mark these of ``user``'s notifications read (others' ids are ignored); how many were unread."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.id.in_(wanted), Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    _recount_own(session, user)
    return int(getattr(result, "rowcount", 0) or 0)


def mark_all_read(session: Session, user: User) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    _recount_own(session, user)
    return int(getattr(result, "rowcount", 0) or 0)


def open_notification(session: Session, user: User, notification_id: int) -> str | None:
    """Mark one of ``user``'s notifications read, with every other unread one about the same object
    (they have seen it now), and say where it leads (None: about something they may no longer see);
    ``NotFound`` if it is not theirs."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound()
    told, _ = told_of([row], user, session, {})
    alike = select(Notification.id).where(
        Notification.user_id == user.id,
        Notification.kind == row.kind,
        Notification.object_id == row.object_id,
        Notification.read_at.is_(None),
    )
    mark_read(session, user, [row.id, *session.scalars(alike)])
    return told[0].url if told else None


#: How long a read notification is kept.
KEPT = timedelta(days=180)


def forget_old(session: Session, now: datetime | None = None) -> int:
    """Remove notifications read more than ``KEPT`` ago (the worker's daily housekeeping)."""
    result = session.execute(
        delete(Notification)
        .where(Notification.read_at.is_not(None), Notification.read_at < (now or utcnow()) - KEPT)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
