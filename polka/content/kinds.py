"""Content kinds: one name and one resolver for each kind of object a feature holds.

A kind (``wiki.page``, ``docs.document``, later ``forum.topic`` …) is named the same everywhere a row
refers to an object of it: activity, audit, search, cross-links, denials, subscriptions. Its resolver
answers one question for every consumer: of these ids, which may this user see *now*, and with what
current title, address, marking and community. Search re-checks its hits with it, cross-links show
their targets with it, and the activity stream and feeds are read through it, so an object that was
moved, renamed, re-marked or deleted shows as it is now, or not at all.

Features declare their kinds in their manifest (``polka/<feature>/feature.py``); the composition layer
registers every feature's kinds once, at start-up. Nothing registers itself on import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.markings import Marking

#: ``wiki.page``: the feature's package name, a dot, the object's name (lower case).
KIND_NAME = re.compile(r"[a-z][a-z0-9_]{0,19}\.[a-z][a-z0-9_]{0,19}")
#: The longest name a table storing kind names holds.
NAME_MAX = 40
#: The expanding bind parameter of the ids a resolver built once for every reader is asked about.
IDS = "ids"


@dataclass(frozen=True)
class Shown:
    """What one user may see of one object at the moment it was resolved."""

    kind: str
    id: int
    #: the kind as users read it: "Wiki page"
    label: str
    title: str
    #: from ``url_for``, never built beside the blueprint's prefix
    url: str
    marking: Marking
    community_id: int
    #: where it lives, for telling apart items of the same title
    community_name: str
    updated_at: datetime
    author_id: int | None = None
    #: where it stands, for a kind whose items have a status: "Draft", "Approved"
    status: str = ""

    @classmethod
    def of_row(cls, kind: str, label: str, url: str, row: Any) -> Shown:
        """An item of ``kind`` read as a row with the columns ``id``, ``title``, ``marking``,
        ``community_id``, ``community_name``, ``updated_at`` and ``updated_by_id``, found at ``url``."""
        return cls(
            kind=kind,
            id=row.id,
            label=label,
            title=row.title,
            url=url,
            marking=row.marking,
            community_id=row.community_id,
            community_name=row.community_name,
            updated_at=row.updated_at,
            author_id=row.updated_by_id,
        )


def shown_columns(model: Any) -> Select[Any]:
    """The columns ``Shown.of_row`` reads, of ``model`` (community content with a ``title`` and an
    ``updated_by_id``) joined to its community."""
    return select(
        model.id,
        model.title,
        model.marking,
        model.community_id,
        model.updated_at,
        model.updated_by_id,
        Community.slug.label("community_slug"),
        Community.name.label("community_name"),
    ).join(Community, Community.id == model.community_id)


#: ids → the ones this user may see now, shown; an id left out is not for them (or does not exist).
Resolver = Callable[[Session, User | None, Sequence[int]], dict[int, Shown]]
#: words, at most how many → the objects this user may see whose title holds the words, best first.
Finder = Callable[[Session, User | None, str, int], list[Shown]]
#: a community's id, titles as written in ``[[Title]]`` → the objects of that community so titled that
#: this user may see, by the title as written.
TitleResolver = Callable[[Session, User | None, int, Sequence[str]], dict[str, Shown]]


@dataclass(frozen=True)
class Kind:
    """One kind of object: its name, its label, its rows, and how to show them to a user."""

    name: str
    label: str
    #: the mapped class whose rows are this kind's objects (the policy and tests dispatch on it)
    model: type[Any]
    resolve: Resolver
    #: what writers type to link to one (``doc`` in ``[[doc:42]]``); None when nothing links to it
    link_name: str | None = None
    #: title look-up for the editor's link picker
    find: Finder | None = None
    #: what a ``[[Title]]`` written in another feature's text (a forum post) leads to: one kind (the
    #: wiki's pages) answers for titles
    by_title: TitleResolver | None = None
    #: False for a kind that names another kind's rows in a role of their own (a community's forum is
    #: its community): ``kind_of`` never answers with it
    owns_model: bool = True
    #: the address of what changed in an object since a point of its history (a wiki page's diff
    #: from a revision), for a notification of changes; None: the object's own address
    changes_since: Callable[[Shown, int], str] | None = None

    def __post_init__(self) -> None:
        if not KIND_NAME.fullmatch(self.name) or len(self.name) > NAME_MAX:
            raise ValueError(f"a kind is named feature.object in lower case, not {self.name!r}")


_KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    """Make ``kind`` known (at start-up, from the feature manifests). Registering it again replaces it."""
    for other in _KINDS.values():
        if other.name != kind.name and kind.link_name and other.link_name == kind.link_name:
            raise ValueError(f"{kind.name} and {other.name} both use the link name {kind.link_name!r}")
    _KINDS[kind.name] = kind


def kinds() -> list[Kind]:
    """Every registered kind, by name."""
    return [_KINDS[name] for name in sorted(_KINDS)]


def kind_named(name: str) -> Kind | None:
    return _KINDS.get(name)


def kind_of(target: object) -> Kind | None:
    """The kind whose rows ``target`` (an object, or a mapped class) belongs to."""
    model = target if isinstance(target, type) else type(target)
    for kind in _KINDS.values():
        if kind.owns_model and issubclass(model, kind.model):
            return kind
    return None


def kind_linked_as(link_name: str) -> Kind | None:
    """The kind writers link to as ``link_name`` (``doc`` → ``docs.document``)."""
    for kind in _KINDS.values():
        if kind.link_name == link_name:
            return kind
    return None


def resolve_all(
    session: Session, user: User | None, targets: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Shown]:
    """The objects among ``targets`` (kind name, id) that ``user`` may see now: one query per kind."""
    by_kind: dict[str, set[int]] = {}
    for name, object_id in targets:
        by_kind.setdefault(name, set()).add(object_id)
    shown: dict[tuple[str, int], Shown] = {}
    for name, ids in sorted(by_kind.items()):
        kind = _KINDS.get(name)
        if kind is not None:
            shown.update({(name, i): item for i, item in kind.resolve(session, user, sorted(ids)).items()})
    return shown


def resolve_titles(
    session: Session, user: User | None, community_id: int, titles: Iterable[str]
) -> dict[str, Shown]:
    """What ``[[Title]]`` links written in community ``community_id`` lead to, for ``user``: the titled
    objects they may see, by the title as written (one query)."""
    wanted = sorted(set(titles))
    for kind in _KINDS.values():
        if kind.by_title is not None and wanted:
            return kind.by_title(session, user, community_id, wanted)
    return {}


def resolve(session: Session, user: User | None, name: str, object_id: int) -> Shown | None:
    """One object as ``user`` may see it now, or None (no such kind or object, or not for them)."""
    kind = _KINDS.get(name)
    if kind is None:
        return None
    return kind.resolve(session, user, [object_id]).get(object_id)
