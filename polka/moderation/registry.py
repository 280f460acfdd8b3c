"""How a discussion feature's items are moderated: each kind that can be reported says what moderators
see of an item and how it is hidden. Features declare theirs in their manifest; the composition layer
registers them at start-up."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from polka.accounts.models import User


@dataclass(frozen=True)
class Reviewed:
    """What moderators see of a reported item, whatever its state."""

    kind: str
    id: int
    #: None: outside any community (moderated by the site's administrators)
    community_id: int | None
    author: User | None
    #: the item's text as its author wrote it
    text: str
    #: where it is: "Reply in Vehicle keeper checks"
    where: str
    #: the item in its context (its place in the thread)
    url: str
    hidden: bool
    #: why it waits for approval, for an item waiting
    held: str = ""


@dataclass(frozen=True)
class ModeratedKind:
    """One kind of item that can be reported and hidden (``forum.post``)."""

    kind: str
    #: ids → what moderators see of each (an id left out no longer exists)
    review: Callable[[Session, Sequence[int]], dict[int, Reviewed]]
    #: hide the item, the moderator and the reason given (shown to its author); flushes
    hide: Callable[[Session, User, int, str], None]
    #: the items waiting for approval in a community (by its id; None: outside any), oldest first
    waiting: Callable[[Session, int | None], list[Reviewed]]
    #: publish a waiting item in its place; flushes
    approve: Callable[[Session, User, int], None]


_KINDS: dict[str, ModeratedKind] = {}


def register_moderated(kind: ModeratedKind) -> None:
    _KINDS[kind.kind] = kind


def moderated(kind: str) -> ModeratedKind | None:
    return _KINDS.get(kind)


def moderated_kinds() -> list[ModeratedKind]:
    return [_KINDS[name] for name in sorted(_KINDS)]
