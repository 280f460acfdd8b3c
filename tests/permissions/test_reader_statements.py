"""The policy's SQL for statements built once for every reader (``visible_to_reader``,
``readable_to_reader``, bound by ``reader_params``) selects what ``visible_filter`` and
``readable_filter`` select for the same user, whoever reads the statement before them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.accounts.models import AccountStatus
from polka.communities.models import Community, Role, Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.permissions import (
    readable_filter,
    readable_to_reader,
    reader_params,
    visible_filter,
    visible_to_reader,
)
from polka.wiki.models import WikiPage

#: built once, as the resolvers' statements are, and read by every user of the test in turn
PAGES = select(WikiPage.id).where(visible_to_reader(WikiPage)).order_by(WikiPage.id)
COMMUNITIES = select(Community.id).where(visible_to_reader(Community)).order_by(Community.id)
READABLE = select(Community.id).where(readable_to_reader()).order_by(Community.id)


@pytest.fixture
def users(make, wiki, session):
    """Pages of both markings in an open, a restricted and a private community, and users who see
    different parts of them."""
    places = [
        make.community(visibility=visibility, ceiling=Marking.OFFICIAL_SENSITIVE) for visibility in Visibility
    ]
    for community in places:
        for marking in Marking:
            wiki.page(community, f"{marking} page", marking=marking)
    suspended = make.member(places[2], role=Role.READER)
    with transaction(session):
        session.merge(suspended).status = AccountStatus.SUSPENDED
    return {
        "outsider": make.user(),
        "reader of the private one": make.member(places[2], role=Role.READER),
        "member of the open one": make.member(places[0]),
        "suspended member": suspended,
        "administrator": make.admin(),
    }


def test_a_statement_built_once_selects_for_each_reader_what_their_own_filter_selects(session, users):
    seen = set()
    for name, user in users.items():
        user = session.merge(user)
        params = reader_params(user)
        expected = [
            list(
                session.scalars(
                    select(WikiPage.id).where(visible_filter(user, WikiPage)).order_by(WikiPage.id)
                )
            ),
            list(
                session.scalars(
                    select(Community.id).where(visible_filter(user, Community)).order_by(Community.id)
                )
            ),
            list(session.scalars(select(Community.id).where(readable_filter(user)).order_by(Community.id))),
        ]
        if params is None:
            assert expected == [[], [], []], name
            continue
        got = [list(session.scalars(statement, params)) for statement in (PAGES, COMMUNITIES, READABLE)]
        assert got == expected, name
        seen.add(tuple(got[0]))
    assert len(seen) == 3, (
        "the readers see different pages (an administrator, an outsider's), so the test tells them apart"
    )


def test_no_reader_is_named_for_an_account_that_may_see_nothing(session, users):
    assert reader_params(None) is None
    assert reader_params(session.merge(users["suspended member"])) is None
    assert reader_params(session.merge(users["outsider"])) is not None
