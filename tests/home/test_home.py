"""The home page: my communities, recent activity through the permission policy, things waiting."""

from __future__ import annotations

import re

import pytest

from polka.activity.services import record_activity
from polka.communities.models import Invitation, JoinRequest, RequestStatus, Role, Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.people.services import ProfileChanges, update_profile
from tests.support import text


def activity(session, wiki, community, title, *, marking=Marking.OFFICIAL, actor=None):
    """A wiki page ``title`` by ``actor`` (or a new moderator), and an event of its being shared."""
    page = wiki.page(community, title, marking=marking, author=actor)
    with transaction(session):
        record_activity(
            session,
            session.merge(actor) if actor is not None else None,
            "shared",
            session.merge(community),
            target_kind="wiki.page",
            target_id=page.id,
        )
    return page


def test_home_lists_my_communities_only(web, login, make):
    mine = make.community("Neighbourhood Policing")
    make.community("Digital Engagement")
    login.as_member(mine)
    page = text(web.get("/"))
    assert "My communities" in page
    assert "Neighbourhood Policing" in page
    assert "Digital Engagement" not in page


def test_home_without_communities_says_how_to_find_one(web, login):
    login.as_new_user()
    response = web.get("/")
    assert "You have not joined any communities yet" in text(response)
    assert 'href="/c/"' in response.get_data(as_text=True)


def test_home_asks_to_complete_an_empty_profile(web, login):
    login.as_new_user()
    response = web.get("/")
    assert "complete your profile" in text(response)
    assert 'href="/people/me/edit"' in response.get_data(as_text=True)


def test_home_does_not_nag_about_a_complete_profile(web, login, make, session):
    user = make.user()
    with transaction(session):
        update_profile(
            session,
            user,
            ProfileChanges(job_title="Analyst", expertise="ANPR", organisation_id=user.organisation_id),
        )
    login(user)
    assert "complete your profile" not in text(web.get("/"))


def test_home_with_no_activity_says_so(web, login):
    login.as_new_user()
    assert "There is no activity to show yet" in text(web.get("/"))


# Activity through the policy ---------------------------------------------------------------------


@pytest.fixture
def world(make, session, wiki):
    """An open, a restricted and a private community, each with a member and some activity."""
    author = make.user("Author Person")
    open_ = make.community("Open Community", ceiling=Marking.OFFICIAL_SENSITIVE)
    restricted = make.community("Restricted Community", visibility=Visibility.RESTRICTED)
    private = make.community(
        "Private Community", visibility=Visibility.PRIVATE, ceiling=Marking.OFFICIAL_SENSITIVE
    )
    for community in (open_, restricted, private):
        make.member(community, author)
    activity(session, wiki, open_, "Open everyday page", actor=author)
    activity(session, wiki, open_, "Open sensitive page", marking=Marking.OFFICIAL_SENSITIVE, actor=author)
    activity(session, wiki, restricted, "Restricted page", actor=author)
    activity(session, wiki, private, "Private page", actor=author)
    return {"open": open_, "restricted": restricted, "private": private, "author": author}


def test_outsider_sees_open_official_activity(web, login, world):
    login.as_new_user()
    page = text(web.get("/"))
    assert "Author Person shared Open everyday page in Open Community" in page


def test_outsider_does_not_see_sensitive_activity_in_an_open_community(web, login, world):
    login.as_new_user()
    assert "Open sensitive page" not in text(web.get("/"))


def test_member_sees_sensitive_activity_in_their_open_community_with_its_marking(web, login, world):
    login.as_member(world["open"])
    page = text(web.get("/"))
    assert "Open sensitive page" in page
    assert "OFFICIAL-SENSITIVE" in page


def test_outsider_does_not_see_restricted_or_private_activity(web, login, world):
    login.as_new_user()
    page = text(web.get("/"))
    assert "Restricted page" not in page
    assert "Private page" not in page
    assert "Private Community" not in page


def test_member_of_a_private_community_sees_its_activity(web, login, world):
    login.as_member(world["private"])
    page = text(web.get("/"))
    assert "Private page" in page
    assert "Private Community" in page


def test_activity_links_to_its_target_the_actor_and_the_community(web, login, world):
    login.as_new_user()
    body = web.get("/").get_data(as_text=True)
    assert 'href="/c/open-community/wiki/open-everyday-page">Open everyday page</a>' in body
    assert 'href="/c/open-community/">Open Community</a>' in body
    assert f'href="/people/{world["author"].id}"' in body


def test_activity_never_links_to_an_off_site_or_script_url(web, login, make, session, wiki):
    # Addresses are made by url_for when the stream is read: nothing a row holds becomes a link.
    community = make.community("Open Community")
    activity(session, wiki, community, "javascript:alert(1)")
    activity(session, wiki, community, "//evil.example/")
    login.as_new_user()
    body = web.get("/").get_data(as_text=True)
    assert "javascript:alert(1)</a>" in body
    links = re.findall(r'<a class="govuk-link" href="([^"]*)">(?:javascript|//evil)', body)
    assert links
    assert all(link.startswith("/c/open-community/") for link in links), links


# Things waiting for me ---------------------------------------------------------------------------


@pytest.fixture
def join_requests(make, session):
    restricted = make.community("PNC Operators", visibility=Visibility.RESTRICTED)
    with transaction(session):
        for name in ("Asker One", "Asker Two"):
            asker = make.user(name)
            session.add(JoinRequest(community_id=restricted.id, user_id=asker.id, message="Please"))
    return restricted


def test_manager_sees_join_requests_waiting(web, login, join_requests):
    login.as_manager(join_requests)
    response = web.get("/")
    assert "2 people have asked to join PNC Operators" in text(response)
    assert f'href="/c/{join_requests.slug}/requests"' in response.get_data(as_text=True)


def test_member_does_not_see_join_requests(web, login, join_requests):
    login.as_member(join_requests)
    assert "asked to join" not in text(web.get("/"))


def test_decided_join_requests_are_not_waiting(web, login, join_requests, session):
    with transaction(session):
        for join_request in session.query(JoinRequest).all():
            join_request.status = RequestStatus.DECLINED
    login.as_manager(join_requests)
    assert "asked to join" not in text(web.get("/"))


@pytest.fixture
def invitation(make, session):
    manager = make.user("Inviting Manager", two_factor=True)
    private = make.community("Forensics Practitioners", visibility=Visibility.PRIVATE, managers=[manager])
    invitee = make.user("Invited Person")
    with transaction(session):
        row = Invitation(
            community_id=private.id, user_id=invitee.id, invited_by_id=manager.id, role=Role.MEMBER
        )
        session.add(row)
    return {"invitation": row, "invitee": invitee, "community": private}


def test_invitee_sees_their_invitation(web, login, invitation):
    login(invitation["invitee"])
    response = web.get("/")
    assert "You are invited to join Forensics Practitioners by Inviting Manager" in text(response)
    assert 'href="/c/invitations"' in response.get_data(as_text=True)


def test_someone_else_does_not_see_the_invitation(web, login, invitation):
    login.as_new_user()
    page = text(web.get("/"))
    assert "invited" not in page
    assert "Forensics Practitioners" not in page


def test_an_answered_invitation_is_not_waiting(web, login, invitation, session):
    with transaction(session):
        invitation["invitation"].status = RequestStatus.DECLINED
    login(invitation["invitee"])
    assert "invited" not in text(web.get("/"))


def test_joining_reads_as_joining_the_community(web, login, make):
    community = make.community("Neighbourhood Policing")
    make.member(community, make.user("Kate Wilson"))
    login.as_new_user()
    page = text(web.get("/"))
    assert "Kate Wilson joined Neighbourhood Policing" in page
    assert "joined Neighbourhood Policing in Neighbourhood Policing" not in page


def test_official_activity_goes_without_a_marking_tag(web, login, world):
    login.as_new_user()
    assert "OFFICIAL" not in text(web.get("/")).replace("OFFICIAL-SENSITIVE", "")
