"""Events test helpers: events made through the services, committed like a request would."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.events import services
from polka.events.models import Event
from polka.markings import Marking
from polka.recurrence import Repeat
from tests.conftest import Factory
from tests.docs.conftest import docs  # noqa: F401  (documents uploaded through the services)
from tests.support import writing_as_a_request


class EventsFactory:
    def __init__(self, session: Session, make: Factory) -> None:
        self.session = session
        self.make = make

    def _writing(self) -> Any:
        return writing_as_a_request(self.session)

    def event(
        self,
        community: Community,
        author: User,
        title: str = "North West regional meeting",
        *,
        start_date: str = "2027-04-13",
        start_time: str = "10:00",
        end_time: str = "12:00",
        repeat: Repeat = Repeat.NEVER,
        count: int | None = None,
        marking: Marking = Marking.OFFICIAL,
        **fields: Any,
    ) -> Event:
        with self._writing():
            return services.create_event(
                self.session,
                self.session.merge(author),
                self.session.merge(community),
                services.EventFields(
                    title=title,
                    start_date=start_date,
                    start_time=start_time,
                    end_time=end_time,
                    repeat=repeat,
                    repeat_count=str(count) if count is not None else "",
                    marking=marking,
                    **fields,
                ),
            )

    def fresh(self, event: Event) -> Event:
        self.session.rollback()
        self.session.expire_all()
        found = self.session.get(Event, event.id)
        assert found is not None
        return found


@pytest.fixture
def events(session: Session, make: Factory) -> EventsFactory:
    return EventsFactory(session, make)
