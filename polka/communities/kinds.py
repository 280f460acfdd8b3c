"""The community as a content kind (``communities.community``): what activity, subscriptions and
search show of a community to a user — only one the user may see (a private community is nothing to
an outsider)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.kinds import Kind, Shown
from polka.markings import Marking
from polka.permissions import visible_filter

COMMUNITY_KIND = "communities.community"


def show_community(community: Community) -> Shown:
    """What a user who may see ``community`` is shown of it (the caller has checked that they may)."""
    return Shown(
        kind=COMMUNITY_KIND,
        id=community.id,
        label="Community",
        title=community.name,
        url=url_for("communities.home", slug=community.slug),
        marking=Marking.OFFICIAL,  # the community itself; its content carries its own markings
        community_id=community.id,
        community_name=community.name,
        updated_at=community.updated_at or community.created_at,
    )


def resolve_communities(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The communities among ``ids`` that ``user`` may see (active, and not private unless a member)."""
    found = session.scalars(select(Community).where(Community.id.in_(ids), visible_filter(user, Community)))
    return {community.id: show_community(community) for community in found}


COMMUNITY = Kind(name=COMMUNITY_KIND, label="Community", model=Community, resolve=resolve_communities)
