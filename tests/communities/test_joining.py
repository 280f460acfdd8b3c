"""Joining an open community, asking to join a restricted one, the managers' queue, leaving."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.communities import membership
from polka.communities.models import JoinRequest, RequestStatus, Role, Visibility
from polka.db import transaction
from polka.errors import Conflict
from tests.communities.support import activity_verbs, audited, membership_of
from tests.support import text


@pytest.fixture
def restricted(make):
    manager = make.user("Mia Manager", email="mia@gmp.police.uk", two_factor=True)
    community = make.community("PNC Operators", visibility=Visibility.RESTRICTED, managers=[manager])
    return community, manager


def _requests(session, community):
    session.rollback()
    return list(session.scalars(select(JoinRequest).where(JoinRequest.community_id == community.id)))


def test_joining_an_open_community_is_immediate_and_recorded(web, login, make, session):
    community = make.community("Open")
    user = login.as_new_user()
    response = web.post(f"/c/{community.slug}/join")
    assert response.status_code == 302
    assert membership_of(session, community, user).role is Role.MEMBER
    assert "You have joined Open" in text(web.get(response.headers["Location"]))
    assert [e.target_id for e in audited(session, "membership.added")][-1] == str(user.id)
    assert activity_verbs(session, community).count("joined") == 1


def test_joining_a_restricted_community_directly_is_refused(web, login, session, restricted):
    community, _manager = restricted
    user = login.as_new_user()
    assert web.post(f"/c/{community.slug}/join").status_code == 403
    assert membership_of(session, community, user) is None


def test_asking_to_join_sends_the_request_and_emails_the_managers(web, login, session, mailbox, restricted):
    community, _manager = restricted
    user = login.as_new_user(name="Nia Newcomer")
    response = web.post(f"/c/{community.slug}/request", {"message": "I run PNC training in Kent"})
    assert response.status_code == 302
    [request] = _requests(session, community)
    assert (request.user_id, request.status, request.message) == (
        user.id,
        RequestStatus.PENDING,
        "I run PNC training in Kent",
    )
    [mail] = mailbox.to("mia@gmp.police.uk")
    assert "Nia Newcomer" in mail["Subject"]
    assert mailbox.link(mail, "/requests") == f"/c/{community.slug}/requests"
    assert len(audited(session, "join_request.created")) == 1


def test_only_one_pending_request_at_a_time(web, login, session, restricted):
    community, _manager = restricted
    login.as_new_user()
    web.post(f"/c/{community.slug}/request", {"message": "first"})
    response = web.post(f"/c/{community.slug}/request", {"message": "second"})
    assert response.status_code == 409
    assert "already asked" in text(response)
    assert len(_requests(session, community)) == 1


def test_an_over_long_message_is_refused_and_kept(web, login, session, restricted):
    community, _manager = restricted
    login.as_new_user()
    response = web.post(f"/c/{community.slug}/request", {"message": "x" * 2001})
    assert response.status_code == 400
    assert "must be 2,000 characters or fewer" in text(response)
    assert "x" * 2001 in response.get_data(as_text=True)
    assert _requests(session, community) == []


def test_a_nul_byte_in_the_message_is_refused(web, login, session, restricted):
    community, _manager = restricted
    login.as_new_user()
    response = web.post(f"/c/{community.slug}/request", {"message": "a\x00b"})
    assert response.status_code == 400
    assert "cannot be stored" in text(response)


def test_the_requester_can_withdraw(web, login, session, restricted):
    community, _manager = restricted
    login.as_new_user()
    web.post(f"/c/{community.slug}/request", {"message": ""})
    assert web.post(f"/c/{community.slug}/request/withdraw").status_code == 302
    [request] = _requests(session, community)
    assert request.status is RequestStatus.WITHDRAWN
    assert "Ask to join" in text(web.get(f"/c/{community.slug}/"))


def test_the_queue_shows_pending_requests_to_managers(web, login, restricted):
    community, manager = restricted
    login.as_new_user(name="Nia Newcomer")
    web.post(f"/c/{community.slug}/request", {"message": "I run PNC training"})
    login(manager)
    page = text(web.get(f"/c/{community.slug}/requests"))
    assert "Nia Newcomer" in page
    assert "I run PNC training" in page


def test_approving_makes_a_member_and_emails_a_link(web, login, session, mailbox, restricted):
    community, manager = restricted
    user = login.as_new_user()
    web.post(f"/c/{community.slug}/request", {"message": ""})
    [request] = _requests(session, community)
    login(manager)
    response = web.post(
        f"/c/{community.slug}/requests/{request.id}", {"decision": "approve", "message": "Welcome aboard"}
    )
    assert response.status_code == 302
    assert membership_of(session, community, user).role is Role.MEMBER
    [mail] = mailbox.to(user.email)
    assert "approved" in mailbox.body(mail)
    assert "Welcome aboard" in mailbox.body(mail)
    assert mailbox.link(mail, "/c/") == f"/c/{community.slug}/"
    assert len(audited(session, "join_request.approved")) == 1
    assert "joined" in activity_verbs(session, community)


def test_declining_keeps_them_out_and_tells_them(web, login, session, mailbox, restricted):
    community, manager = restricted
    user = login.as_new_user()
    web.post(f"/c/{community.slug}/request", {"message": ""})
    [request] = _requests(session, community)
    login(manager)
    web.post(f"/c/{community.slug}/requests/{request.id}", {"decision": "decline", "message": "Kent only"})
    assert membership_of(session, community, user) is None
    assert _requests(session, community)[0].status is RequestStatus.DECLINED
    [mail] = mailbox.to(user.email)
    assert "declined" in mailbox.body(mail)
    assert "Kent only" in mailbox.body(mail)
    assert len(audited(session, "join_request.declined")) == 1


def test_a_decision_without_approve_or_decline_is_a_clear_error(web, login, session, restricted):
    community, manager = restricted
    login.as_new_user()
    web.post(f"/c/{community.slug}/request", {"message": ""})
    [request] = _requests(session, community)
    login(manager)
    response = web.post(f"/c/{community.slug}/requests/{request.id}", {"message": "hmm"})
    assert response.status_code == 400
    assert "Choose Approve or Decline" in text(response)


def test_a_request_cannot_be_decided_twice(session, make, restricted):
    community, manager = restricted
    user = make.user()
    with transaction(session):
        request = membership.request_to_join(session, user, community, "")
    with transaction(session):
        membership.decide_join_request(session, manager, community, request.id, approve=False, message="")
    with pytest.raises(Conflict), transaction(session):
        membership.decide_join_request(session, manager, community, request.id, approve=True, message="")


def test_a_member_cannot_see_the_queue(web, login, restricted):
    community, _manager = restricted
    login.as_member(community)
    assert web.get(f"/c/{community.slug}/requests").status_code == 403


def test_leaving_ends_the_membership_and_is_audited(web, login, session, make):
    community = make.community("Open", managers=[make.user()])
    user = login.as_member(community)
    response = web.post(f"/c/{community.slug}/leave")
    assert response.status_code == 302
    assert membership_of(session, community, user) is None
    assert len(audited(session, "membership.left")) == 1


def test_leaving_a_private_community_goes_back_to_the_index(web, login, make):
    community = make.community("Hidden", visibility=Visibility.PRIVATE, managers=[make.user()])
    login.as_member(community)
    response = web.post(f"/c/{community.slug}/leave")
    assert response.headers["Location"] == "/c/"
    assert web.get(f"/c/{community.slug}/").status_code == 404


def test_a_non_member_cannot_leave(web, login, make):
    community = make.community("Open")
    login.as_new_user()
    assert web.post(f"/c/{community.slug}/leave").status_code == 403
