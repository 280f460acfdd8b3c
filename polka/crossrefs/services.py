"""Links between different features' objects, without the features knowing each other: a wiki page
linking a document (``[[doc:42]]``), and on the document, where it is used.

How an object is shown to a user is its content kind's business (``polka.content.kinds``: one resolver
per kind, returning only what that user may see now). This module keeps the table of links: the
feature holding a link records what each of its objects links to (``set_links``, in the same
transaction as the change), and the target's page asks ``used_by``, which shows only the sources the
user may see. Both ends are stored under their kind's name (``wiki.page``, ``docs.document``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import Shown, kind_linked_as, resolve_all
from polka.crossrefs.models import ObjectLink

#: ``doc:42`` as written in a link target: the kind's link name, a colon, the object's id.
_TARGET = re.compile(r"([a-z]{1,20}):([1-9][0-9]{0,9})")


def parse_target(text: str) -> tuple[str, int] | None:
    """``"doc:42"`` → ``("docs.document", 42)`` when a kind is linked to as ``doc``; None for anything
    else (a page title)."""
    found = _TARGET.fullmatch(text.strip())
    if found is None:
        return None
    kind = kind_linked_as(found.group(1))
    if kind is None:
        return None
    return kind.name, int(found.group(2))


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


def used_by(session: Session, user: User | None, target_kind: str, target_id: int) -> list[Shown]:
    """The objects linking to this one that ``user`` may see, sorted by title."""
    rows = session.execute(
        select(ObjectLink.source_kind, ObjectLink.source_id).where(
            ObjectLink.target_kind == target_kind, ObjectLink.target_id == target_id
        )
    ).all()
    shown = resolve_all(session, user, ((kind, source_id) for kind, source_id in rows))
    return sorted(shown.values(), key=lambda item: item.title.lower())
