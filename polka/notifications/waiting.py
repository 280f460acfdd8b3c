"""Telling the people a queue waits for that something new is in it (a join request, a report, a held
post, an edit or a document to review): each queue is a content kind of its provider's name
(``polka.content.waiting``), so the notification leads to the queue and only someone whose role still
offers its action sees it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Membership
from polka.content.waiting import provider
from polka.markings import Marking
from polka.notifications.announce import Notice, addressed, announce
from polka.notifications.reasons import Reason
from polka.permissions import roles_offering


def tell_waiting(
    session: Session, queue: str, community: Community | None, actor: User | None, verb: str
) -> None:
    """Something now waits in ``community``'s ``queue`` (a provider's name) because ``actor`` ``verb``
    ("asked to join"). What waits outside any community is shown to administrators in their header,
    not notified."""
    asked = provider(queue)
    if community is None or asked is None:
        return
    holders = session.scalars(
        select(Membership.user_id).where(
            Membership.community_id == community.id, Membership.role.in_(roles_offering(asked.offered))
        )
    )
    announce(
        session,
        Notice(
            kind=queue,
            object_id=community.id,
            verb=verb,
            actor=actor,
            community=community,
            marking=Marking.OFFICIAL,
            to=addressed(holders, Reason.WAITING),
        ),
    )
