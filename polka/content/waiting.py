"""What waits for whom: each feature says what is waiting for a given user to deal with.

A provider answers for one user with the groups of things waiting for them, one group per community
and sort (join requests in a community they manage; edits waiting for review, documents waiting for
approval where they moderate; later reports and held posts). The home page lists them and the header
of every page shows their total. Providers are registered at start-up by the composition layer; each
answers with one statement (a grouped count), so asking costs one statement per provider.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.permissions import is_active


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


#: a user → the groups of things waiting for them (one statement)
Provider = Callable[[Session, User], list[Waiting]]

_PROVIDERS: dict[str, Provider] = {}


def register_waiting(name: str, provider: Provider) -> None:
    """Make ``provider`` part of what waits (at start-up). Registering a name again replaces it."""
    _PROVIDERS[name] = provider


def provider(name: str) -> Provider | None:
    """The provider registered as ``name``, if any."""
    return _PROVIDERS.get(name)


def waiting_for(session: Session, user: User | None) -> list[Waiting]:
    """Everything waiting for ``user``, by provider then community name."""
    if not is_active(user):
        return []
    assert user is not None
    found: list[Waiting] = []
    for name in sorted(_PROVIDERS):
        found.extend(sorted(_PROVIDERS[name](session, user), key=lambda w: w.community_name.lower()))
    return found


def count_by_community(counted: Any) -> Select[str, str, int]:
    """The start of a provider's statement: each community's slug and name, and how many ``counted``
    (join the rows to count and filter them; ``per_community`` groups)."""
    return select(Community.slug, Community.name, func.count(counted))


def per_community(
    session: Session,
    query: Select[str, str, int],
    sort: str,
    *,
    what: Callable[[int], str],
    action: str,
    url: Callable[[str], str],
) -> list[Waiting]:
    """Run a provider's ``query`` (from ``count_by_community``) grouped by community: one ``Waiting`` a
    community, ``what`` saying what waits for the count and ``url`` the queue for the community's slug."""
    rows = session.execute(query.group_by(Community.id, Community.slug, Community.name)).all()
    return [Waiting(sort, count, name, what(count), action, url(slug)) for slug, name, count in rows]


def plural(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` for ``count`` things, with the number: "1 edit", "3 edits"."""
    return f"{count} {one if count == 1 else many}"
