"""Search test helpers: the wiki's page factory (the first search adapter), and searching as a user."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.search.pg_tables import search_documents, search_journal, search_words
from polka.search.whoosh_backend import WhooshBackend
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


def lose_index(app: Flask) -> None:
    """Throw the search index away, as an operator might lose it (the database keeps the content)."""
    backend = app.extensions["polka.search"].backend
    if isinstance(backend, WhooshBackend):
        backend.close()
        shutil.rmtree(app.extensions["polka.settings"].search_dir / "index")
        return
    with backend.engine.begin() as conn:
        for table in (search_documents, search_words, search_journal):
            conn.execute(delete(table))


def titles(outcome: Outcome) -> list[str]:
    return [result.title for result in outcome.results.items]


__all__ = ["WikiFactory", "lose_index", "titles"]
