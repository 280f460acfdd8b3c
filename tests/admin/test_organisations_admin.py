"""Organisations administration over HTTP: who gets in, the list, editing and email domains."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.audit.models import AuditEntry
from polka.organisations.models import Organisation, OrganisationDomain
from tests.support import text


def see_commits(session):
    """End the test session's transaction and forget what it loaded, to see the requests' commits."""
    session.rollback()
    session.expire_all()


def org(session, slug):
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


@pytest.fixture
def kent(session, app):
    return org(session, "kent-police")


def pages(kent):
    return ["/admin/organisations", "/admin/organisations/new", f"/admin/organisations/{kent.id}"]


def test_non_administrators_get_404(web, login, kent):
    login.as_new_user()
    for page in pages(kent):
        assert web.get(page).status_code == 404, page


def test_administrator_without_two_factor_is_sent_to_enrol(web, login, make, kent):
    login(make.user(admin=True, two_factor=False))
    for page in pages(kent):
        response = web.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/account/two-factor")


def test_administrator_with_two_factor_sees_the_pages(web, login, kent):
    login.as_admin()
    for page in pages(kent):
        assert web.get(page).status_code == 200, page


def test_list_shows_organisations_with_user_counts(web, login, make, kent):
    make.user(email="a@kent.police.uk")
    make.user(email="b@kent.police.uk")
    login.as_admin()
    body = web.get("/admin/organisations").get_data(as_text=True)
    row = body[body.index("Kent Police") :].split("</tr>")[0]
    assert ">2</td>" in row
    assert "kent.police.uk" in row


def test_unknown_organisation_is_404(web, login):
    login.as_admin()
    assert web.get("/admin/organisations/999999").status_code == 404
    url = "/admin/organisations/999999/domains"
    assert web.post(url, {"domain": "x.police.uk"}, token_from="/admin/organisations").status_code == 404


def test_edit_saves_and_audits(web, login, session, kent):
    admin = login.as_admin()
    response = web.post(
        f"/admin/organisations/{kent.id}",
        {"name": "Kent Police", "kind": "territorial force", "region": "London"},
        token_from=f"/admin/organisations/{kent.id}",
    )
    assert response.status_code == 302
    see_commits(session)
    assert kent.region == "London"
    assert kent.active is False  # the unticked box
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.updated"))
    assert entry.actor_id == admin.id


def test_edit_with_a_taken_name_keeps_what_was_typed(web, login, kent):
    login.as_admin()
    response = web.post(
        f"/admin/organisations/{kent.id}",
        {"name": "Essex Police", "kind": "territorial force", "region": "Wales", "active": "y"},
        token_from=f"/admin/organisations/{kent.id}",
    )
    assert response.status_code == 400
    assert "There is already an organisation called Essex Police" in text(response)
    assert 'value="Essex Police"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x" * 161, "kind": "territorial force", "region": "Wales"},
        {"name": "Kent", "kind": "cartel", "region": "Wales"},
        {"name": "Kent", "kind": "territorial force", "region": "Narnia"},
        {"name": "nul\x00byte", "kind": "territorial force", "region": "Wales"},
        {"name": "", "kind": "territorial force", "region": "Wales"},
    ],
)
def test_edit_refuses_bad_input(web, login, kent, data):
    login.as_admin()
    response = web.post(f"/admin/organisations/{kent.id}", data, token_from=f"/admin/organisations/{kent.id}")
    assert response.status_code == 400
    assert "There is a problem" in text(response)


def test_add_organisation(web, login, session):
    login.as_admin()
    response = web.post(
        "/admin/organisations/new",
        {
            "name": "Regional Organised Crime Unit North West",
            "kind": "national unit",
            "region": "North West",
            "active": "y",
        },
        token_from="/admin/organisations/new",
    )
    assert response.status_code == 302
    see_commits(session)
    created = session.scalar(
        select(Organisation).where(Organisation.name == "Regional Organised Crime Unit North West")
    )
    assert created is not None
    assert response.headers["Location"] == f"/admin/organisations/{created.id}"


def test_add_domain_then_remove_it(web, login, session, kent):
    login.as_admin()
    page = f"/admin/organisations/{kent.id}"
    response = web.post(f"{page}/domains", {"domain": "Intel.Kent.Police.UK"}, token_from=page)
    assert response.status_code == 302
    assert "intel.kent.police.uk" in text(web.get(page))
    see_commits(session)
    row = session.scalar(
        select(OrganisationDomain).where(OrganisationDomain.domain == "intel.kent.police.uk")
    )
    response = web.post(f"{page}/domains/{row.id}/remove", token_from=page)
    assert response.status_code == 302
    see_commits(session)
    gone = select(OrganisationDomain.id).where(OrganisationDomain.domain == "intel.kent.police.uk")
    assert session.scalar(gone) is None
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"organisation.domain_added", "organisation.domain_removed"} <= actions


def test_add_a_domain_another_organisation_has_is_refused(web, login, kent):
    login.as_admin()
    page = f"/admin/organisations/{kent.id}"
    response = web.post(f"{page}/domains", {"domain": "met.police.uk"}, token_from=page)
    assert response.status_code == 400
    assert "met.police.uk already belongs to Metropolitan Police Service" in text(response)


@pytest.mark.parametrize("value", ["not a domain", "x" * 121, "police.uk", "nul\x00.police.uk"])
def test_add_a_bad_domain_is_refused(web, login, kent, value):
    login.as_admin()
    page = f"/admin/organisations/{kent.id}"
    response = web.post(f"{page}/domains", {"domain": value}, token_from=page)
    assert response.status_code == 400
    assert "There is a problem" in text(response)


def test_remove_an_unknown_domain_is_404(web, login, kent):
    login.as_admin()
    page = f"/admin/organisations/{kent.id}"
    assert web.post(f"{page}/domains/999999/remove", token_from=page).status_code == 404


def test_non_administrator_cannot_add_a_domain(web, login, session, kent):
    login.as_new_user()
    response = web.post(
        f"/admin/organisations/{kent.id}/domains", {"domain": "evil.police.uk"}, token_from="/account"
    )
    assert response.status_code == 404
    assert (
        session.scalar(select(OrganisationDomain).where(OrganisationDomain.domain == "evil.police.uk"))
        is None
    )
