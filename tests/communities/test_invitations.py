"""Invitations: managers invite existing users by email; the invitee accepts or declines."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.communities.models import Invitation, RequestStatus, Role, Visibility
from tests.communities.support import audited, membership_of
from tests.support import text

SENT = "If the address belongs to a POLKA user, they have been sent an invitation."


@pytest.fixture
def private(make):
    manager = make.user("Mia Manager", two_factor=True)
    community = make.community("Forensics", visibility=Visibility.PRIVATE, managers=[manager])
    return community, manager


def _invitations(session, community):
    session.rollback()
    return list(session.scalars(select(Invitation).where(Invitation.community_id == community.id)))


def test_inviting_an_existing_user_emails_them_a_link(web, login, make, session, mailbox, private):
    community, manager = private
    invitee = make.user("Ivy Invitee", email="ivy@kent.police.uk")
    login(manager)
    response = web.post(
        f"/c/{community.slug}/invite",
        {"email": "IVY@kent.police.uk", "role": "moderator", "message": "Join us"},
    )
    assert response.status_code == 302
    assert SENT in text(web.get(response.headers["Location"]))
    [invitation] = _invitations(session, community)
    assert (invitation.user_id, invitation.role) == (invitee.id, Role.MODERATOR)
    [mail] = mailbox.to("ivy@kent.police.uk")
    assert "Forensics" in mail["Subject"]
    assert "Join us" in mailbox.body(mail)
    assert mailbox.link(mail, "/c/invitations") == "/c/invitations"
    assert len(audited(session, "invitation.created")) == 1


def test_an_unknown_address_gets_the_same_answer_and_no_mail(web, login, session, mailbox, private):
    community, manager = private
    login(manager)
    response = web.post(f"/c/{community.slug}/invite", {"email": "nobody@kent.police.uk", "role": "member"})
    assert response.status_code == 302
    assert SENT in text(web.get(response.headers["Location"]))
    assert _invitations(session, community) == []
    assert mailbox.to("nobody@kent.police.uk") == []


def test_an_invalid_address_is_a_form_error_that_keeps_what_was_typed(web, login, private):
    community, manager = private
    login(manager)
    response = web.post(f"/c/{community.slug}/invite", {"email": "not-an-email", "role": "member"})
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in text(response)
    assert 'value="not-an-email"' in response.get_data(as_text=True)


def test_a_member_cannot_invite(web, login, make, private):
    community, _manager = private
    make.user(email="ivy@kent.police.uk")
    login.as_member(community)
    assert (
        web.post(f"/c/{community.slug}/invite", {"email": "ivy@kent.police.uk", "role": "member"}).status_code
        == 403
    )


def test_the_invitee_sees_and_accepts_the_invitation(web, login, make, session, private):
    community, manager = private
    invitee = make.user("Ivy Invitee", email="ivy@kent.police.uk")
    login(manager)
    web.post(f"/c/{community.slug}/invite", {"email": "ivy@kent.police.uk", "role": "reader"})
    login(invitee)
    assert web.get(f"/c/{community.slug}/").status_code == 404  # still invisible until accepted
    page = text(web.get("/c/invitations"))
    assert "Forensics" in page
    assert "Mia Manager invited you as a reader" in page
    [invitation] = _invitations(session, community)
    response = web.post(f"/c/invitations/{invitation.id}/accept", token_from="/c/invitations")
    assert response.headers["Location"] == f"/c/{community.slug}/"
    assert membership_of(session, community, invitee).role is Role.READER
    assert web.get(f"/c/{community.slug}/").status_code == 200
    assert len(audited(session, "invitation.accepted")) == 1


def test_the_invitee_may_decline(web, login, make, session, private):
    community, manager = private
    invitee = make.user(email="ivy@kent.police.uk")
    login(manager)
    web.post(f"/c/{community.slug}/invite", {"email": "ivy@kent.police.uk", "role": "member"})
    login(invitee)
    [invitation] = _invitations(session, community)
    web.post(f"/c/invitations/{invitation.id}/decline", token_from="/c/invitations")
    assert membership_of(session, community, invitee) is None
    assert _invitations(session, community)[0].status is RequestStatus.DECLINED
    assert "no invitations waiting" in text(web.get("/c/invitations"))


def test_someone_else_cannot_accept_an_invitation(web, login, make, session, private):
    community, manager = private
    make.user(email="ivy@kent.police.uk")
    login(manager)
    web.post(f"/c/{community.slug}/invite", {"email": "ivy@kent.police.uk", "role": "member"})
    thief = login.as_new_user()
    [invitation] = _invitations(session, community)
    assert web.post(f"/c/invitations/{invitation.id}/accept", token_from="/c/invitations").status_code == 404
    assert membership_of(session, community, thief) is None


def test_a_manager_can_withdraw_a_pending_invitation(web, login, make, session, private):
    community, manager = private
    make.user(email="ivy@kent.police.uk")
    login(manager)
    web.post(f"/c/{community.slug}/invite", {"email": "ivy@kent.police.uk", "role": "member"})
    [invitation] = _invitations(session, community)
    response = web.post(f"/c/{community.slug}/invitations/{invitation.id}/cancel")
    assert response.status_code == 302
    assert _invitations(session, community)[0].status is RequestStatus.WITHDRAWN
    assert len(audited(session, "invitation.withdrawn")) == 1


def test_a_private_community_cannot_be_joined_or_requested(web, login, private):
    community, _manager = private
    login.as_new_user()
    assert web.post(f"/c/{community.slug}/join").status_code == 404
    assert web.post(f"/c/{community.slug}/request", {"message": ""}).status_code == 404
