"""Reaching events through the permission policy, and what each role may do with them. Every "may
this user…" question about events is answered here, for views, templates and services alike.

- An event is seen by whoever the policy lets see it (its community and marking) while it is not
  deleted; a community's calendar is read by whoever may read the community.
- Members add events; an event is changed, cancelled or deleted by its author or its organiser (while
  they may contribute to the community) and by the community's moderators.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.errors import Forbidden, NotFound
from polka.events.models import Event
from polka.permissions import Action, can, offers, require


def may_create(user: User | None, community: Community) -> bool:
    return can(user, Action.CONTRIBUTE, community)


def require_create(user: User | None, community: Community) -> None:
    require(user, Action.READ, community)
    require(user, Action.CONTRIBUTE, community)


def _organiser(user: User | None, event: Event) -> bool:
    return (
        user is not None
        and event.organiser_id == user.id
        and can(user, Action.VIEW, event)
        and can(user, Action.CONTRIBUTE, event.community)
    )


def may_edit(user: User | None, event: Event) -> bool:
    """Its author or organiser (while a contributing member), or a moderator of its community."""
    return can(user, Action.EDIT, event) or _organiser(user, event)


def offers_edit(user: User | None, event: Event) -> bool:
    """Whether pages offer ``user`` "Change" (a moderator lacking only two-factor set-up is offered it)."""
    return offers(user, Action.EDIT, event) or _organiser(user, event)


def require_edit(user: User | None, event: Event) -> None:
    if _organiser(user, event):
        return
    require(user, Action.EDIT, event)


def require_lower_marking(user: User | None, event: Event) -> None:
    try:
        require(user, Action.LOWER_MARKING, event)
    except Forbidden as refused:
        clearer = Forbidden("Only the community's moderators may give an event a lower marking.")
        clearer.denial = refused.denial
        raise clearer from refused


def get_event(session: Session, user: User | None, community: Community, event_id: int) -> Event:
    """The undeleted event ``event_id`` of ``community`` if the user may see it; ``NotFound`` (and an
    audited denial) otherwise."""
    event = session.scalars(_event_by_id(), {"event_id": event_id}).unique().first()
    if event is None or event.is_deleted or event.community_id != community.id:
        raise NotFound()
    require(user, Action.VIEW, event)
    return event


@cache
def _event_by_id() -> Select[Event]:
    return (
        select(Event)
        .where(Event.id == bindparam("event_id"))
        .options(joinedload(Event.community), joinedload(Event.organiser), joinedload(Event.changes))
    )
