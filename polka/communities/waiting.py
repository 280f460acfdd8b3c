"""What waits for a community's managers: join requests (see polka.content.waiting)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, JoinRequest, RequestStatus
from polka.content.waiting import Waiting, count_by_community, per_community
from polka.permissions import Action, community_ids_offering

JOIN_REQUESTS = "communities.join_requests"


def join_requests_waiting(session: Session, user: User) -> list[Waiting]:
    """Join requests still to be answered in the communities ``user`` manages, counted per community."""
    communities = community_ids_offering(user, Action.MANAGE)
    if not communities:
        return []  # no statement for someone with nothing to deal with
    query = (
        count_by_community(JoinRequest.id)
        .join(JoinRequest, JoinRequest.community_id == Community.id)
        .where(
            JoinRequest.status == RequestStatus.PENDING,
            Community.id.in_(communities),
        )
    )
    return per_community(
        session,
        query,
        JOIN_REQUESTS,
        what=lambda count: f"{count} {'person has' if count == 1 else 'people have'} asked to join",
        action="Review the requests",
        url=lambda slug: url_for("communities.requests", slug=slug),
    )
