"""Search test helpers: the wiki's page factory (the first search adapter), and searching as a user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.site_search import service
from polka.site_search.params import SearchParams
from polka.site_search.results import Outcome
from tests.wiki.conftest import WikiFactory, world  # noqa: F401  (fixtures used here)

Search = Callable[..., Outcome]


@pytest.fixture
def search(app: Flask, session: Session) -> Search:
    """``search(user, "words", kinds=…, page=…)``: the service's answer for that user, as a request
    would get it (fresh from the database)."""

    def run(user: User | None, q: str, **params: Any) -> Outcome:
        session.rollback()
        with app.test_request_context("/search"):
            fresh = session.get(User, user.id) if user is not None else None
            if fresh is not None:
                session.refresh(fresh)
            engine = app.extensions["polka.search"].backend
            return service.search(session, fresh, SearchParams(q=q, **params), engine)

    return run


def titles(outcome: Outcome) -> list[str]:
    return [result.title for result in outcome.results.items]


__all__ = ["WikiFactory", "titles"]
