"""The community as a content kind (``communities.community``): what activity, subscriptions and
search show of a community to a user — only one the user may see (a private community is nothing to
an outsider)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.kinds import IDS, Kind, Resolver, Shown
from polka.markings import Marking
from polka.permissions import readable_to_reader, reader_params, visible_to_reader

COMMUNITY_KIND = "communities.community"


def show_community(community: Community) -> Shown:
    """What a user who may see ``community`` is shown of it (the caller has checked that they may)."""
    return _shown(community.id, community.slug, community.name, community.updated_at or community.created_at)


def resolve_communities(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The communities among ``ids`` that ``user`` may see (active, and not private unless a member)."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_communities(), {**params, IDS: list(ids)})
    return {row.id: _shown(row.id, row.slug, row.name, row.updated_at or row.created_at) for row in rows}


@cache
def _visible_communities() -> Select[int, str, str, datetime | None, datetime]:
    """The communities among ``IDS`` the ``READER`` may see: built once for every reader, so a request
    only binds its values."""
    return select(
        Community.id, Community.slug, Community.name, Community.updated_at, Community.created_at
    ).where(Community.id.in_(bindparam(IDS, expanding=True)), visible_to_reader(Community))


def _shown(community_id: int, slug: str, name: str, updated_at: datetime) -> Shown:
    return Shown(
        kind=COMMUNITY_KIND,
        id=community_id,
        label="Community",
        title=name,
        url=url_for("communities.home", slug=slug),
        marking=Marking.OFFICIAL,  # the community itself; its content carries its own markings
        community_id=community_id,
        community_name=name,
        updated_at=updated_at,
    )


COMMUNITY = Kind(name=COMMUNITY_KIND, label="Community", model=Community, resolve=resolve_communities)


def part_resolver(kind: str, label: str, endpoint: str) -> Resolver:
    """The resolver of a kind naming a community's feature as a whole, to follow (its forum, its blog):
    named by the community's id, shown to whoever may read the community's content, titled
    "<community> <label, lower case>" and found at ``endpoint`` (taking the community's ``slug``)."""

    def resolve(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
        params = reader_params(user)
        if params is None:
            return {}
        rows = session.execute(_readable_communities(), {**params, IDS: list(ids)})
        return {row.id: part_shown(kind, label, f"{row.name} {label.lower()}", endpoint, row) for row in rows}

    return resolve


def part_shown(kind: str, label: str, title: str, endpoint: str, row: Any) -> Shown:
    """A part of a community (its forum, its queue of join requests) as an object of ``kind``: named by
    the community's id, found at ``endpoint`` (taking the community's ``slug``). ``row`` has the
    community's ``id``, ``slug``, ``name`` and ``created_at``."""
    return Shown(
        kind=kind,
        id=row.id,
        label=label,
        title=title,
        url=url_for(endpoint, slug=row.slug),
        marking=Marking.OFFICIAL,
        community_id=row.id,
        community_name=row.name,
        updated_at=row.created_at,
    )


@cache
def _readable_communities() -> Select[int, str, str, datetime]:
    return select(Community.id, Community.slug, Community.name, Community.created_at).where(
        Community.id.in_(bindparam(IDS, expanding=True)), readable_to_reader()
    )
