"""Password reset (same answer for any address, single-use link) and changing the password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from polka.accounts.credentials import change_password, request_password_reset, reset_password
from polka.accounts.models import AccountToken, User, UserSession
from polka.accounts.tokens import TokenState
from polka.accounts.web import SESSION_KEY
from polka.audit.models import AuditEntry
from polka.db import transaction, utcnow
from polka.errors import ValidationError
from tests.accounts.conftest import NEW_PASSWORD, fresh
from tests.conftest import PASSWORD
from tests.support import Web, text


def _ask(web, email):
    return web.post("/reset", {"email": email}, token_from="/reset")


@pytest.fixture
def reset_link(web, make, mailbox):
    user = make.user(email="forgetful@met.police.uk")
    _ask(web, user.email)
    return mailbox.link(mailbox.to(user.email)[-1], "/reset/")


def _sessions(session, user):
    return fresh(session).scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


# --- Rules at the service level -------------------------------------------------------------------


def test_a_reset_sets_the_password_and_ends_every_session(session, hasher, conf, make, login, mailbox):
    user = login(make.user())
    assert _sessions(session, user) == 1
    with transaction(fresh(session)):
        request_password_reset(session, user.email, conf)
    token = mailbox.link(mailbox.to(user.email)[-1], "/reset/").rsplit("/", 1)[1]
    with transaction(fresh(session)):
        state, changed = reset_password(session, hasher, token, NEW_PASSWORD, conf)
    assert state is TokenState.VALID
    assert hasher.verify(changed.password_hash, NEW_PASSWORD)
    assert _sessions(session, user) == 0


def test_only_the_hash_of_a_reset_token_is_stored(session, conf, make, mailbox):
    user = make.user()
    with transaction(fresh(session)):
        request_password_reset(session, user.email, conf)
    token = mailbox.link(mailbox.to(user.email)[-1], "/reset/").rsplit("/", 1)[1]
    stored = fresh(session).scalar(select(AccountToken.token_hash))
    assert stored != token
    assert len(stored) == 64


def test_reset_refuses_a_weak_password_and_leaves_the_token_usable(session, hasher, conf, make, reset_link):
    token = reset_link.rsplit("/", 1)[1]
    with pytest.raises(ValidationError), transaction(fresh(session)):
        reset_password(session, hasher, token, "password1234", conf)
    with transaction(fresh(session)):
        state, user = reset_password(session, hasher, token, NEW_PASSWORD, conf)
    assert state is TokenState.VALID
    assert hasher.verify(user.password_hash, NEW_PASSWORD)


def test_change_password_needs_the_current_one(session, hasher, conf, make):
    user = make.user()
    with pytest.raises(ValidationError) as raised, transaction(session):
        change_password(session, hasher, user, "wrong-current-password", NEW_PASSWORD, conf)
    assert "current_password" in raised.value.field_errors


def test_change_password_applies_the_rules(session, hasher, conf, make):
    user = make.user()
    with pytest.raises(ValidationError) as raised, transaction(session):
        change_password(session, hasher, user, PASSWORD, "short", conf)
    assert "new_password" in raised.value.field_errors


def test_suspended_accounts_get_no_reset_email(session, conf, make, mailbox):
    user = make.user()
    with transaction(fresh(session)):
        session.execute(update(User).values(status="suspended"))
        request_password_reset(session, user.email, conf)
    assert mailbox.to(user.email) == []


# --- Reset over HTTP -------------------------------------------------------------------------------


def test_asking_for_a_reset_looks_the_same_for_any_address(web, make, mailbox):
    user = make.user()
    real = _ask(web, user.email)
    ghost = _ask(web, "ghost@met.police.uk")
    assert (real.status_code, real.headers["Location"]) == (ghost.status_code, ghost.headers["Location"])
    assert real.status_code == 302
    assert len(mailbox.to(user.email)) == 1
    assert mailbox.to("ghost@met.police.uk") == []


def test_the_reset_email_has_a_link_that_sets_a_new_password(web, reset_link, make, session, hasher):
    page = web.get(reset_link)
    assert page.status_code == 200
    response = web.post(reset_link, {"password": NEW_PASSWORD}, token_from=reset_link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    user = fresh(session).scalar(select(User).where(User.email == "forgetful@met.police.uk"))
    assert hasher.verify(user.password_hash, NEW_PASSWORD)


def test_a_reset_link_works_once(web, reset_link):
    web.post(reset_link, {"password": NEW_PASSWORD}, token_from=reset_link)
    again = web.get(reset_link)
    assert again.status_code == 400
    assert "expired or has already been used" in text(again)


def test_an_expired_reset_link_is_refused(web, reset_link, session):
    with transaction(fresh(session)):
        session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert web.get(reset_link).status_code == 400
    assert web.post(reset_link, {"password": NEW_PASSWORD}, token_from="/reset").status_code == 400


def test_an_unknown_reset_link_is_not_found(web):
    assert web.get("/reset/not-a-token").status_code == 404


def test_a_reset_ends_every_session_of_the_user(web, app, make, mailbox, session):
    user = make.user(email="forgetful@met.police.uk")
    other = Web(app.test_client())
    other.post("/login", {"email": user.email, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    _ask(web, user.email)
    link = mailbox.link(mailbox.to(user.email)[-1], "/reset/")
    web.post(link, {"password": NEW_PASSWORD}, token_from=link)
    assert other.get("/account").status_code == 302
    assert _sessions(session, user) == 0


def test_a_weak_new_password_is_a_clear_error(web, reset_link):
    response = web.post(reset_link, {"password": "password1234"}, token_from=reset_link)
    assert response.status_code == 400
    assert "harder to guess" in text(response)
    assert "password1234" not in response.get_data(as_text=True)


def test_a_reset_is_audited_and_the_owner_told(web, reset_link, session, mailbox):
    web.post(reset_link, {"password": NEW_PASSWORD}, token_from=reset_link)
    actions = fresh(session).scalars(select(AuditEntry.action)).all()
    assert "password.reset" in actions
    subjects = [m["Subject"] for m in mailbox.to("forgetful@met.police.uk")]
    assert "Your POLKA password was changed" in subjects


def test_the_audit_log_never_holds_the_reset_link(web, reset_link, session):
    token = reset_link.rsplit("/", 1)[1]
    web.post(reset_link, {"password": NEW_PASSWORD}, token_from=reset_link)
    for entry in fresh(session).scalars(select(AuditEntry)):
        assert token not in f"{entry.detail}{entry.target_label}"


def test_asking_for_a_reset_without_a_csrf_token_is_refused(web, make, mailbox):
    user = make.user()
    assert web.client.post("/reset", data={"email": user.email}).status_code == 400
    assert mailbox.to(user.email) == []


def test_a_nul_byte_in_the_reset_address_is_a_clear_error(web):
    response = _ask(web, "a\x00b@met.police.uk")
    assert response.status_code == 400
    assert "must not contain control characters" in text(response)


# --- Change password over HTTP ---------------------------------------------------------------------


def _change(web, current, new):
    return web.post(
        "/account/password", {"current_password": current, "new_password": new}, token_from="/account"
    )


def test_changing_the_password_keeps_this_browser_signed_in_with_a_new_session(web, login, session):
    user = login.as_new_user()
    with web.client.session_transaction() as cookie:
        before = cookie[SESSION_KEY]
    response = _change(web, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert web.get("/account").status_code == 200
    with web.client.session_transaction() as cookie:
        assert cookie[SESSION_KEY] != before
    assert _sessions(session, user) == 1


def test_changing_the_password_signs_out_other_browsers(web, app, login, make):
    user = make.user()
    other = Web(app.test_client())
    other.post("/login", {"email": user.email, "password": PASSWORD})
    login(user)
    _change(web, PASSWORD, NEW_PASSWORD)
    assert other.get("/account").status_code == 302


def test_a_wrong_current_password_is_a_clear_error(web, login):
    login.as_new_user()
    response = _change(web, "not-my-password-at-all", NEW_PASSWORD)
    assert response.status_code == 400
    assert "Your current password is not correct" in text(response)
    assert NEW_PASSWORD not in response.get_data(as_text=True)


def test_changing_the_password_without_a_csrf_token_is_refused(web, login, session, hasher):
    user = login.as_new_user()
    response = web.client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert hasher.verify(fresh(session).get(User, user.id).password_hash, PASSWORD)


def test_an_over_long_new_password_is_a_clear_error(web, login):
    login.as_new_user()
    response = _change(web, PASSWORD, "a" * 1025)
    assert response.status_code == 400
    assert "1024 characters or fewer" in text(response)


def test_wrong_current_passwords_count_toward_the_sign_in_lock(web, login, conf, session, hasher):
    """A borrowed session cannot be used to guess the password on the change form."""
    user = login.as_new_user()
    for _ in range(conf.login_max_failures):
        _change(web, "not-my-password-at-all", NEW_PASSWORD)
    response = _change(web, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert hasher.verify(fresh(session).get(User, user.id).password_hash, PASSWORD)
