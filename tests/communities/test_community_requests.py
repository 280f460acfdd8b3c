"""Asking for a new community, and administrators approving or rejecting the request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from polka.communities.models import Community, CommunityStatus, Role, Visibility
from tests.communities.support import audited, membership_of
from tests.support import text

REQUEST = {
    "name": "Rural Crime",
    "summary": "Farm thefts, wildlife and heritage crime",
    "description": "For **rural** officers.",
    "visibility": "restricted",
    "marking_ceiling": "OFFICIAL",
    "region": "South West",
    "parent": "",
    "reason": "Forty officers across the South West asked for it",
}


def _community(session, name="Rural Crime"):
    session.rollback()
    return session.scalar(select(Community).where(Community.name == name))


def test_any_user_may_ask_for_a_community_which_waits_for_an_administrator(web, login, session):
    user = login.as_new_user()
    response = web.post("/c/request", REQUEST)
    assert response.status_code == 302
    community = _community(session)
    assert community.status is CommunityStatus.REQUESTED
    assert community.requested_by_id == user.id
    assert community.visibility is Visibility.RESTRICTED
    mine = text(web.get("/c/request"))
    assert re.search(r"Your requests .* Rural Crime \d+ \w+ \d{4} Waiting", mine)
    assert len(audited(session, "community.requested")) == 1


def test_a_requested_community_is_not_listed_and_has_no_page(web, login, session):
    login.as_new_user()
    web.post("/c/request", REQUEST)
    web.get("/c/request")  # shows the flash message that names it
    assert "Rural Crime" not in text(web.get("/c/"))
    assert web.get(f"/c/{_community(session).slug}/").status_code == 404


def test_a_request_without_a_reason_is_refused_and_keeps_the_values(web, login, session):
    login.as_new_user()
    response = web.post("/c/request", {**REQUEST, "reason": ""})
    assert response.status_code == 400
    assert "Say why the community is needed" in text(response)
    assert 'value="Rural Crime"' in response.get_data(as_text=True)
    assert _community(session) is None


@pytest.mark.parametrize(
    "changes",
    [{"name": "x" * 121}, {"reason": "x\x00y"}, {"marking_ceiling": "TOP SECRET"}, {"parent": "12345"}],
)
def test_bad_requests_are_a_clear_400(web, login, changes):
    login.as_new_user()
    assert web.post("/c/request", {**REQUEST, **changes}).status_code == 400


def test_a_community_cannot_be_named_after_a_page(web, login, session):
    login.as_new_user()
    web.post("/c/request", {**REQUEST, "name": "Invitations"})
    assert _community(session, "Invitations").slug != "invitations"


@pytest.fixture
def requested(web, login, make, session):
    requester = login.as_new_user(name="Rhys Requester", email="rhys@dyfed-powys.police.uk")
    web.post("/c/request", REQUEST)
    admin = make.admin()
    login(admin)
    return _community(session), requester


def test_administrators_see_the_request_queue(web, requested):
    page = text(web.get("/admin/communities/requests"))
    assert "Rural Crime" in page
    assert "Rhys Requester" in page
    assert "Forty officers" in page


def test_approving_makes_the_community_active_with_the_requester_as_manager(web, session, mailbox, requested):
    community, requester = requested
    response = web.post(
        f"/admin/communities/requests/{community.id}/approve", token_from="/admin/communities/requests"
    )
    assert response.status_code == 302
    assert _community(session).status is CommunityStatus.ACTIVE
    assert membership_of(session, community, requester).role is Role.MANAGER
    [mail] = mailbox.to("rhys@dyfed-powys.police.uk")
    assert "approved" in mailbox.body(mail)
    assert mailbox.link(mail, "/c/") == f"/c/{community.slug}/"
    assert len(audited(session, "community.approved")) == 1


def test_rejecting_needs_a_reason_which_is_emailed(web, session, mailbox, requested):
    community, _requester = requested
    token = "/admin/communities/requests"
    missing = web.post(f"/admin/communities/requests/{community.id}/reject", {"reason": ""}, token_from=token)
    assert missing.status_code == 400
    assert "Give a reason" in text(missing)
    web.post(
        f"/admin/communities/requests/{community.id}/reject",
        {"reason": "Use Neighbourhood Policing"},
        token_from=token,
    )
    assert _community(session).status is CommunityStatus.REJECTED
    [mail] = mailbox.to("rhys@dyfed-powys.police.uk")
    assert "Use Neighbourhood Policing" in mailbox.body(mail)
    assert len(audited(session, "community.rejected")) == 1


def test_a_decided_request_cannot_be_decided_again(web, requested):
    community, _requester = requested
    token = "/admin/communities/requests"
    web.post(f"/admin/communities/requests/{community.id}/approve", token_from=token)
    again = web.post(f"/admin/communities/requests/{community.id}/reject", {"reason": "no"}, token_from=token)
    assert again.status_code == 409


def test_the_admin_list_shows_every_community_with_member_counts(web, login, make):
    hidden = make.community("Hidden Unit", visibility=Visibility.PRIVATE, description="Secret plans")
    make.member(hidden)
    make.member(hidden)
    login.as_admin()
    page = text(web.get("/admin/communities"))
    assert "Hidden Unit Private OFFICIAL Active 2" in page
    assert "Secret plans" not in page


def test_the_admin_pages_are_404_to_non_administrators(web, login):
    login.as_new_user()
    assert web.get("/admin/communities").status_code == 404
    assert web.get("/admin/communities/requests").status_code == 404


def test_an_administrator_without_two_factor_is_sent_to_enrol(web, login, make):
    login(make.user(admin=True, two_factor=False))
    response = web.get("/admin/communities/requests")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/two-factor")
