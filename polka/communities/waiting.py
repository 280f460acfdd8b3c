"""What waits for a community's managers: join requests (see polka.content.waiting)."""

from __future__ import annotations

from sqlalchemy import Select

from polka.communities.models import Community, JoinRequest, RequestStatus
from polka.content.waiting import Provider, count_by_community
from polka.permissions import Action

JOIN_REQUESTS = "communities.join_requests"


def _join_requests() -> Select[str, str, int]:
    """Join requests still to be answered, counted per community."""
    return (
        count_by_community(JoinRequest.id)
        .join(JoinRequest, JoinRequest.community_id == Community.id)
        .where(JoinRequest.status == RequestStatus.PENDING)
    )


#: Join requests still to be answered in the communities the user manages.
join_requests_waiting = Provider(
    offered=Action.MANAGE,
    query=_join_requests,
    what=lambda count: f"{count} {'person has' if count == 1 else 'people have'} asked to join",
    action="Review the requests",
    label="Join requests",
    endpoint="communities.requests",
)
