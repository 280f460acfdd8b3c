"""Community rules: finding communities through the policy, creating and configuring them.

Membership (joining, leaving, roles, join requests, invitations) lives in ``membership.py``; asking for
new communities in ``requests.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, literal, or_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.communities.content import check_ceiling_change
from polka.communities.counts import count_members
from polka.communities.kinds import COMMUNITY_KIND
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
from polka.communities.search import reindex
from polka.db import contains_text, utcnow
from polka.errors import Conflict, NotFound, ValidationError
from polka.markings import Marking
from polka.markup import check_markdown
from polka.organisations.data import REGIONS
from polka.organisations.models import Organisation
from polka.pagination import Page, Paged, empty_page, paged, paginate
from polka.permissions import (
    READER,
    Action,
    can,
    is_member,
    reader_params,
    require,
    role_in,
    roles_that_may,
    visible_filter,
    visible_to_reader,
)
from polka.search.registry import queue_community
from polka.subscriptions.services import following_exists, following_params
from polka.text import check_text, slugify

#: Words under /c/ that name pages, not communities.
RESERVED_SLUGS = frozenset({"request", "requests", "invitations", "new", "search"})
PER_PAGE = 50
NAME_MAX, SUMMARY_MAX, DESCRIPTION_MAX, REASON_MAX = 120, 300, 20_000, 2_000


def unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while slug in RESERVED_SLUGS or session.scalar(select(Community.id).where(Community.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def get_community(session: Session, user: User | None, slug: str, action: Action = Action.VIEW) -> Community:
    """The community called ``slug`` if the user may do ``action`` to it (NotFound/Forbidden otherwise)."""
    community = session.scalar(_community_called(), {"slug": slug})
    if community is None:
        raise NotFound()
    require(user, action, community)
    return community


@cache
def _community_called() -> Select[Community]:
    """The community called ``slug``: built once, so a request only binds the slug."""
    return select(Community).where(Community.slug == bindparam("slug"))


def check_region(region: str | None) -> str | None:
    if not region:
        return None
    if region not in REGIONS:
        raise ValidationError("Choose a region from the list", {"region": "Choose a region from the list"})
    return region


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
    name = check_text("name", name, NAME_MAX, "a name for the community", required=True)
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
    reindex(session, community)
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
    if is_member(user, community):
        raise Conflict(f"{user.name} is already a member of {community.name}")
    membership = Membership(community=community, community_id=community.id, role=role)
    user.memberships.append(membership)
    session.flush()
    count_members(session, community.id, 1)
    record_activity(
        session,
        user,
        "joined",
        community,
        target_kind=COMMUNITY_KIND,
        target_id=community.id,
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
    """The active communities the user belongs to, by name: read from the memberships loaded with the
    user (``polka.accounts.sessions``), so asking runs no statement on a signed-in request."""
    if user is None:
        return []
    mine = [m.community for m in user.memberships if can(user, Action.VIEW, m.community)]
    return sorted(mine, key=lambda community: (community.name, community.id))


def members_count(session: Session, community: Community) -> int:
    """How many members the community has (its kept count: no statement)."""
    return community.member_count


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


# --- The index -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityRow:
    community: Community
    members: int
    role: Role | None


@dataclass(frozen=True)
class CommunityIndex:
    results: Page[CommunityRow]
    regions: list[tuple[str, int]]  # (region, how many visible communities) for the filter


def list_communities(
    session: Session,
    user: User | None,
    *,
    query: str = "",
    region: str | None = None,
    mine: bool = False,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> CommunityIndex:
    """The communities the user may see, searched by name and summary, filtered by region and "mine"."""
    params = reader_params(user)
    if params is None:  # someone who may see no community
        return CommunityIndex(results=empty_page(per_page), regions=[])
    words = (query or "").strip()
    # what the words become is only known with them; without words (the index as first opened) the
    # statements are built once
    regions_query, communities = (
        _index_statements(words, mine, bool(region))
        if words
        else _index_statements_built_once(mine, bool(region))
    )
    bound: dict[str, Any] = {**params, "region": region}
    regions = [(str(name), int(count)) for name, count in session.execute(regions_query, bound)]
    found = paginate(session, communities, page, per_page, bound)
    rows = found.map(lambda c: CommunityRow(c, c.member_count, role_in(user, c.id)))
    return CommunityIndex(results=rows, regions=regions)


#: The index's statements: the regions with their counts, and the communities.
IndexStatements = tuple[Select[str | None, int], Paged[Community]]


@cache
def _index_statements_built_once(mine: bool, region: bool) -> IndexStatements:
    return _index_statements("", mine, region)


def _index_statements(words: str, mine: bool, region: bool) -> IndexStatements:
    """The index's statements for the ``READER``: the regions with how many communities each (before
    the region is chosen) and the communities (in the ``region`` if ``region``)."""
    conditions = [visible_to_reader(Community)]
    if words:
        conditions.append(or_(contains_text(Community.name, words), contains_text(Community.summary, words)))
    if mine:
        conditions.append(
            Community.id.in_(select(Membership.community_id).where(Membership.user_id == bindparam(READER)))
        )
    regions = (
        select(Community.region, func.count(Community.id))
        .where(*conditions, Community.region.is_not(None))
        .group_by(Community.region)
        .order_by(Community.region)
    )
    if region:
        conditions.append(Community.region == bindparam("region"))
    communities = select(Community).where(*conditions).order_by(func.lower(Community.name), Community.id)
    return regions, paged(communities)


# --- A community's home page ----------------------------------------------------------------------


def visible_parent(user: User | None, community: Community) -> Community | None:
    parent = community.parent
    return parent if parent is not None and can(user, Action.VIEW, parent) else None


def visible_children(session: Session, user: User | None, community: Community) -> list[Community]:
    params = reader_params(user)
    if params is None:
        return []
    return list(session.scalars(_visible_children(), {**params, "parent_id": community.id}))


@cache
def _visible_children() -> Select[Community]:
    """The sub-communities of ``parent_id`` the ``READER`` may see, by name: built once."""
    return (
        select(Community)
        .where(Community.parent_id == bindparam("parent_id"), visible_to_reader(Community))
        .order_by(func.lower(Community.name))
    )


def managers_of(session: Session, community: Community) -> list[User]:
    return list(session.scalars(_managers_of(), {"community_id": community.id}))


@dataclass(frozen=True)
class Manager:
    """A manager as a community's home page names them."""

    name: str
    #: their organisation's name (None: they name none)
    organisation: str | None


def managers_shown(session: Session, community: Community) -> list[Manager]:
    """The community's managers by name, as its home page names them (only the columns shown)."""
    rows = session.execute(_managers_shown(), {"community_id": community.id})
    return [Manager(name, organisation) for name, organisation in rows]


@cache
def _managers_of() -> Select[User]:
    return _managers(select(User))


@cache
def _managers_shown() -> Select[str, str | None]:
    shown = select(User.name, Organisation.name).outerjoin(
        Organisation, Organisation.id == User.organisation_id
    )
    return _managers(shown)


def _managers(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """``query`` of the members of ``community_id`` who may manage it, by name."""
    return (
        query.join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == bindparam("community_id"),
            Membership.role.in_(roles_that_may(Action.MANAGE)),
        )
        .order_by(User.name)
    )


@dataclass(frozen=True)
class Standing:
    """Where the user stands with a community whose home page they open."""

    #: their request to join, still waiting for a manager
    pending: JoinRequest | None
    #: whether they follow the community
    following: bool


def standing(session: Session, user: User | None, community: Community) -> Standing:
    """The user's pending request to join ``community`` and whether they follow it: one statement (the
    request, if any, outer-joined to a one-row select that also asks whether they follow)."""
    if user is None:
        return Standing(None, False)
    params = {
        **following_params(user, COMMUNITY_KIND, community.id),
        "community_id": community.id,
        "user_id": user.id,
    }
    row = session.execute(_standing(), params).first()
    assert row is not None  # the one-row select always answers
    return Standing(row[0], bool(row[1]))


@cache
def _standing() -> Select[JoinRequest, bool]:
    """``standing``'s statement for ``user_id`` and ``community_id``, built once."""
    one = select(literal(1).label("one")).subquery()
    return (
        select(JoinRequest, following_exists().label("following"))
        .select_from(one)
        .outerjoin(
            JoinRequest,
            and_(
                JoinRequest.community_id == bindparam("community_id"),
                JoinRequest.user_id == bindparam("user_id"),
                JoinRequest.status == RequestStatus.PENDING,
            ),
        )
    )


def pending_join_request(session: Session, user: User | None, community: Community) -> JoinRequest | None:
    if user is None:
        return None
    return session.scalar(
        select(JoinRequest).where(
            JoinRequest.community_id == community.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
    )


# --- Settings and parents --------------------------------------------------------------------------


def parent_choices(
    session: Session, user: User | None, community: Community | None = None
) -> list[Community]:
    """Communities the user may see that could be ``community``'s parent (not itself or below it)."""
    candidates = session.scalars(
        select(Community).where(visible_filter(user, Community)).order_by(func.lower(Community.name))
    )
    if community is None:
        return list(candidates)
    return [c for c in candidates if not _is_within(c, community)]


def _is_within(candidate: Community, community: Community) -> bool:
    """Whether ``candidate`` is ``community`` or one of its descendants (following parents upwards)."""
    seen: set[int] = set()
    node: Community | None = candidate
    while node is not None and node.id not in seen:
        if node.id == community.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def resolve_parent(
    session: Session, user: User, parent_id: int | None, community: Community | None
) -> Community | None:
    if parent_id is None:
        return None
    parent = session.scalar(
        select(Community).where(Community.id == parent_id, visible_filter(user, Community))
    )
    if parent is None:
        raise ValidationError(
            "Choose a parent community from the list", {"parent": "Choose a community from the list"}
        )
    if community is not None and _is_within(parent, community):
        message = "A community cannot sit below itself or one of its sub-communities"
        raise ValidationError(message, {"parent": message})
    return parent


def _allowed(value: bool) -> str:
    return "allowed" if value else "refused"


def update_settings(
    session: Session,
    actor: User,
    community: Community,
    *,
    name: str,
    summary: str,
    description: str,
    visibility: Visibility,
    marking_ceiling: Marking,
    region: str | None,
    parent_id: int | None,
    self_approval_allowed: bool | None = None,
) -> Community:
    """Change a community's settings (managers); changes of visibility, ceiling, parent and whether
    moderators may approve their own uploads are audited (``self_approval_allowed`` None: unchanged)."""
    require(actor, Action.MANAGE, community)
    name = check_text("name", name, NAME_MAX, "a name for the community", required=True)
    summary = check_text("summary", summary, SUMMARY_MAX, "the summary")
    description = check_text("description", description, DESCRIPTION_MAX, "the description")
    check_markdown(description, "description")
    region = check_region(region)
    parent = resolve_parent(session, actor, parent_id, community)
    check_ceiling_change(session, community, marking_ceiling)
    self_approval = (
        community.self_approval_allowed if self_approval_allowed is None else self_approval_allowed
    )
    changes: dict[str, tuple[str, str]] = {}
    for field, old, new in (
        ("visibility", community.visibility.value, visibility.value),
        ("ceiling", community.marking_ceiling.value, marking_ceiling.value),
        ("parent", community.parent.slug if community.parent else "", parent.slug if parent else ""),
        ("self_approval", _allowed(community.self_approval_allowed), _allowed(self_approval)),
    ):
        if old != new:
            changes[field] = (old, new)
    renamed = community.name != name
    community.name, community.summary, community.description = name, summary, description
    community.visibility, community.marking_ceiling, community.region = visibility, marking_ceiling, region
    community.parent = parent
    community.self_approval_allowed = self_approval
    community.updated_at = utcnow()
    session.flush()
    if renamed:
        queue_community(session, community.id)  # its items hold its name (and it is one of them)
    else:
        reindex(session, community)
    for field, (old, new) in changes.items():
        record(
            session,
            actor,
            f"community.{field}_changed",
            target_type="community",
            target_id=community.id,
            target_label=community.name,
            community_id=community.id,
            detail={"from": old, "to": new},
        )
    record(
        session,
        actor,
        "community.updated",
        target_type="community",
        target_id=community.id,
        target_label=community.name,
        community_id=community.id,
    )
    return community
