"""What waits for whom: each feature says what is waiting for a given user to deal with.

A provider counts one sort of thing waiting, per community, in the communities where the user's role
offers an action (join requests where they manage; edits waiting for review, documents waiting for
approval where they moderate; later reports and held posts). The home page lists the groups and the
header of every page shows their total. Providers are registered at start-up by the composition layer.

What is outside any community (a post open to everyone signed in, its comments) waits for the site's
administrators: a provider that can hold such things says how to count them (``site``), and an
administrator is told of them as of one more place, ``OUTSIDE``, whose queue is the provider's endpoint
without a community.

Asking costs one statement whatever the number of providers: each provider's grouped count is one
arm of a UNION ALL, built once for each set of providers that concern someone and run with the user's
communities and id as parameters. Someone whom no provider concerns (no role offering any provider's
action) costs no statement at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import CompoundSelect, Integer, Select, String, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from polka.accounts.models import User
from polka.communities.kinds import part_shown
from polka.communities.models import Community
from polka.content.kinds import Kind, Resolver, Shown, register_kind
from polka.permissions import Action, community_ids_offering, is_active

#: The place of what waits outside any community, as the home page names it.
OUTSIDE = "Outside any community"

#: The signed-in user's id in a provider's statement (bound when the statement runs).
USER_ID: BindParameter[int] = bindparam("waiting_user_id", type_=Integer)


@dataclass(frozen=True)
class Waiting:
    """``count`` things of one sort waiting for the user in one community, and where to deal with them."""

    #: the provider's name: "communities.join_requests"
    sort: str
    count: int
    community_name: str
    #: what is waiting, before the community's name: "2 people have asked to join"
    what: str
    #: the link to the queue: "Review the requests"
    action: str
    url: str


@dataclass(frozen=True, slots=True)
class Counted:
    """How many things of one sort wait for the user in one community (a row of the statement asking)."""

    #: the provider's name: "communities.join_requests"
    sort: str
    community_slug: str
    community_name: str
    count: int


@dataclass(frozen=True)
class Provider:
    """One sort of thing that waits: whom it waits for, the statement counting it, and how it is told."""

    #: it waits in the communities where the user's role offers this action (and only there)
    offered: Action
    #: the count of what waits, from ``count_by_community`` joined to the rows counted and filtered by
    #: the provider's own rules (``USER_ID`` stands for the user); it is built once, then limited to the
    #: user's communities and grouped per community by ``waiting_counts``
    query: Callable[[], Select[str, str, int]]
    #: what waits, for a count: "2 people have asked to join"
    what: Callable[[int], str]
    #: the link to the queue: "Review the requests"
    action: str
    #: what its queue holds, as a notification leading there names it: "Join requests"
    label: str
    #: the queue's endpoint, given the community's ``slug``: "communities.requests" (and, for ``site``,
    #: given no slug: the site's queue)
    endpoint: str
    #: the count of what waits outside any community for the site's administrators, one row from
    #: ``count_outside`` (None: nothing of this sort is ever outside a community)
    site: Callable[[], Select[str, str, int]] | None = None


_PROVIDERS: dict[str, Provider] = {}
#: the statement asking a set of providers (by their names, sorted), built on first use
_ASKING: dict[tuple[str, ...], Select[Any] | CompoundSelect[Any]] = {}


def register_waiting(name: str, provider: Provider) -> None:
    """Make ``provider`` part of what waits (at start-up). Registering a name again replaces it.

    Its queue in each community becomes a content kind of the same name (named by the community's id),
    shown only to those whose role there offers its action: what a notification that something waits
    leads to.
    """
    _PROVIDERS[name] = provider
    _ASKING.clear()
    register_kind(
        Kind(
            name=name,
            label=provider.label,
            model=Community,
            resolve=_queue_resolver(name, provider),
            owns_model=False,
        )
    )


def _queue_resolver(name: str, provider: Provider) -> Resolver:
    """The queue ``provider`` keeps in each community among ``ids`` whose role there offers the user its
    action: titled by the community's name, found at the provider's endpoint."""

    def resolve(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
        if not is_active(user):
            return {}
        assert user is not None
        wanted = sorted(set(ids) & set(community_ids_offering(user, provider.offered)))
        if not wanted:
            return {}
        rows = session.execute(
            select(Community.id, Community.slug, Community.name, Community.created_at).where(
                Community.id.in_(wanted)
            )
        )
        return {row.id: part_shown(name, provider.label, row.name, provider.endpoint, row) for row in rows}

    return resolve


def provider(name: str) -> Provider | None:
    """The provider registered as ``name``, if any."""
    return _PROVIDERS.get(name)


def count_by_community(counted: Any) -> Select[str, str, int]:
    """The start of a provider's statement: each community's slug and name, and how many ``counted``
    (join the rows to count and filter them; ``waiting_counts`` limits and groups)."""
    return select(Community.slug, Community.name, func.count(counted))


def count_outside(counted: Any) -> Select[str, str, int]:
    """The start of a provider's ``site`` statement: no slug, ``OUTSIDE``, and how many ``counted``."""
    return select(literal("", String), literal(OUTSIDE, String), func.count(counted))


def _offered(action: Action) -> str:
    """The parameter holding the ids of the communities where the user's role offers ``action``."""
    return f"waiting_{action.value}"


def _arm(name: str, asked: Provider) -> Select[Any]:
    """One provider's grouped count in the communities offering its action, named by the provider."""
    return (
        asked.query()
        .where(Community.id.in_(bindparam(_offered(asked.offered), expanding=True)))
        .group_by(Community.id, Community.slug, Community.name)
        .add_columns(literal(name, String))
    )


def _site_arm(name: str, asked: Provider) -> Select[Any]:
    """One provider's count of what waits outside any community, named by the provider."""
    assert asked.site is not None
    return asked.site().add_columns(literal(name, String))


#: How ``_asking`` names a provider's ``site`` arm among its providers' names.
_SITE = "@site"


def _asking(names: tuple[str, ...]) -> Select[Any] | CompoundSelect[Any]:
    """The one statement asking the providers ``names`` (a name ending ``_SITE``: that provider's
    ``site`` arm): (slug, name, count, provider) rows."""
    statement = _ASKING.get(names)
    if statement is None:
        arms = [
            _site_arm(name.removesuffix(_SITE), _PROVIDERS[name.removesuffix(_SITE)])
            if name.endswith(_SITE)
            else _arm(name, _PROVIDERS[name])
            for name in names
        ]
        statement = arms[0] if len(arms) == 1 else union_all(*arms)
        _ASKING[names] = statement
    return statement


def _concerned(user: User) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The providers that concern ``user`` (their role offers the provider's action somewhere, or, for
    an administrator, the provider counts what waits outside any community), and the parameters of the
    statement asking them (read from the memberships the user comes with)."""
    offered: dict[Action, list[int]] = {}
    for found in _PROVIDERS.values():
        if found.offered not in offered:
            offered[found.offered] = community_ids_offering(user, found.offered)
    names = tuple(name for name in sorted(_PROVIDERS) if offered[_PROVIDERS[name].offered])
    if user.is_admin:
        names += tuple(f"{name}{_SITE}" for name in sorted(_PROVIDERS) if _PROVIDERS[name].site is not None)
    params: dict[str, Any] = {USER_ID.key: user.id}
    params.update({_offered(action): ids for action, ids in offered.items() if ids})
    return names, params


def waiting_counts(session: Session, user: User | None) -> list[Counted]:
    """How many things of each sort wait for ``user`` in each community, by provider then community
    name (one statement, or none for someone no provider concerns): enough for the header's total;
    ``told`` makes them what the home page lists."""
    if not is_active(user):
        return []
    assert user is not None
    names, params = _concerned(user)
    if not names:
        return []  # no statement for someone with nothing to deal with
    rows = session.execute(_asking(names), params).all()
    counted = [Counted(sort, slug, name, count) for slug, name, count, sort in rows if count]
    return sorted(counted, key=lambda c: (c.sort, c.community_name.lower()))


def told(counted: list[Counted]) -> list[Waiting]:
    """The groups ``counted`` as the home page lists them: what waits, where, and the link to its queue."""
    found = []
    for group in counted:
        asked = _PROVIDERS[group.sort]
        where: dict[str, Any] = {"slug": group.community_slug} if group.community_slug else {}
        url = url_for(asked.endpoint, **where)
        found.append(
            Waiting(group.sort, group.count, group.community_name, asked.what(group.count), asked.action, url)
        )
    return found


def waiting_for(session: Session, user: User | None) -> list[Waiting]:
    """Everything waiting for ``user``, by provider then community name (one statement, or none)."""
    return told(waiting_counts(session, user))


def plural(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` for ``count`` things, with the number: "1 edit", "3 edits"."""
    return f"{count} {one if count == 1 else many}"
