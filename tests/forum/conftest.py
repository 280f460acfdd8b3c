"""Forum test helpers: categories, topics and replies made through the services, committed like a
request would."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role
from polka.forum import services
from polka.forum.models import CategoryMode, ForumCategory, ForumPost, ForumTopic
from polka.markings import Marking
from tests.conftest import Factory
from tests.support import writing_as_a_request


class ForumFactory:
    """Writes as a request would: each write in a transaction of its own, after ending any read the
    test's session has open (on SQLite a read that turns into a write fails if a request wrote since)."""

    def __init__(self, session: Session, make: Factory) -> None:
        self.session = session
        self.make = make

    def _writing(self) -> Any:
        return writing_as_a_request(self.session)

    def category(
        self,
        community: Community,
        title: str = "Questions",
        mode: CategoryMode = CategoryMode.OPEN,
        *,
        manager: User | None = None,
        premoderated: bool = False,
    ) -> ForumCategory:
        manager = manager or self.make.member(community, role=Role.MANAGER)
        with self._writing():
            return services.create_category(
                self.session,
                self.session.merge(manager),
                self.session.merge(community),
                services.CategoryFields(title, f"About {title.lower()}", mode, premoderated),
            )

    def topic(
        self,
        category: ForumCategory,
        author: User,
        title: str = "Vehicle keeper checks",
        body: str = "How do you handle an old address?",
        *,
        marking: Marking = Marking.OFFICIAL,
        is_question: bool = False,
        tags: str = "",
    ) -> ForumTopic:
        with self._writing():
            return services.start_topic(
                self.session,
                self.session.merge(author),
                self.session.merge(category),
                title=title,
                body=body,
                marking=marking,
                is_question=is_question,
                tags=tags,
            )

    def reply(self, topic: ForumTopic, author: User, body: str = "We wait four weeks.") -> ForumPost:
        with self._writing():
            return services.reply(self.session, self.session.merge(author), self.fresh(topic), body)

    def fresh(self, topic: ForumTopic) -> ForumTopic:
        self.session.expire_all()
        found = self.session.get(ForumTopic, topic.id)
        assert found is not None
        return found


@pytest.fixture
def forum(session: Session, make: Factory) -> ForumFactory:
    return ForumFactory(session, make)
