"""Live session test helpers: sessions, questions and answers made through the services, committed like a
request would."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.live import answering, moderating, questions, services
from polka.live.models import LiveAnswer, LiveQuestion, LiveSession
from polka.markings import Marking
from tests.conftest import Factory
from tests.support import writing_as_a_request


def handles(people: list[User]) -> str:
    return ", ".join(f"@{person.handle}" for person in people)


class LiveFactory:
    def __init__(self, session: Session, make: Factory) -> None:
        self.session = session
        self.make = make

    def _writing(self) -> Any:
        return writing_as_a_request(self.session)

    def session_in(
        self,
        community: Community,
        organiser: User,
        title: str = "PNC changes: questions to the national lead",
        *,
        panel: list[User] | None = None,
        moderators: list[User] | None = None,
        state: str = "open",
        marking: Marking = Marking.OFFICIAL,
        **fields: Any,
    ) -> LiveSession:
        """A session scheduled by ``organiser`` for tomorrow, then moved to be ``open`` now (the
        default), ``scheduled`` (tomorrow) or ``closed`` (an hour ago)."""
        tomorrow = date.today() + timedelta(days=1)
        with self._writing():
            live = services.create_session(
                self.session,
                self.session.merge(organiser),
                self.session.merge(community),
                services.SessionFields(
                    title=title,
                    date=tomorrow.isoformat(),
                    opens="10:00",
                    closes="11:30",
                    panel=handles(panel or []),
                    moderators=handles(moderators if moderators is not None else [organiser]),
                    marking=marking,
                    **fields,
                ),
            )
        if state != "scheduled":
            self.move(live, state)
        return live

    def move(self, live: LiveSession, state: str) -> None:
        """Make ``live`` open now, or closed an hour ago."""
        now = utcnow()
        with self._writing():
            found = self.session.get(LiveSession, live.id)
            assert found is not None
            if state == "open":
                found.opens_at, found.closes_at = now - timedelta(minutes=5), now + timedelta(hours=1)
            else:
                found.opens_at, found.closes_at = now - timedelta(hours=2), now - timedelta(hours=1)
            found.version += 1

    def ask(
        self, live: LiveSession, author: User, body: str = "When does the PNC change go live?", **kwargs: Any
    ) -> LiveQuestion:
        with self._writing():
            return questions.ask(self.session, self.session.merge(author), self.fresh(live), body, **kwargs)

    def approved(
        self, live: LiveSession, author: User, moderator: User, body: str = "Will training be given?"
    ) -> LiveQuestion:
        asked = self.ask(live, author, body)
        with self._writing():
            return moderating.approve(self.session, self.session.merge(moderator), self.fresh(live), asked.id)

    def answer(
        self, live: LiveSession, panel: User, question: LiveQuestion, body: str = "Yes: in March."
    ) -> LiveAnswer:
        with self._writing():
            return answering.answer(
                self.session, self.session.merge(panel), self.fresh(live), question.id, body
            )

    def fresh(self, live: LiveSession) -> LiveSession:
        found = self.session.get(LiveSession, live.id, populate_existing=True)
        assert found is not None
        return found


@pytest.fixture
def live(session: Session, make: Factory) -> LiveFactory:
    return LiveFactory(session, make)
