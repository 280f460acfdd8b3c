"""Administering accounts: the pending queue, and suspending, reactivating and promoting users."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from polka.accounts import services
from polka.accounts.models import AccountStatus, User
from polka.audit.models import AuditEntry
from polka.db import transaction
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from tests.accounts.conftest import fresh, register
from tests.conftest import PASSWORD
from tests.support import Web, text


@pytest.fixture
def applicant(web, make, mailbox, session):
    """An outside registration, verified, waiting for an administrator."""
    sponsor = make.user(email="sponsor@met.police.uk", name="Sue Sponsor")
    register(
        web,
        name="Sam Outsider",
        email="sam@example.org",
        sponsor_email=sponsor.email,
        reason="Forensic supplier",
    )
    link = mailbox.link(mailbox.to("sam@example.org")[0], "/verify/")
    web.post(link, token_from=link)
    web.client.delete_cookie("polka_session")
    return fresh(session).scalar(select(User).where(User.email == "sam@example.org"))


def _get(session, user):
    return fresh(session).get(User, user.id)


def _actions(session):
    return fresh(session).scalars(select(AuditEntry.action)).all()


# --- Rules at the service level -------------------------------------------------------------------


def test_approving_activates_a_pending_account(session, make, applicant, conf):
    admin = make.admin()
    with transaction(fresh(session)):
        services.approve_account(session, session.get(User, admin.id), session.get(User, applicant.id), conf)
    assert _get(session, applicant).is_active_account
    assert "account.approved" in _actions(session)


def test_only_a_pending_account_can_be_approved(session, make, conf):
    admin, user = make.admin(), make.user()
    with pytest.raises(Conflict), transaction(session):
        services.approve_account(session, admin, user, conf)


def test_rejecting_needs_a_reason(session, make, applicant, conf):
    admin = make.admin()
    with pytest.raises(ValidationError), transaction(fresh(session)):
        services.reject_account(
            session, session.get(User, admin.id), session.get(User, applicant.id), "  ", conf
        )


def test_rejecting_records_the_reason(session, make, applicant, conf):
    admin = make.admin()
    with transaction(fresh(session)):
        services.reject_account(
            session, session.get(User, admin.id), session.get(User, applicant.id), "Unknown", conf
        )
    rejected = _get(session, applicant)
    assert rejected.status is AccountStatus.REJECTED
    assert rejected.decision_reason == "Unknown"


def test_a_non_administrator_cannot_use_these_powers(session, make, applicant, conf):
    someone = make.user(two_factor=True)
    with pytest.raises(NotFound), transaction(fresh(session)):
        services.approve_account(
            session, session.get(User, someone.id), session.get(User, applicant.id), conf
        )


def test_an_administrator_cannot_suspend_themselves(session, make):
    admin = make.admin()
    with pytest.raises(Forbidden), transaction(session):
        services.suspend_user(session, admin, admin, "Testing")


def test_an_administrator_cannot_revoke_their_own_rights(session, make):
    admin = make.admin()
    with pytest.raises(Forbidden), transaction(session):
        services.set_admin(session, admin, admin, False)


def test_an_administrator_can_revoke_another_administrator(session, make):
    admin, other = make.admin(), make.admin("Other Admin")
    with transaction(session):
        services.set_admin(session, admin, other, False)
    assert not _get(session, other).is_admin
    assert "user.admin_revoked" in _actions(session)


def test_suspending_then_reactivating_restores_access(session, make):
    admin, user = make.admin(), make.user()
    with transaction(session):
        services.suspend_user(session, admin, user, "On leave")
    assert not _get(session, user).is_active_account
    with transaction(fresh(session)):
        services.reactivate_user(session, session.get(User, admin.id), session.get(User, user.id))
    assert _get(session, user).is_active_account
    assert {"user.suspended", "user.reactivated"} <= set(_actions(session))


def test_only_an_active_account_can_be_made_administrator(session, make):
    admin, user = make.admin(), make.user()
    with transaction(fresh(session)):
        session.execute(update(User).where(User.id == user.id).values(status=AccountStatus.SUSPENDED))
    with pytest.raises(Conflict), transaction(fresh(session)):
        services.set_admin(session, session.get(User, admin.id), session.get(User, user.id), True)


def test_search_finds_by_name_or_email_and_filters_by_status(session, make):
    admin = make.admin()
    make.user("Alice Archer", email="alice@met.police.uk")
    make.user("Bob Baker", email="bob.archer@kent.police.uk")
    make.user("Carol Clark")
    found = services.search_users(session, admin, query="archer")
    assert found.total == 2
    assert {u.name for u in found.items} == {"Alice Archer", "Bob Baker"}
    suspended = services.search_users(session, admin, status=AccountStatus.SUSPENDED).total
    assert suspended == 0


def test_search_treats_wildcards_literally(session, make):
    admin = make.admin()
    make.user("Alice Archer")
    assert services.search_users(session, admin, query="%").total == 0
    assert services.search_users(session, admin, query="_").total == 0


def test_search_finds_wildcard_characters_as_typed(session, make):
    admin = make.admin()
    make.user("Data_Team 100%")
    make.user("Data Team 1000")
    found = services.search_users(session, admin, query="a_t")
    assert [u.name for u in found.items] == ["Data_Team 100%"]
    assert [u.name for u in services.search_users(session, admin, query="100%").items] == ["Data_Team 100%"]


def test_search_pages_through_results(session, make):
    admin = make.admin()
    for n in range(5):
        make.user(f"Person {n}")
    page_one = services.search_users(session, admin, query="person", per_page=2, page=1)
    page_three = services.search_users(session, admin, query="person", per_page=2, page=3)
    assert page_one.total == 5
    assert len(page_one.items) == 2
    assert len(page_three.items) == 1


# --- Over HTTP -------------------------------------------------------------------------------------


def test_the_pending_page_shows_who_is_waiting(web, login, applicant):
    login.as_admin()
    page = web.get("/admin/accounts/pending")
    assert page.status_code == 200
    shown = text(page)
    for expected in (
        "Sam Outsider",
        "sam@example.org",
        "Confirmed",
        "sponsor@met.police.uk",
        "Active member",
        "Forensic supplier",
    ):
        assert expected in shown


def test_the_pending_list_says_whose_email_address_is_confirmed(web, login, applicant, session):
    register(
        web,
        name="Una Unconfirmed",
        email="una@example.org",
        sponsor_email="sponsor@met.police.uk",
        reason="Audit",
    )
    web.client.delete_cookie("polka_session")
    fresh(session)
    login.as_admin()
    shown = text(web.get("/admin/accounts/pending"))
    assert "2 accounts waiting, oldest first Name Email address confirmed Registered" in shown
    assert "Sam Outsider Confirmed" in shown
    assert "Una Unconfirmed Not confirmed" in shown
    una = shown[shown.index("Una Unconfirmed Email address una@example.org") :]
    assert una.startswith(
        "Una Unconfirmed Email address una@example.org Email address confirmed Not confirmed"
    )
    assert "they cannot sign in, even once approved" in una
    sam = shown[shown.index("Sam Outsider Email address sam@example.org") :]
    assert sam.startswith("Sam Outsider Email address sam@example.org Email address confirmed Confirmed on")


def test_approving_over_http_emails_the_person(web, login, applicant, mailbox, session):
    login.as_admin()
    response = web.post(f"/admin/accounts/{applicant.id}/approve", token_from="/admin/accounts/pending")
    assert response.status_code == 302
    assert _get(session, applicant).is_active_account
    subjects = [m["Subject"] for m in mailbox.to("sam@example.org")]
    assert "Your POLKA account has been approved" in subjects


def test_an_approved_account_can_sign_in(web, app, login, applicant):
    login.as_admin()
    web.post(f"/admin/accounts/{applicant.id}/approve", token_from="/admin/accounts/pending")
    browser = Web(app.test_client())
    assert browser.post("/login", {"email": "sam@example.org", "password": PASSWORD}).status_code == 302


def test_rejecting_over_http_emails_the_reason(web, login, applicant, mailbox, session):
    login.as_admin()
    field = f"reject-{applicant.id}-reason"
    response = web.post(
        f"/admin/accounts/{applicant.id}/reject",
        {field: "Sponsor does not know you"},
        token_from="/admin/accounts/pending",
    )
    assert response.status_code == 302
    assert _get(session, applicant).status is AccountStatus.REJECTED
    [rejection] = [m for m in mailbox.to("sam@example.org") if "not approved" in m["Subject"]]
    assert "Sponsor does not know you" in mailbox.body(rejection)


def test_rejecting_without_a_reason_is_a_clear_error(web, login, applicant, session):
    login.as_admin()
    response = web.post(f"/admin/accounts/{applicant.id}/reject", {}, token_from="/admin/accounts/pending")
    assert response.status_code == 400
    assert "Give a reason" in text(response)
    assert _get(session, applicant).status is AccountStatus.PENDING


def test_a_rejected_person_cannot_sign_in(web, app, login, applicant):
    login.as_admin()
    web.post(
        f"/admin/accounts/{applicant.id}/reject",
        {f"reject-{applicant.id}-reason": "No"},
        token_from="/admin/accounts/pending",
    )
    browser = Web(app.test_client())
    response = browser.post("/login", {"email": "sam@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Enter a correct email address and password" in text(response)


def test_approving_without_a_csrf_token_is_refused(web, login, applicant, session):
    login.as_admin()
    assert web.client.post(f"/admin/accounts/{applicant.id}/approve").status_code == 400
    assert _get(session, applicant).status is AccountStatus.PENDING


@pytest.mark.parametrize("path", ["/admin/accounts/pending", "/admin/users", "/admin/users/1"])
def test_account_administration_is_not_found_for_other_users(web, login, path):
    login.as_new_user(two_factor=True)
    assert web.get(path).status_code == 404


def test_approving_is_not_found_for_other_users(web, login, applicant, session):
    login.as_new_user(two_factor=True)
    assert web.post(f"/admin/accounts/{applicant.id}/approve").status_code == 404
    assert _get(session, applicant).status is AccountStatus.PENDING


def test_an_unknown_user_id_is_not_found(web, login):
    login.as_admin()
    assert web.get("/admin/users/99999").status_code == 404
    assert web.post("/admin/accounts/99999/approve", token_from="/admin/users").status_code == 404


def test_the_users_page_searches_and_filters(web, login, make):
    login.as_admin()
    make.user("Alice Archer")
    make.user("Carol Clark")
    page = text(web.get("/admin/users?q=archer"))
    assert "Alice Archer" in page
    assert "Carol Clark" not in page
    assert "Carol Clark" not in text(web.get("/admin/users?status=suspended"))


def test_the_users_page_refuses_an_unknown_status_clearly(web, login):
    login.as_admin()
    response = web.get("/admin/users?status=nonsense")
    assert response.status_code == 400
    assert "There is a problem" in text(response)


def test_the_users_page_paginates(web, login, make):
    login.as_admin()
    for n in range(services.PAGE_SIZE + 1):
        make.user(f"Person {n:02d}")
    first = text(web.get("/admin/users?q=person"))
    second = text(web.get("/admin/users?q=person&page=2"))
    assert "Page 1 of 2" in first
    assert "Next" in first
    assert "Page 2 of 2" in second


def test_the_users_page_links_keep_the_search(web, login, make):
    login.as_admin()
    for n in range(services.PAGE_SIZE + 1):
        make.user(f"Person {n:02d}")
    body = web.get("/admin/users?q=person&status=active").get_data(as_text=True)
    assert 'href="/admin/users?q=person&amp;status=active&amp;page=2"' in body


def test_suspending_over_http_signs_the_person_out(web, app, login, make, session):
    user = make.user()
    browser = Web(app.test_client())
    browser.post("/login", {"email": user.email, "password": PASSWORD})
    login.as_admin()
    page = f"/admin/users/{user.id}"
    response = web.post(f"{page}/suspend", {"suspend-reason": "Left the force"}, token_from=page)
    assert response.status_code == 302
    assert browser.get("/account").status_code == 302
    assert _get(session, user).status is AccountStatus.SUSPENDED


def test_suspending_without_a_reason_keeps_the_form_and_says_why(web, login, make):
    user = make.user()
    login.as_admin()
    page = f"/admin/users/{user.id}"
    response = web.post(f"{page}/suspend", {"suspend-reason": ""}, token_from=page)
    assert response.status_code == 400
    assert "Give a reason" in text(response)


def test_suspending_yourself_over_http_is_refused(web, login, session):
    admin = login.as_admin()
    page = f"/admin/users/{admin.id}"
    assert "you cannot suspend it" in text(web.get(page))
    response = web.post(f"{page}/suspend", {"suspend-reason": "Oops"}, token_from=page)
    assert response.status_code == 403
    assert _get(session, admin).is_active_account


def test_making_and_revoking_an_administrator_over_http(web, login, make, session):
    user = make.user()
    login.as_admin()
    page = f"/admin/users/{user.id}"
    assert web.post(f"{page}/grant-admin", token_from=page).status_code == 302
    assert _get(session, user).is_admin
    assert web.post(f"{page}/revoke-admin", token_from=page).status_code == 302
    assert not _get(session, user).is_admin


def test_revoking_your_own_admin_over_http_is_refused(web, login, session):
    admin = login.as_admin()
    page = f"/admin/users/{admin.id}"
    assert web.post(f"{page}/revoke-admin", token_from=page).status_code == 403
    assert _get(session, admin).is_admin


def test_reactivating_over_http(web, login, make, session):
    admin = login.as_admin()
    user = make.user()
    with transaction(fresh(session)):
        services.suspend_user(session, session.get(User, admin.id), session.get(User, user.id), "Leave")
    page = f"/admin/users/{user.id}"
    assert web.post(f"{page}/reactivate", token_from=page).status_code == 302
    assert _get(session, user).is_active_account


def test_an_over_long_suspension_reason_is_a_clear_error(web, login, make, session):
    user = make.user()
    login.as_admin()
    page = f"/admin/users/{user.id}"
    response = web.post(f"{page}/suspend", {"suspend-reason": "x" * 2001}, token_from=page)
    assert response.status_code == 400
    assert "2000 characters or fewer" in text(response)
    assert _get(session, user).is_active_account


def test_a_nul_byte_in_the_search_is_a_clear_error(web, login):
    login.as_admin()
    response = web.get("/admin/users?q=a%00b")
    assert response.status_code == 400
    assert "must not contain control characters" in text(response)


def test_an_approved_account_finds_the_decision_in_its_notifications_and_one_email(
    web, app, login, applicant, mailbox, session
):
    login.as_admin()
    web.post(f"/admin/accounts/{applicant.id}/approve", token_from="/admin/accounts/pending")
    assert len(mailbox.to("sam@example.org")) == 2, "the verification, and the approval: no second one"
    browser = Web(app.test_client())
    browser.post("/login", {"email": "sam@example.org", "password": PASSWORD}, token_from="/login")
    page = text(browser.get("/notifications/"))
    assert "Notifications (1 unread)" in page
    assert "approved your account “Sam Outsider”" in page
