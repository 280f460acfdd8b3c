"""Links between different features' objects, without the features knowing each other: a wiki page
linking a document (``[[doc:42]]``), and on the document, where it is used.

A feature registers how to show its objects to a user (``register_kind``: a resolver that returns
only what that user may see, through the feature's own access rules). The feature holding a link
records what each of its objects links to (``set_links``, in the same transaction as the change);
the target's page asks ``used_by``, and sees only the sources the user may see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.crossrefs.models import ObjectLink

#: ``doc:42`` as written in a link target.
_TARGET = re.compile(r"([a-z]{1,20}):([1-9][0-9]{0,9})")


@dataclass(frozen=True)
class Shown:
    """What a user may see of an object: its kind in words, title, address and marking."""

    kind_label: str
    title: str
    url: str
    marking: str
    #: where it lives, for telling apart items of the same title (a community's name)
    place: str = ""


#: ids → the ones this user may see, shown; anything else is simply left out.
Resolver = Callable[[Session, User | None, Sequence[int]], dict[int, Shown]]
_RESOLVERS: dict[str, Resolver] = {}
#: words, at most how many → the objects this user may see whose title holds the words, best first.
Finder = Callable[[Session, User | None, str, int], list[tuple[int, Shown]]]
_FINDERS: dict[str, Finder] = {}


def register_kind(kind: str, resolver: Resolver) -> None:
    """Let other features link to (and be linked from) objects of ``kind``."""
    _RESOLVERS[kind] = resolver


def register_finder(kind: str, finder: Finder) -> None:
    """Let writers look up objects of ``kind`` by title, to link to them (the editor's picker)."""
    _FINDERS[kind] = finder


def findable_kinds() -> frozenset[str]:
    return frozenset(_FINDERS)


def find(session: Session, user: User | None, kind: str, words: str, limit: int) -> list[tuple[int, Shown]]:
    """Up to ``limit`` objects of ``kind`` that ``user`` may see, matching ``words`` (none for an unknown kind)."""
    finder = _FINDERS.get(kind)
    return finder(session, user, words, limit) if finder is not None else []


def parse_target(text: str) -> tuple[str, int] | None:
    """``"doc:42"`` → ``("doc", 42)`` for a registered kind; None for anything else (a page title)."""
    found = _TARGET.fullmatch(text.strip())
    if found is None or found.group(1) not in _RESOLVERS:
        return None
    return found.group(1), int(found.group(2))


def set_links(session: Session, source_kind: str, source_id: int, targets: Iterable[tuple[str, int]]) -> None:
    """Make the table say that this object links to exactly ``targets`` (flushed, not committed)."""
    session.execute(
        delete(ObjectLink).where(ObjectLink.source_kind == source_kind, ObjectLink.source_id == source_id)
    )
    for target_kind, target_id in dict.fromkeys(targets):
        session.add(
            ObjectLink(
                source_kind=source_kind, source_id=source_id, target_kind=target_kind, target_id=target_id
            )
        )
    session.flush()


def resolve_all(
    session: Session, user: User | None, targets: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], Shown]:
    """The objects among ``targets`` (kind, id) that ``user`` may see: one resolver call per kind."""
    by_kind: dict[str, set[int]] = {}
    for kind, object_id in targets:
        by_kind.setdefault(kind, set()).add(object_id)
    shown: dict[tuple[str, int], Shown] = {}
    for kind, ids in sorted(by_kind.items()):
        resolver = _RESOLVERS.get(kind)
        if resolver is not None:
            shown.update({(kind, i): item for i, item in resolver(session, user, sorted(ids)).items()})
    return shown


def used_by(session: Session, user: User | None, target_kind: str, target_id: int) -> list[Shown]:
    """The objects linking to this one that ``user`` may see, sorted by title."""
    rows = session.execute(
        select(ObjectLink.source_kind, ObjectLink.source_id).where(
            ObjectLink.target_kind == target_kind, ObjectLink.target_id == target_id
        )
    ).all()
    shown = resolve_all(session, user, ((kind, source_id) for kind, source_id in rows))
    return sorted(shown.values(), key=lambda item: item.title.lower())


def resolve(session: Session, user: User | None, kind: str, object_id: int) -> Shown | None:
    """One object as this user may see it, or None (no such kind or object, or not for them)."""
    resolver = _RESOLVERS.get(kind)
    if resolver is None:
        return None
    return resolver(session, user, [object_id]).get(object_id)
