"""What calendars tell people (``polka.notifications``): a new event to the community's members and
followers; a change or cancellation to everyone who said they are going (or may go) to it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.kinds import COMMUNITY_KIND
from polka.events.kinds import CALENDAR_KIND, EVENT_KIND
from polka.events.models import Answer, Event, EventAnswer
from polka.notifications.announce import Notice, addressed, announce
from polka.notifications.reasons import Reason


def tell_scheduled(session: Session, user: User, event: Event) -> None:
    announce(
        session,
        Notice(
            kind=EVENT_KIND,
            object_id=event.id,
            verb="scheduled",
            actor=user,
            community=event.community,
            marking=event.marking,
            members=Reason.EVENT_NEW,
            followed=((CALENDAR_KIND, event.community_id), (COMMUNITY_KIND, event.community_id)),
        ),
    )


def tell_changed(session: Session, user: User, event: Event, verb: str) -> None:
    """The event (or one of its occurrences) was changed or cancelled (``verb``)."""
    answered = session.scalars(
        select(EventAnswer.user_id)
        .where(EventAnswer.event_id == event.id, EventAnswer.answer != Answer.NOT_GOING)
        .distinct()
    )
    announce(
        session,
        Notice(
            kind=EVENT_KIND,
            object_id=event.id,
            verb=verb,
            actor=user,
            community=event.community,
            marking=event.marking,
            to=addressed(answered, Reason.EVENT_CHANGE),
            followed=((CALENDAR_KIND, event.community_id),),
        ),
    )


def tell_action(session: Session, user: User, event: Event, assignee: User) -> None:
    """An action from the meeting's minutes was given to ``assignee``."""
    announce(
        session,
        Notice(
            kind=EVENT_KIND,
            object_id=event.id,
            verb="gave you an action from",
            actor=user,
            community=event.community,
            marking=event.marking,
            to=addressed([assignee.id], Reason.ACTION),
        ),
    )
