"""Email verification: a confirm button (link scanners use GET), single-use expiring tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from polka.accounts.models import AccountStatus, AccountToken, TokenPurpose, User
from polka.accounts.services import find_user_by_email, verify_email
from polka.accounts.tokens import MAX_PER_HOUR, TokenState, issue_token, use_token
from polka.audit.models import AuditEntry
from polka.db import transaction, utcnow
from tests.accounts.conftest import fresh, register
from tests.conftest import PASSWORD
from tests.support import text

ADDRESS = "ada.lovelace@met.police.uk"


@pytest.fixture
def verify_link(web, mailbox):
    """Register over HTTP and return the verification link from the email."""
    register(web)
    return mailbox.link(mailbox.to(ADDRESS)[-1], "/verify/")


def _user(session, email=ADDRESS):
    return find_user_by_email(fresh(session), email)


# --- Tokens at the service level ------------------------------------------------------------------


def test_a_token_can_be_used_once(session, make):
    user = make.user()
    with transaction(session):
        token = issue_token(session, user, TokenPurpose.VERIFY_EMAIL, hours=24)
    with transaction(session):
        first, _ = use_token(session, token, TokenPurpose.VERIFY_EMAIL)
    with transaction(session):
        second, _ = use_token(session, token, TokenPurpose.VERIFY_EMAIL)
    assert (first, second) == (TokenState.VALID, TokenState.USED)


def test_an_expired_token_is_refused(session, make):
    user = make.user()
    with transaction(session):
        token = issue_token(session, user, TokenPurpose.VERIFY_EMAIL, hours=24)
        session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    with transaction(session):
        state, found = use_token(session, token, TokenPurpose.VERIFY_EMAIL)
    assert (state, found) == (TokenState.EXPIRED, None)


def test_a_token_for_one_purpose_does_not_work_for_another(session, make):
    user = make.user()
    with transaction(session):
        token = issue_token(session, user, TokenPurpose.VERIFY_EMAIL, hours=24)
    with transaction(session):
        state, _ = use_token(session, token, TokenPurpose.RESET_PASSWORD)
    assert state is TokenState.UNKNOWN


def test_token_emails_are_limited_per_hour(session, make):
    user = make.user()
    with transaction(session):
        tokens = [
            issue_token(session, user, TokenPurpose.VERIFY_EMAIL, hours=24) for _ in range(MAX_PER_HOUR + 1)
        ]
    assert all(tokens[:MAX_PER_HOUR])
    assert tokens[MAX_PER_HOUR] is None


def test_verifying_a_police_address_activates_the_account(web, verify_link, session, conf):
    token = verify_link.rsplit("/", 1)[1]
    with transaction(fresh(session)):
        state, user = verify_email(session, token, conf)
    assert state is TokenState.VALID
    assert user.status is AccountStatus.ACTIVE
    assert user.email_verified_at is not None


def test_with_approval_required_a_verified_police_address_waits(web, verify_link, session, set_conf):
    conf = set_conf(require_approval=True)
    token = verify_link.rsplit("/", 1)[1]
    with transaction(fresh(session)):
        _, user = verify_email(session, token, conf)
    assert user.status is AccountStatus.PENDING
    assert user.email_verified_at is not None


# --- Over HTTP -------------------------------------------------------------------------------------


def test_following_the_link_shows_a_button_and_uses_nothing(web, verify_link, session):
    page = web.get(verify_link)
    assert page.status_code == 200
    assert "Confirm my email address" in text(page)
    assert web.get(verify_link).status_code == 200  # a link scanner's GET did not use it up
    assert _user(session).email_verified_at is None


def test_confirming_activates_the_account_and_sends_to_sign_in(web, verify_link, session):
    response = web.post(verify_link, token_from=verify_link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "You can now sign in" in text(web.get("/login"))
    assert _user(session).is_active_account


def test_a_verified_account_can_sign_in(web, verify_link):
    web.post(verify_link, token_from=verify_link)
    response = web.post("/login", {"email": ADDRESS, "password": "lantern-quietly-harbour-91"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_an_unverified_account_is_told_to_confirm_its_address_after_the_right_password(web, verify_link):
    response = web.post("/login", {"email": ADDRESS, "password": PASSWORD})
    assert response.status_code == 403
    assert "You need to confirm your email address before you can sign in" in text(response)
    body = response.get_data(as_text=True)
    assert 'action="/verify/resend"' in body
    assert f'name="email" value="{ADDRESS}"' in body
    assert "Send me a new confirmation link" in text(response)
    assert web.get("/account").status_code == 302


def test_a_wrong_password_for_an_unverified_account_reveals_nothing(web, verify_link):
    response = web.post("/login", {"email": ADDRESS, "password": "not-the-password-at-all"})
    unknown = web.post("/login", {"email": "nobody@met.police.uk", "password": "not-the-password-at-all"})
    assert response.status_code == unknown.status_code == 400
    assert text(response) == text(unknown).replace("nobody@met.police.uk", ADDRESS)
    assert "You need to confirm your email address" not in text(response)
    assert 'action="/verify/resend"' not in response.get_data(as_text=True)


def test_the_offered_button_sends_a_new_link_that_lets_them_in(web, verify_link, mailbox):
    page = web.post("/login", {"email": ADDRESS, "password": PASSWORD})
    before = len(mailbox.to(ADDRESS))
    sent = web.post("/verify/resend", {"email": ADDRESS}, token_from="/login")
    assert sent.status_code == 302
    assert page.status_code == 403
    assert len(mailbox.to(ADDRESS)) == before + 1
    link = mailbox.link(mailbox.to(ADDRESS)[-1], "/verify/")
    assert link != verify_link
    web.post(link, token_from=link)
    assert web.post("/login", {"email": ADDRESS, "password": PASSWORD}).status_code == 302


def test_an_approved_account_whose_address_is_not_confirmed_is_told_so_too(web, verify_link, session):
    with transaction(fresh(session)):
        session.execute(update(User).where(User.email == ADDRESS).values(status=AccountStatus.ACTIVE))
    response = web.post("/login", {"email": ADDRESS, "password": PASSWORD})
    assert response.status_code == 403
    assert "You need to confirm your email address" in text(response)


def test_the_right_password_to_an_unverified_account_is_not_a_failure(web, verify_link, session):
    web.post("/login", {"email": ADDRESS, "password": PASSWORD})
    assert fresh(session).scalar(select(AuditEntry).where(AuditEntry.action == "login.failed")) is None


def test_a_used_link_shows_a_clear_page(web, verify_link):
    web.post(verify_link, token_from=verify_link)
    again = web.get(verify_link)
    assert again.status_code == 400
    assert "expired or has already been used" in text(again)
    assert "Send me a new link" in text(again)


def test_a_used_link_cannot_be_posted_again(web, verify_link):
    token_page = verify_link
    csrf_source = "/verify/resend"
    web.post(token_page, token_from=token_page)
    assert web.post(token_page, token_from=csrf_source).status_code == 400


def test_an_expired_link_shows_a_clear_page(web, verify_link, session):
    with transaction(fresh(session)):
        session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    page = web.get(verify_link)
    assert page.status_code == 400
    assert "expired" in text(page)


def test_an_unknown_link_is_not_found(web):
    page = web.get("/verify/not-a-real-token")
    assert page.status_code == 404
    assert "This link is not valid" in text(page)


def test_an_absurdly_long_token_is_not_found(web):
    assert web.get("/verify/" + "x" * 5000).status_code == 404


def test_confirming_without_a_csrf_token_is_refused(web, verify_link, session):
    assert web.client.post(verify_link).status_code == 400
    assert _user(session).email_verified_at is None


def test_asking_for_a_new_link_sends_one_to_an_unverified_account(web, verify_link, mailbox):
    response = web.post("/verify/resend", {"email": ADDRESS}, token_from="/verify/resend")
    assert response.status_code == 302
    assert len(mailbox.to(ADDRESS)) == 2


def test_asking_for_a_new_link_looks_the_same_for_any_address(web, verify_link, make, mailbox):
    make.user(email="verified@met.police.uk")
    answers = [
        web.post("/verify/resend", {"email": address}, token_from="/verify/resend")
        for address in (ADDRESS, "verified@met.police.uk", "nobody@met.police.uk")
    ]
    assert {(r.status_code, r.headers["Location"]) for r in answers} == {(302, "/verify/resend/sent")}
    assert mailbox.to("verified@met.police.uk") == []
    assert mailbox.to("nobody@met.police.uk") == []


def test_an_outside_registration_stays_pending_after_verifying(web, make, mailbox, session):
    sponsor = make.user(email="sponsor@met.police.uk")
    register(web, email="sam@example.org", sponsor_email=sponsor.email, reason="Supplier")
    link = mailbox.link(mailbox.to("sam@example.org")[0], "/verify/")
    response = web.post(link, token_from=link)
    assert response.status_code == 302
    assert "An administrator will now review your account" in text(web.get("/login"))
    user = _user(session, "sam@example.org")
    assert user.status is AccountStatus.PENDING
    assert user.email_verified_at is not None


def test_the_sponsor_is_told_once_the_address_is_verified(web, make, mailbox):
    sponsor = make.user(email="sponsor@met.police.uk")
    register(web, email="sam@example.org", sponsor_email=sponsor.email, reason="Supplier")
    assert mailbox.to(sponsor.email) == []
    link = mailbox.link(mailbox.to("sam@example.org")[0], "/verify/")
    web.post(link, token_from=link)
    [notice] = mailbox.to(sponsor.email)
    assert "sam@example.org" in mailbox.body(notice)


def test_a_pending_verified_account_is_told_it_awaits_approval_only_with_the_right_password(
    web, make, mailbox
):
    sponsor = make.user(email="sponsor@met.police.uk")
    register(web, email="sam@example.org", sponsor_email=sponsor.email, reason="Supplier")
    link = mailbox.link(mailbox.to("sam@example.org")[0], "/verify/")
    web.post(link, token_from=link)
    wrong = web.post("/login", {"email": "sam@example.org", "password": "not-the-password-at-all"})
    right = web.post("/login", {"email": "sam@example.org", "password": "lantern-quietly-harbour-91"})
    assert "waiting for an administrator" not in text(wrong)
    assert "Enter a correct email address and password" in text(wrong)
    assert right.status_code == 403
    assert "waiting for an administrator to approve it" in text(right)
    assert "Sign out" not in text(web.get("/login"))


def test_no_token_row_survives_unhashed(session, verify_link):
    rows = fresh(session).scalars(select(AccountToken)).all()
    assert all(verify_link.rsplit("/", 1)[1] != r.token_hash for r in rows)
    assert session.scalar(select(User.status)) is AccountStatus.PENDING
