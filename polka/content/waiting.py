"""What waits for whom: each feature says what is waiting for a given user to deal with.

A provider counts one sort of thing waiting, per community, in the communities where the user's role
offers an action (join requests where they manage; edits waiting for review, documents waiting for
approval where they moderate; later reports and held posts). The home page lists the groups and the
header of every page shows their total. Providers are registered at start-up by the composition layer.

Asking costs one statement whatever the number of providers: each provider's grouped count is one
arm of a UNION ALL, built once for each set of providers that concern someone and run with the user's
communities and id as parameters. Someone whom no provider concerns (no role offering any provider's
action) costs no statement at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import CompoundSelect, Integer, Select, String, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from polka.accounts.models import User
from polka.communities.models import Community
from polka.permissions import Action, community_ids_offering, is_active

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
    #: the queue's endpoint, given the community's ``slug``: "communities.requests"
    endpoint: str


_PROVIDERS: dict[str, Provider] = {}
#: the statement asking a set of providers (by their names, sorted), built on first use
_ASKING: dict[tuple[str, ...], Select[Any] | CompoundSelect[Any]] = {}


def register_waiting(name: str, provider: Provider) -> None:
    """Make ``provider`` part of what waits (at start-up). Registering a name again replaces it."""
    _PROVIDERS[name] = provider
    _ASKING.clear()


def provider(name: str) -> Provider | None:
    """The provider registered as ``name``, if any."""
    return _PROVIDERS.get(name)


def count_by_community(counted: Any) -> Select[str, str, int]:
    """The start of a provider's statement: each community's slug and name, and how many ``counted``
    (join the rows to count and filter them; ``waiting_counts`` limits and groups)."""
    return select(Community.slug, Community.name, func.count(counted))


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


def _asking(names: tuple[str, ...]) -> Select[Any] | CompoundSelect[Any]:
    """The one statement asking the providers ``names``: (slug, name, count, provider) rows."""
    statement = _ASKING.get(names)
    if statement is None:
        arms = [_arm(name, _PROVIDERS[name]) for name in names]
        statement = arms[0] if len(arms) == 1 else union_all(*arms)
        _ASKING[names] = statement
    return statement


def _concerned(user: User) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The providers that concern ``user`` (their role offers the provider's action somewhere), and the
    parameters of the statement asking them (read from the memberships the user comes with)."""
    offered: dict[Action, list[int]] = {}
    for found in _PROVIDERS.values():
        if found.offered not in offered:
            offered[found.offered] = community_ids_offering(user, found.offered)
    names = tuple(name for name in sorted(_PROVIDERS) if offered[_PROVIDERS[name].offered])
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
    counted = [Counted(sort, slug, name, count) for slug, name, count, sort in rows]
    return sorted(counted, key=lambda c: (c.sort, c.community_name.lower()))


def told(counted: list[Counted]) -> list[Waiting]:
    """The groups ``counted`` as the home page lists them: what waits, where, and the link to its queue."""
    found = []
    for group in counted:
        asked = _PROVIDERS[group.sort]
        url = url_for(asked.endpoint, slug=group.community_slug)
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
