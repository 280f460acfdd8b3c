"""Members' names link to their profiles wherever a community page lists them."""

from __future__ import annotations

import pytest

from polka.communities.membership import invite, request_to_join
from polka.communities.models import Role, Visibility
from polka.db import transaction
from tests.support import profile_link


@pytest.fixture
def restricted(make):
    manager = make.user("Mina Manager", two_factor=True)
    return make.community("PNC Operators", visibility=Visibility.RESTRICTED, managers=[manager]), manager


def test_the_members_page_links_each_name_to_a_profile(web, login, make, restricted):
    community, manager = restricted
    member = make.member(community, make.user("Priya Shah"), Role.MEMBER)
    login(member)
    body = web.get(f"/c/{community.slug}/members").get_data(as_text=True)
    assert profile_link(member) in body
    assert profile_link(manager) in body


def test_join_requests_link_to_the_person_asking(web, login, make, session, app, restricted):
    community, manager = restricted
    asker = make.user("Gareth Hughes")
    with transaction(session):
        request_to_join(session, session.merge(asker), session.merge(community), "Hello")
    login(manager)
    assert profile_link(asker) in web.get(f"/c/{community.slug}/requests").get_data(as_text=True)


def test_invitations_link_to_whoever_invited_and_whoever_is_invited(web, login, make, session, restricted):
    community, manager = restricted
    invitee = make.user("Sam Invited")
    with transaction(session):
        invite(
            session,
            session.merge(manager),
            session.merge(community),
            invitee.email,
            Role.MEMBER,
            "",
            base_url="",
        )
    login(invitee)
    assert profile_link(manager) in web.get("/c/invitations").get_data(as_text=True)
    login(manager)
    assert profile_link(invitee) in web.get(f"/c/{community.slug}/invite").get_data(as_text=True)


def test_a_suspended_member_is_named_without_a_link(web, login, make, session, restricted):
    community, manager = restricted
    gone = make.member(community, make.user("Susan Suspended"), Role.MEMBER)
    with transaction(session):
        session.merge(gone).status = type(gone.status).SUSPENDED
    login(manager)
    body = web.get(f"/c/{community.slug}/members").get_data(as_text=True)
    assert "Susan Suspended" in body
    assert f'href="/people/{gone.id}"' not in body
