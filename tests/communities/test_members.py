"""The members page, roles and removal, the last-manager rule, and two-factor for managers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.audit.models import AuditEntry
from polka.communities import membership
from polka.communities.models import Membership, Role, Visibility
from polka.db import transaction
from polka.errors import Conflict, Forbidden
from tests.support import text


def _membership(session, community, user):
    session.rollback()  # end the read snapshot so the web request's commits are seen
    return session.scalar(
        select(Membership).where(Membership.community_id == community.id, Membership.user_id == user.id)
    )


def _audited(session, action):
    session.rollback()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def team(make):
    manager = make.user("Mia Manager", two_factor=True)
    community = make.community("Team", visibility=Visibility.RESTRICTED, managers=[manager])
    member = make.member(community, make.user("Sam Member"), Role.MEMBER)
    return community, manager, member


def test_members_page_lists_name_organisation_role_and_joined(web, login, team):
    community, _manager, member = team
    login(member)
    page = text(web.get(f"/c/{community.slug}/members"))
    assert "Mia Manager Metropolitan Police Service Manager" in page
    assert "Sam Member Metropolitan Police Service Member" in page
    assert "Change role" not in page
    assert "Remove" not in page


def test_members_page_is_403_to_a_non_member_of_a_restricted_community(web, login, team):
    community, _manager, _member = team
    login.as_new_user()
    assert web.get(f"/c/{community.slug}/members").status_code == 403


def test_manager_changes_a_role(web, login, session, team):
    community, manager, member = team
    login(manager)
    target = _membership(session, community, member)
    response = web.post(f"/c/{community.slug}/members/{target.id}/role", {"role": "moderator"})
    assert response.status_code == 302
    assert _membership(session, community, member).role is Role.MODERATOR
    [entry] = _audited(session, "membership.role_changed")
    assert '"new": "moderator"' in entry.detail
    assert '"old": "member"' in entry.detail


def test_a_member_cannot_change_a_role(web, login, session, team):
    community, _manager, member = team
    login(member)
    target = _membership(session, community, member)
    response = web.post(f"/c/{community.slug}/members/{target.id}/role", {"role": "manager"})
    assert response.status_code == 403
    assert _membership(session, community, member).role is Role.MEMBER


def test_an_unknown_role_is_a_clear_error(web, login, session, team):
    community, manager, member = team
    login(manager)
    target = _membership(session, community, member)
    response = web.post(f"/c/{community.slug}/members/{target.id}/role", {"role": "overlord"})
    assert response.status_code == 400
    assert "Choose a role" in text(response)


def test_a_membership_of_another_community_is_404(web, login, make, session, team):
    community, manager, _member = team
    elsewhere = make.community("Elsewhere")
    stranger = make.member(elsewhere)
    login(manager)
    target = _membership(session, elsewhere, stranger)
    assert web.post(f"/c/{community.slug}/members/{target.id}/remove").status_code == 404
    assert _membership(session, elsewhere, stranger) is not None


def test_manager_removes_a_member(web, login, session, team):
    community, manager, member = team
    login(manager)
    target = _membership(session, community, member)
    response = web.post(f"/c/{community.slug}/members/{target.id}/remove")
    assert response.status_code == 302
    assert _membership(session, community, member) is None
    assert len(_audited(session, "membership.removed")) == 1


def test_the_last_manager_cannot_be_removed(web, login, session, team):
    community, manager, _member = team
    login(manager)
    target = _membership(session, community, manager)
    response = web.post(f"/c/{community.slug}/members/{target.id}/remove")
    assert response.status_code == 409
    assert "must keep at least one manager" in text(response)
    assert _membership(session, community, manager) is not None


def test_the_last_manager_cannot_be_demoted(web, login, session, team):
    community, manager, _member = team
    login(manager)
    target = _membership(session, community, manager)
    response = web.post(f"/c/{community.slug}/members/{target.id}/role", {"role": "member"})
    assert response.status_code == 409
    assert _membership(session, community, manager).role is Role.MANAGER


def test_the_last_manager_cannot_leave(web, login, session, team):
    community, manager, _member = team
    login(manager)
    response = web.post(f"/c/{community.slug}/leave")
    assert response.status_code == 409
    assert "must keep at least one manager" in text(response)


def test_a_manager_may_step_down_when_there_is_another(web, login, make, session, team):
    community, manager, _member = team
    make.member(community, make.user(), Role.MANAGER)
    login(manager)
    target = _membership(session, community, manager)
    response = web.post(f"/c/{community.slug}/members/{target.id}/role", {"role": "member"})
    assert response.status_code == 302
    assert _membership(session, community, manager).role is Role.MEMBER


def test_service_refuses_demoting_the_last_manager(session, make, team):
    community, manager, _member = team
    target = _membership(session, community, manager)
    with pytest.raises(Conflict), transaction(session):
        membership.change_role(session, manager, community, target.id, Role.READER)


def test_service_refuses_a_moderator_managing(session, make, team):
    community, _manager, _member = team
    moderator = make.member(community, make.user(), Role.MODERATOR)
    target = _membership(session, community, moderator)
    with pytest.raises(Forbidden), transaction(session):
        membership.remove_member(session, moderator, community, target.id)


def test_an_unenrolled_manager_is_sent_to_set_up_two_factor(web, login, make, session):
    manager = make.user(two_factor=False)
    community = make.community("Team", managers=[manager])
    member = make.member(community)
    login(manager)
    target = _membership(session, community, member)
    for response in (
        web.get(f"/c/{community.slug}/settings"),
        web.get(f"/c/{community.slug}/requests"),
        web.post(f"/c/{community.slug}/members/{target.id}/remove"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/two-factor")
    assert _membership(session, community, member) is not None


def test_an_unenrolled_non_manager_gets_403_not_the_two_factor_page(web, login, make):
    community = make.community("Team")
    login.as_member(community)
    assert web.get(f"/c/{community.slug}/settings").status_code == 403


def test_an_unenrolled_outsider_of_a_private_community_gets_404_not_the_two_factor_page(web, login, make):
    community = make.community("Hidden", visibility=Visibility.PRIVATE)
    login.as_new_user()
    assert web.get(f"/c/{community.slug}/settings").status_code == 404


def test_a_large_community_lists_its_members_a_page_at_a_time(web, login, make, session, monkeypatch):
    monkeypatch.setattr(membership, "MEMBERS_PER_PAGE", 3)
    community = make.community("Big Group")
    for n in range(5):
        make.member(community, make.user(f"Person {n}"))
    login.as_member(community)
    first = text(web.get(f"/c/{community.slug}/members"))
    second = text(web.get(f"/c/{community.slug}/members?page=2"))
    assert "6 members" in first
    assert "Next page" in first
    assert "Previous page" in second
    shown = [name for name in (f"Person {n}" for n in range(5)) if name in first or name in second]
    assert len(shown) == 5
