"""The work every signed-in request pays before its view: the session, the user and their memberships
in one statement, permission checks that read nothing, and changes that count from the next request."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import select

from polka.accounts import sessions
from polka.communities.membership import change_role
from polka.communities.models import Membership, Role
from polka.db import transaction
from polka.permissions import Action, can, offers, role_in
from tests.accounts.conftest import fresh
from tests.support import statements_run


def statements(app: Any) -> AbstractContextManager[list[str]]:
    """The SQL statements run meanwhile (BEGIN and friends are not statements)."""
    return statements_run(app, keep=lambda statement: not statement.startswith("BEGIN"))


def test_the_session_the_user_and_their_memberships_come_in_one_statement(app, make, session, conf):
    user = make.user()
    communities = [make.community() for _ in range(4)]
    for community in communities:
        make.member(community, user)
    with transaction(session):
        token = sessions.start_session(session, user)
    ids = sorted(c.id for c in communities)
    fresh(session).expunge_all()
    with statements(app) as seen:
        found = sessions.find_session(session, token, idle=conf.session_idle, absolute=conf.session_absolute)
        assert found is not None
        signed = found.user
        assert sorted(m.community_id for m in signed.memberships) == ids
        assert signed.organisation is not None
        for membership in signed.memberships:
            community = membership.community
            assert role_in(signed, community.id) is Role.MEMBER
            assert can(signed, Action.VIEW, community)
            assert can(signed, Action.CONTRIBUTE, community)
            assert not can(signed, Action.MANAGE, community)
            assert not offers(signed, Action.MODERATE, community)
    assert len(seen) == 1, seen


def _page_statements(app, web, path):
    web.get(path)  # the first request of a process does one-off work (the search outbox)
    with statements(app) as seen:
        assert web.get(path).status_code == 200
    return len(seen)


def test_a_page_reads_no_more_for_a_member_of_many_communities(app, web, login, make):
    communities = [make.community() for _ in range(6)]
    one = login.as_member(communities[0])
    counts_one = {path: _page_statements(app, web, path) for path in ("/c/", "/account", "/")}
    web.client.delete_cookie("polka_session")
    many = make.user()
    for community in communities:
        make.member(community, many)
    login(many)
    counts_many = {path: _page_statements(app, web, path) for path in ("/c/", "/account", "/")}
    assert one.id != many.id
    assert counts_many == counts_one


def _settings_page(web, community):
    return web.get(f"/c/{community.slug}/settings").status_code


def test_a_new_role_counts_from_the_very_next_request(app, web, login, make, session):
    manager = make.user(two_factor=True)
    community = make.community(managers=[manager])
    member = make.user(two_factor=True)
    make.member(community, member)
    login(member)
    assert _settings_page(web, community) in (403, 404)
    membership_id = session.scalar(
        select(Membership.id).where(Membership.user_id == member.id, Membership.community_id == community.id)
    )
    with transaction(fresh(session)):
        change_role(session, manager, community, membership_id, Role.MANAGER)
    assert _settings_page(web, community) == 200
    with transaction(fresh(session)):
        change_role(session, manager, community, membership_id, Role.MEMBER)
    assert _settings_page(web, community) in (403, 404)
