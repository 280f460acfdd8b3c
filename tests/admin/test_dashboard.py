"""The administration dashboard: who gets in, the counts, and the links."""

from __future__ import annotations

from polka.accounts.models import AccountStatus
from polka.communities.models import CommunityStatus
from polka.db import transaction
from tests.support import text


def test_non_administrators_get_404(web, login):
    login.as_new_user()
    assert web.get("/admin/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(web):
    response = web.get("/admin/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_administrator_without_two_factor_is_sent_to_enrol(web, login, make):
    login(make.user(admin=True, two_factor=False))
    response = web.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/two-factor")


def test_administrator_with_two_factor_sees_the_dashboard(web, login):
    login.as_admin()
    response = web.get("/admin/")
    assert response.status_code == 200
    assert "Administration" in text(response)


def test_dashboard_links_to_every_area(web, login):
    login.as_admin()
    body = web.get("/admin/").get_data(as_text=True)
    for path in (
        "/admin/accounts/pending",
        "/admin/communities/requests",
        "/admin/users",
        "/admin/communities",
        "/admin/organisations",
        "/admin/audit",
        "/moderation/",
        "/moderation/words",
    ):
        assert f'href="{path}"' in body, path


def test_dashboard_counts_what_is_waiting(web, login, make, session):
    waiting = make.user("Waiting One")
    make.user("Suspended One")
    requested = make.community("Requested Community")
    with transaction(session):
        waiting.status = AccountStatus.PENDING
        requested.status = CommunityStatus.REQUESTED
    login.as_admin()
    page = text(web.get("/admin/"))
    assert "1 account is waiting for approval" in page
    assert "1 community request is waiting for a decision" in page


def test_dashboard_says_when_nothing_is_waiting(web, login):
    login.as_admin()
    assert "Nothing is waiting for a decision" in text(web.get("/admin/"))


def test_dashboard_counts_failed_sign_ins_of_the_last_day(web, login, make):
    user = make.user()
    web.post("/login", {"email": user.email, "password": "not-the-password-at-all"})
    login.as_admin()
    assert "1 failed sign-in attempt" in text(web.get("/admin/"))
