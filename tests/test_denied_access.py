"""Refusals by the permission policy are written to the audit log; plain misses are not."""

from __future__ import annotations

from sqlalchemy import select

from polka.audit.models import AuditEntry
from polka.communities.models import Role, Visibility
from tests.wiki.conftest import WikiFactory


def denials(session):
    session.rollback()  # a fresh snapshot: see what the request committed
    return session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()


def test_outsider_opening_a_private_community_is_audited(web, login, make, session):
    hidden = make.community("Hidden Unit", visibility=Visibility.PRIVATE)
    outsider = login.as_new_user()
    assert web.get(f"/c/{hidden.slug}/").status_code == 404
    [entry] = denials(session)
    assert entry.actor_id == outsider.id
    assert entry.target_type == "community"
    assert entry.community_id == hidden.id
    assert '"action": "view"' in entry.detail


def test_a_member_opening_the_same_community_is_not_a_denial(web, login, make, session):
    hidden = make.community("Hidden Unit", visibility=Visibility.PRIVATE)
    login.as_member(hidden)
    assert web.get(f"/c/{hidden.slug}/").status_code == 200
    assert denials(session) == []


def test_a_community_that_does_not_exist_is_not_a_denial(web, login, session):
    login.as_new_user()
    assert web.get("/c/no-such-place/").status_code == 404
    assert denials(session) == []


def test_reader_trying_a_managers_page_is_audited(web, login, make, session):
    community = make.community("Open Group")
    login.as_role(community, Role.READER)
    assert web.get(f"/c/{community.slug}/settings").status_code == 403
    [entry] = denials(session)
    assert '"action": "manage"' in entry.detail


def test_non_admin_opening_administration_is_audited(web, login, session):
    login.as_new_user()
    assert web.get("/admin/").status_code == 404
    [entry] = denials(session)
    assert entry.target_type == "site"


def test_a_refused_post_is_audited(web, login, make, session):
    hidden = make.community("Hidden Unit", visibility=Visibility.PRIVATE)
    login.as_new_user()
    assert web.post(f"/c/{hidden.slug}/join", {}).status_code == 404
    [entry] = denials(session)
    assert '"method": "POST"' in entry.detail


def test_a_refusal_about_a_wiki_page_names_the_page_by_its_kind(web, login, make, session):
    community = make.community("Open Group")
    page = WikiFactory(session, make).page(community, "Shift patterns")
    login.as_role(community, Role.READER)
    assert web.get(f"/c/{community.slug}/wiki/{page.slug}/edit").status_code == 403
    [entry] = denials(session)
    assert (entry.target_type, entry.target_id, entry.target_label) == ("wiki.page", str(page.id), page.title)
