"""The features' factories, for writings to count (each feature's own, from its tests)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.blog.conftest import BlogFactory
from tests.conftest import Factory
from tests.forum.conftest import ForumFactory
from tests.live.conftest import LiveFactory


@pytest.fixture
def forum(session: Session, make: Factory) -> ForumFactory:
    return ForumFactory(session, make)


@pytest.fixture
def blog(session: Session, make: Factory) -> BlogFactory:
    return BlogFactory(session, make)


@pytest.fixture
def live(session: Session, make: Factory) -> LiveFactory:
    return LiveFactory(session, make)
