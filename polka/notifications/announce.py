"""Announcing a change: what a feature calls, in the transaction that makes the change.

A feature says what changed and whom it concerns — the people it is addressed to (the author of the
topic replied to, the people mentioned) and the objects whose followers should hear (the topic, its
category, the community) — and ``announce`` queues it. Working out who that is, and telling each of
them, is background work (``polka.notifications.fanout``): a change followed by thousands of people
saves as fast as any other, and is told only if the change commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.kinds import KIND_NAME
from polka.jobs.services import enqueue
from polka.markings import Marking
from polka.notifications.models import VERB_MAX
from polka.notifications.reasons import Reason

FAN_OUT_JOB = "notifications.fan_out"
EMAIL_JOB = "notifications.email"


@dataclass(frozen=True)
class Notice:
    """One change, as the people it concerns will be told of it."""

    #: the object changed, by its content kind ("forum.topic", 42): what readers are shown, if they
    #: may see it when they look
    kind: str
    object_id: int
    #: what was done, after the actor's name: "replied to", "edited", "cancelled"
    verb: str
    actor: User | None
    #: where it happened (None: open to everyone signed in) and its marking: who may be told at all
    community: Community | None
    marking: Marking
    #: a more exact place, of a kind with its own address: the reply ("forum.post", 7)
    place: tuple[str, int] | None = None
    #: where in the object's history the change starts (the revision before a wiki edit)
    since: int | None = None
    #: the people it is addressed to, and why (the actor is never told of their own change)
    to: tuple[tuple[int, Reason], ...] = ()
    #: the objects whose followers are told (``Reason.FOLLOWED``)
    followed: tuple[tuple[str, int], ...] = ()
    #: every member of ``community`` is told, for this reason (a new event in one's community)
    members: Reason | None = None
    #: the handles @mentioned in the words of the change (``Reason.MENTION``)
    mentioned: tuple[str, ...] = ()
    #: words addressed to the people it is addressed to (a manager's message with a decision), shown
    #: with the notification; never an item's own text
    note: str = ""
    #: False when the feature emails it itself (an account's approval must reach someone who has never
    #: signed in): in the app only, never in an email or a digest of the notifications'
    emailed: bool = True

    def __post_init__(self) -> None:
        if not 0 < len(self.verb) <= VERB_MAX:
            raise ValueError(f"a notice's verb is 1 to {VERB_MAX} characters, not {self.verb!r}")
        for name in [
            self.kind,
            *(kind for kind, _ in self.followed),
            *([self.place[0]] if self.place else []),
        ]:
            if not KIND_NAME.fullmatch(name):
                raise ValueError(f"a notice names objects by content kind, not {name!r}")

    def payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "object_id": self.object_id,
            "verb": self.verb,
            "actor_id": self.actor.id if self.actor is not None else None,
            "community_id": self.community.id if self.community is not None else None,
            "marking": self.marking.value,
            "place": list(self.place) if self.place else None,
            "since": self.since,
            "to": [[user_id, reason.value] for user_id, reason in self.to],
            "followed": [list(target) for target in self.followed],
            "members": self.members.value if self.members else None,
            "mentioned": list(self.mentioned),
            "note": self.note,
            "emailed": self.emailed,
        }


def addressed(people: Iterable[int | None], reason: Reason) -> tuple[tuple[int, Reason], ...]:
    """``Notice.to`` for these people (None for a person no longer known), all for one reason."""
    return tuple((person, reason) for person in dict.fromkeys(people) if person is not None)


def announce(session: Session, notice: Notice) -> None:
    """Queue telling ``notice`` to the people it concerns; it happens only if the caller commits."""
    if not (notice.to or notice.followed or notice.members or notice.mentioned):
        return
    enqueue(session, FAN_OUT_JOB, notice.payload(), max_attempts=5)
