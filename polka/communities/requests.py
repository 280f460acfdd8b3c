"""Asking for a new community, and administrators deciding: a requested community waits, unseen,
until an administrator approves it (its requester becomes its manager) or rejects it with a reason.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.audit.services import record
from polka.communities.models import Community, CommunityStatus, Role, Visibility
from polka.communities.search import reindex
from polka.communities.services import (
    DESCRIPTION_MAX,
    NAME_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    add_member,
    check_region,
    resolve_parent,
    unique_slug,
)
from polka.db import utcnow
from polka.errors import Conflict, NotFound
from polka.mail import queue_mail
from polka.markings import Marking
from polka.markup import check_markdown
from polka.permissions import SITE, Action, require
from polka.text import check_text


def request_community(
    session: Session,
    user: User,
    *,
    name: str,
    summary: str,
    description: str,
    visibility: Visibility,
    marking_ceiling: Marking,
    region: str | None,
    parent_id: int | None,
    reason: str,
) -> Community:
    """Any active user may ask for a new community; it waits (``requested``) for an administrator."""
    if not user.is_active_account:
        raise NotFound()
    name = check_text("name", name, NAME_MAX, "a name for the community", required=True)
    summary = check_text("summary", summary, SUMMARY_MAX, "the summary")
    description = check_text("description", description, DESCRIPTION_MAX, "the description")
    check_markdown(description, "description")
    reason = check_text("reason", reason, REASON_MAX, "why the community is needed", required=True)
    region = check_region(region)
    parent = resolve_parent(session, user, parent_id, None)
    community = Community(
        slug=unique_slug(session, name),
        name=name,
        summary=summary,
        description=description,
        visibility=visibility,
        marking_ceiling=marking_ceiling,
        region=region,
        parent=parent,
        status=CommunityStatus.REQUESTED,
        requested_by_id=user.id,
        request_reason=reason,
    )
    session.add(community)
    session.flush()
    record(
        session,
        user,
        "community.requested",
        target_type="community",
        target_id=community.id,
        target_label=community.name,
        community_id=community.id,
        detail={"visibility": visibility.value, "ceiling": marking_ceiling.value},
    )
    return community


def my_community_requests(session: Session, user: User) -> list[Community]:
    query = (
        select(Community)
        .where(Community.requested_by_id == user.id)
        .order_by(Community.created_at.desc(), Community.id.desc())
    )
    return list(session.scalars(query))


def community_requests(session: Session, actor: User) -> list[Community]:
    """Communities waiting for an administrator's decision, oldest first."""
    require(actor, Action.ADMINISTER, SITE)
    query = (
        select(Community)
        .where(Community.status == CommunityStatus.REQUESTED)
        .order_by(Community.created_at, Community.id)
    )
    return list(session.scalars(query))


def all_communities(session: Session, actor: User) -> list[tuple[Community, int]]:
    """Every community with its member count, for administrators (metadata only)."""
    require(actor, Action.ADMINISTER, SITE)
    rows = session.scalars(select(Community).order_by(func.lower(Community.name), Community.id))
    return [(community, community.member_count) for community in rows]


def decide_community_request(
    session: Session, actor: User, community_id: int, *, approve: bool, reason: str, base_url: str
) -> Community:
    """Approve a requested community (the requester becomes its manager) or reject it with a reason."""
    require(actor, Action.ADMINISTER, SITE)
    community = session.get(Community, community_id)
    if community is None:
        raise NotFound()
    if community.status is not CommunityStatus.REQUESTED:
        raise Conflict(f"The request for {community.name} has already been decided.")
    reason = check_text("reason", reason, REASON_MAX, "a reason", required=not approve)
    requester = session.get(User, community.requested_by_id) if community.requested_by_id else None
    community.status = CommunityStatus.ACTIVE if approve else CommunityStatus.REJECTED
    community.decision_reason = reason
    community.decided_at = utcnow()
    community.decided_by_id = actor.id
    session.flush()
    reindex(session, community)
    record(
        session,
        actor,
        "community.approved" if approve else "community.rejected",
        target_type="community",
        target_id=community.id,
        target_label=community.name,
        community_id=community.id,
        detail={"reason": reason} if reason else None,
    )
    if requester is None:
        return community
    if approve:
        add_member(session, community, requester, Role.MANAGER, actor=actor)
        body = (
            f"Hello {requester.name},\n\nYour request for the community {community.name} has been approved, "
            f"and you are its manager.\n\nOpen it here: {base_url}/c/{community.slug}/\n\n"
            "As a manager you will be asked to set up two-factor authentication before you manage members."
        )
        subject = f"POLKA: {community.name} has been approved"
    else:
        body = (
            f"Hello {requester.name},\n\nYour request for the community {community.name} was not approved.\n\n"
            f"Reason: {reason}\n\nSee your requests: {base_url}/c/request"
        )
        subject = f"POLKA: your request for {community.name}"
    queue_mail(session, to=requester.email, subject=subject, body=body)
    return community
