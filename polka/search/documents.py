"""What the index holds about one object, in engine-neutral terms."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


def document_key(kind: str, object_id: int) -> str:
    """The index's unique key of an object: ``wiki:42``."""
    return f"{kind}:{object_id}"


def index_tag(tag: str) -> str:
    """A tag as every index holds and filters it: lower-cased, commas and runs of spaces made one space
    ("Road  Safety," -> "road safety")."""
    return " ".join(tag.replace(",", " ").split()).lower()


def split_key(key: str) -> tuple[str, int]:
    """``wiki:42`` -> ``("wiki", 42)``."""
    kind, _, number = key.partition(":")
    return kind, int(number)


class Audience(enum.StrEnum):
    """Who may find a document (``polka.search.backend.Access`` holds what a searcher may find)."""

    #: whoever may read its community's content (and for a sensitive one, its members): content
    READERS = "readers"
    #: whoever may see that its community exists (a community itself: private ones to their members)
    LISTERS = "listers"
    #: whoever may see the people directory (a person; ``community_id`` is 0)
    DIRECTORY = "directory"
    #: everyone signed in (OFFICIAL content outside any community: a post open to all; ``community_id``
    #: is 0)
    SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class SearchDocument:
    """One searchable object as a feature's adapter describes it.

    ``marking`` is the marking's value (``OFFICIAL`` or ``OFFICIAL-SENSITIVE``); ``sensitive`` says
    whether only members of the community may find it. Dates are aware UTC datetimes. ``context`` is
    where the object lives, one name a line (its community's name, then its folder's or parent page's
    title): it matches like title and body but weighs less, so "rural crime network minutes" finds the
    minutes held in *Rural Crime Network* first. ``boost`` above 1 makes a match on it count for more
    (a question with an accepted answer: it is more likely to help).
    """

    kind: str
    object_id: int
    community_id: int
    marking: str
    sensitive: bool
    title: str
    body: str
    created_at: datetime
    updated_at: datetime
    author_id: int | None = None
    organisation_id: int | None = None
    tags: tuple[str, ...] = ()
    context: str = ""
    audience: Audience = Audience.READERS
    boost: float = 1.0

    @property
    def key(self) -> str:
        return document_key(self.kind, self.object_id)
