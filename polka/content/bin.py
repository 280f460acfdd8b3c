"""A community's bin, whatever the feature: its items of one model (``DeletableContent``) deleted within
the restore window, for its managers to see and put back. Each feature then does what a restore means
to it (its search entry, its activity); the daily purge of those deleted longer ago is
``polka.content.deletion``."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.mixins import RESTORE_DAYS, DeletableContent
from polka.content.rules import require_restore
from polka.db import utcnow
from polka.errors import NotFound
from polka.permissions import Action, require

Item = TypeVar("Item", bound=DeletableContent)


def deleted_in(session: Session, user: User, community: Community, model: type[Item]) -> list[Item]:
    """The community's items of ``model`` deleted within the restore window, newest first (the id breaks
    ties), with who deleted them (its managers)."""
    require(user, Action.MANAGE, community)
    return deleted_where(session, model, model.community_id == community.id)


def deleted_where(session: Session, model: type[Item], *where: ColumnElement[bool]) -> list[Item]:
    """The items of ``model`` that ``where`` selects deleted within the restore window, newest first (the
    id breaks ties), with who deleted them: the caller has decided who may see them."""
    return list(
        session.scalars(
            select(model)
            .options(joinedload(model.deleted_by))
            .where(*where, model.deleted_at.is_not(None), ~model.past_restore_window(utcnow()))
            .order_by(model.deleted_at.desc(), *inspect(model).primary_key)
        )
    )


def get_deleted(session: Session, user: User, community: Community, model: type[Item], item_id: int) -> Item:
    """The community's deleted item ``item_id`` of ``model``, for its managers (one past the window too,
    until it is purged: restoring it says why it cannot be); ``NotFound`` for any other."""
    require(user, Action.MANAGE, community)
    item = session.get(model, item_id)
    if item is None or item.community_id != community.id or item.deleted_at is None:
        raise NotFound()
    return item


def restore(session: Session, user: User, item: DeletableContent, what: str) -> None:
    """Undelete ``item`` (flushed), as the policy lets ``user`` restore it; a manager past the window is
    told that ``what`` (“Posts”) can be restored for ``RESTORE_DAYS`` days only."""
    require_restore(user, item, f"{what} can be restored for {RESTORE_DAYS} days after they are deleted.")
    item.deleted_at = item.deleted_by_id = None
    session.flush()
