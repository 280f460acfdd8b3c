"""Community rules: finding communities through the policy, creating them, and membership."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.communities.models import (
    Community,
    CommunityStatus,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
    Visibility,
)
from polka.errors import Conflict, NotFound, ValidationError
from polka.markings import Marking
from polka.permissions import Action, require, role_in, visible_filter

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "community"


def unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while session.scalar(select(Community.id).where(Community.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def get_community(session: Session, user: User | None, slug: str, action: Action = Action.VIEW) -> Community:
    """The community called ``slug`` if the user may do ``action`` to it (NotFound/Forbidden otherwise)."""
    community = session.scalar(select(Community).where(Community.slug == slug))
    if community is None:
        raise NotFound()
    require(user, action, community)
    return community


def create_community(
    session: Session,
    actor: User | None,
    *,
    name: str,
    visibility: Visibility = Visibility.OPEN,
    marking_ceiling: Marking = Marking.OFFICIAL,
    summary: str = "",
    description: str = "",
    region: str | None = None,
    parent: Community | None = None,
    managers: list[User] | None = None,
    slug: str | None = None,
) -> Community:
    """Create an active community directly (administrators, demo data); its managers join as managers."""
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the community", {"name": "Enter a name for the community"})
    if slug is not None and session.scalar(select(Community.id).where(Community.slug == slug)) is not None:
        raise Conflict(f"The address /c/{slug}/ is already taken")
    community = Community(
        slug=slug or unique_slug(session, name),
        name=name,
        summary=summary.strip(),
        description=description,
        visibility=visibility,
        marking_ceiling=marking_ceiling,
        region=region or None,
        parent=parent,
        status=CommunityStatus.ACTIVE,
    )
    session.add(community)
    session.flush()
    for manager in managers or []:
        add_member(session, community, manager, Role.MANAGER, actor=actor)
    record(
        session,
        actor,
        "community.created",
        target_type="community",
        target_id=community.id,
        target_label=community.name,
        community_id=community.id,
        detail={"visibility": visibility.value, "ceiling": marking_ceiling.value},
    )
    return community


def add_member(
    session: Session, community: Community, user: User, role: Role = Role.MEMBER, *, actor: User | None = None
) -> Membership:
    """Make ``user`` a member of ``community`` with ``role`` (the rule checks are the caller's)."""
    if role_in(user, community.id) is not None:
        raise Conflict(f"{user.name} is already a member of {community.name}")
    membership = Membership(community=community, community_id=community.id, role=role)
    user.memberships.append(membership)
    session.flush()
    record_activity(
        session,
        user,
        "joined",
        community,
        target_kind="community",
        target_id=community.id,
        target_title=community.name,
    )
    record(
        session,
        actor or user,
        "membership.added",
        target_type="user",
        target_id=user.id,
        target_label=user.email,
        community_id=community.id,
        detail={"role": role.value},
    )
    return membership


def my_communities(session: Session, user: User | None) -> list[Community]:
    """The active communities the user belongs to, by name."""
    if user is None:
        return []
    query = (
        select(Community)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.user_id == user.id, visible_filter(user, Community))
        .order_by(Community.name)
    )
    return list(session.scalars(query))


def members_count(session: Session, community: Community) -> int:
    count = session.scalar(select(func.count()).where(Membership.community_id == community.id))
    return int(count or 0)


def pending_for_manager(session: Session, user: User | None) -> list[JoinRequest]:
    """Join requests waiting in the communities this user manages."""
    if user is None:
        return []
    managed = select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.role == Role.MANAGER
    )
    query = (
        select(JoinRequest)
        .where(JoinRequest.status == RequestStatus.PENDING, JoinRequest.community_id.in_(managed))
        .order_by(JoinRequest.created_at)
    )
    return list(session.scalars(query))


def pending_invitations(session: Session, user: User | None) -> list[Invitation]:
    """The user's invitations to communities still waiting for an answer, newest first."""
    if user is None:
        return []
    query = (
        select(Invitation)
        .join(Community, Community.id == Invitation.community_id)
        .where(
            Invitation.user_id == user.id,
            Invitation.status == RequestStatus.PENDING,
            Community.status == CommunityStatus.ACTIVE,
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return list(session.scalars(query))
