"""What was put to a community and waits for an answer, as the community insights follow it up.

A forum topic asks for replies (and, marked as a question, for an answer); a question session's
approved question asks the panel. Each feature says how to list what was asked in a community in a
period, with when it was first answered (``Feature.asked``); the insights list what is still
unanswered and which answers came slowest (``polka.insights``), naming each item through its content
kind's resolver, so a viewer sees only what they may. A source lists only what others may read now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from polka.db import utcnow


@dataclass(frozen=True)
class AskedQuery:
    community_id: int
    #: asked in ``[start, end)``
    start: datetime
    end: datetime
    #: only what has had no answer at all
    unanswered: bool = False
    #: only what was asked as a question
    questions_only: bool = False


@dataclass(frozen=True)
class Asked:
    """One thing asked, and when it was first answered."""

    #: the content kind it is an item of: "forum.topic"
    kind: str
    id: int
    asked_at: datetime
    #: the first reply or answer (None: none yet)
    answered_at: datetime | None
    #: asked as a question (a forum question, a session's question); False: a topic wanting replies
    question: bool
    #: marked OFFICIAL-SENSITIVE or above: counted only for the community's members
    sensitive: bool = False

    @property
    def waited(self) -> timedelta:
        """How long it waited for its first answer, or has waited so far."""
        return (self.answered_at or utcnow()) - self.asked_at


#: What a feature had asked in one community, by ``AskedQuery``.
AskedSource = Callable[[Session, AskedQuery], Iterable[Asked]]
