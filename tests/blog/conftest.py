"""Blog test helpers: posts written, published and scheduled through the services, committed like a
request would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.blog import services
from polka.blog.models import BlogComment, BlogPost
from polka.communities.models import Community
from polka.markings import Marking
from tests.conftest import Factory
from tests.support import writing_as_a_request


class BlogFactory:
    def __init__(self, session: Session, make: Factory) -> None:
        self.session = session
        self.make = make

    def post(
        self,
        community: Community | None,
        author: User,
        title: str = "Weekly neighbourhood update",
        *,
        body: str = "Patrol priorities for the week.",
        publish: bool = True,
        at: datetime | None = None,
        marking: Marking = Marking.OFFICIAL,
        personal: bool = False,
        **fields: Any,
    ) -> BlogPost:
        """A post by ``author``: published (by default), scheduled for ``at``, or else a draft; of the
        community's blog, or (``personal``) of the author's own, published into the community, or
        (``community`` None) open to everyone signed in."""
        with writing_as_a_request(self.session):
            writer = self.session.merge(author)
            post = services.create_post(
                self.session,
                writer,
                self.session.merge(community) if community is not None else None,
                services.PostFields(title=title, body=body, marking=marking, **fields),
                personal=personal or community is None,
            )
            if at is not None:
                services.schedule(self.session, writer, post, at)
            elif publish:
                services.publish(self.session, writer, post)
            return post

    def fresh(self, post: BlogPost) -> BlogPost:
        self.session.rollback()
        self.session.expire_all()
        found = self.session.get(BlogPost, post.id)
        assert found is not None
        return found


def comments(session: Session) -> list[BlogComment]:
    """Every comment as the database holds it now, oldest first."""
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(BlogComment).order_by(BlogComment.id)))


@pytest.fixture
def blog(session: Session, make: Factory) -> BlogFactory:
    return BlogFactory(session, make)
