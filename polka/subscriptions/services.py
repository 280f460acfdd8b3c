"""Following and no longer following objects of any content kind, and the lists of who follows what.

Following goes through the kind's resolver (``polka.content.kinds``): a user may follow only what it
shows them now, and anything else is ``NotFound`` — nothing stored, nothing revealed about whether the
object exists. Giving up a subscription needs no permission: someone who may no longer see an object
can still stop following it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Exists, Select, bindparam, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import Shown, kind_named, resolve, resolve_all
from polka.errors import NotFound
from polka.pagination import Page, paginate
from polka.subscriptions.models import Subscription

PER_PAGE = 25


@dataclass(frozen=True)
class Followed:
    """One of a user's subscriptions as they may see its object now (``shown`` None: they may not)."""

    id: int
    kind: str
    #: the kind as users read it ("Wiki page"); the object's own title only through ``shown``
    label: str
    since: datetime
    shown: Shown | None


def _find(session: Session, user: User, kind: str, object_id: int) -> Subscription | None:
    return session.scalar(
        select(Subscription).where(
            Subscription.user_id == user.id, Subscription.kind == kind, Subscription.object_id == object_id
        )
    )


def follow(session: Session, user: User | None, kind: str, object_id: int) -> Shown:
    """Follow the object (already following it is no change); ``NotFound`` unless the user may see it."""
    shown = resolve(session, user, kind, object_id)
    if shown is None or user is None:
        raise NotFound()
    if _find(session, user, kind, object_id) is None:
        try:
            with session.begin_nested():
                session.add(Subscription(user_id=user.id, kind=kind, object_id=object_id))
        except IntegrityError:
            pass  # the same person, in another tab, followed it a moment ago: that is what was asked
    session.flush()
    return shown


def unfollow(session: Session, user: User, kind: str, object_id: int) -> bool:
    """Stop following the object, seen or not any more; whether there was anything to stop."""
    removed = session.execute(
        delete(Subscription).where(
            Subscription.user_id == user.id, Subscription.kind == kind, Subscription.object_id == object_id
        )
    )
    session.flush()
    return bool(removed.rowcount)  # type: ignore[attr-defined]


def set_following(session: Session, user: User, kind: str, object_id: int, following: bool) -> None:
    """What a Watch / Stop watching (or Follow) button asks: ``follow`` or ``unfollow``."""
    if following:
        follow(session, user, kind, object_id)
    else:
        unfollow(session, user, kind, object_id)


#: The bind parameters of ``following_exists``: who, and the kind and id of what they may follow.
FOLLOWER, FOLLOWED_KIND, FOLLOWED_ID = "follower_id", "followed_kind", "followed_id"


@cache
def following_exists() -> Exists:
    """SQL: whether the user ``FOLLOWER`` follows the object ``FOLLOWED_ID`` of kind ``FOLLOWED_KIND``
    (for a page that folds the question into another read): built once, bound by ``following_params``."""
    return exists().where(
        Subscription.user_id == bindparam(FOLLOWER),
        Subscription.kind == bindparam(FOLLOWED_KIND),
        Subscription.object_id == bindparam(FOLLOWED_ID),
    )


def following_params(user: User, kind: str, object_id: int) -> dict[str, Any]:
    """The values ``following_exists`` is asked with."""
    return {FOLLOWER: user.id, FOLLOWED_KIND: kind, FOLLOWED_ID: object_id}


@cache
def _is_following() -> Select[bool]:
    return select(following_exists())


def is_following(session: Session, user: User | None, kind: str, object_id: int) -> bool:
    if user is None:
        return False
    return bool(session.scalar(_is_following(), following_params(user, kind, object_id)))


def followers(session: Session, kind: str, object_id: int) -> list[int]:
    """The ids of the users following the object, for notifications (which check each one's permission
    when they deliver: following is no promise of seeing)."""
    query = select(Subscription.user_id).where(Subscription.kind == kind, Subscription.object_id == object_id)
    return list(session.scalars(query.order_by(Subscription.user_id)))


def my_subscriptions(
    session: Session, user: User, page: int = 1, per_page: int | None = None
) -> Page[Followed]:
    """A page of what ``user`` follows, kind by kind (newest first within a kind), each as they may see
    it now: one query for the page and one per kind on it."""
    query = (
        select(Subscription)
        .where(Subscription.user_id == user.id)
        .order_by(Subscription.kind, Subscription.created_at.desc(), Subscription.id.desc())
    )
    rows = paginate(session, query, page, per_page or PER_PAGE)
    shown = resolve_all(session, user, [(row.kind, row.object_id) for row in rows.items])
    return rows.map(lambda row: _followed(row, shown.get((row.kind, row.object_id))))


def _followed(row: Subscription, shown: Shown | None) -> Followed:
    known = kind_named(row.kind)
    label = known.label if known is not None else "Item"  # a kind no feature registers now
    return Followed(id=row.id, kind=row.kind, label=label, since=row.created_at, shown=shown)


def remove(session: Session, user: User, subscription_id: int) -> Followed:
    """Give up one of the user's own subscriptions (by its id on their list); ``NotFound`` for anyone
    else's. Returns it as they may see it, for saying what was removed."""
    row = session.get(Subscription, subscription_id)
    if row is None or row.user_id != user.id:
        raise NotFound()
    gone = _followed(row, resolve(session, user, row.kind, row.object_id))
    session.delete(row)
    session.flush()
    return gone


def forget(session: Session, kind: str, object_ids: Iterable[int]) -> None:
    """Drop every subscription to objects deleted for good (their ids may one day name new objects)."""
    ids = sorted(set(object_ids))
    if ids:
        session.execute(
            delete(Subscription)
            .where(Subscription.kind == kind, Subscription.object_id.in_(ids))
            .execution_options(synchronize_session=False)
        )


def by_kind(items: Iterable[Followed]) -> list[tuple[str, list[Followed]]]:
    """A page's subscriptions in groups of one kind, in their order, each with its heading."""
    groups: list[tuple[str, list[Followed]]] = []
    for item in items:
        if not groups or groups[-1][1][0].kind != item.kind:
            groups.append((_plural(item.label), []))
        groups[-1][1].append(item)
    return groups


def _plural(label: str) -> str:
    """ "Wiki page" → "Wiki pages", "Community" → "Communities"."""
    if label.endswith("y") and label[-2:-1] not in set("aeiou"):
        return label[:-1] + "ies"
    return label + "s"
