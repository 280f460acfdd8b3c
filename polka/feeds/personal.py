"""What the personal feed shows: the newest lines of the activity stream in the reader's communities
(``polka.activity.stream``, read through the content kinds' resolvers), each target as the reader may
see it at this moment, or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.stream import Entry, Scope, read_stream
from polka.content.kinds import Shown


@dataclass(frozen=True)
class Item:
    """One line of the stream as the reader may see it now, in words a feed reader shows."""

    #: the newest event's id (stable: the feed entry's id)
    id: int
    at: datetime
    #: "Kate Wilson", "Kate Wilson and Sam Lee", "7 people"
    actor_name: str
    verb: str
    target: Shown
    #: how many times one person did it (folded events), else 1
    times: int
    #: the community the target lives in now (for a community, itself)
    place: Shown | None


def _actors(entry: Entry) -> str:
    names = [person.name if person is not None else "Someone" for person in entry.actors]
    if len(names) > 3:
        return f"{len(names)} people"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def entries(session: Session, user: User, limit: int) -> list[Item]:
    """The newest ``limit`` lines of the stream in the communities ``user`` belongs to, less those whose
    target they may not see now (deleted, moved away, made private, or gone with a membership)."""
    page = read_stream(session, user, scope=Scope.MINE, limit=limit)
    return [
        Item(
            id=entry.id,
            at=entry.newest,
            actor_name=_actors(entry),
            verb=entry.verb,
            target=entry.target,
            times=entry.events if len(entry.actors) == 1 else 1,
            place=entry.place,
        )
        for entry in page.entries
    ]
