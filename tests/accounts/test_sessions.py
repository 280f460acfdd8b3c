"""Signed-in sessions: expiry, server-side sign-out, revocation, rotation and cookie flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from polka.accounts.models import User, UserSession
from polka.accounts.services import suspend_user
from polka.accounts.web import SESSION_KEY
from polka.db import transaction, utcnow
from tests.accounts.conftest import fresh
from tests.conftest import PASSWORD
from tests.support import Web, csrf_from, text

COOKIE = "polka_session"


def _age(session, *, last_seen=None, created=None):
    values = {}
    if last_seen is not None:
        values["last_seen_at"] = utcnow() - last_seen
    if created is not None:
        values["created_at"] = utcnow() - created
    with transaction(fresh(session)):
        session.execute(update(UserSession).values(**values))


def _signed_in(web):
    return web.get("/account").status_code == 200


def _count(session, user):
    return fresh(session).scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


def test_a_session_survives_just_under_the_idle_limit(web, login, session, conf):
    login.as_new_user()
    _age(session, last_seen=conf.session_idle - timedelta(minutes=1))
    assert _signed_in(web)


def test_a_session_ends_after_the_idle_limit(web, login, session, conf):
    login.as_new_user()
    _age(session, last_seen=conf.session_idle + timedelta(minutes=1))
    assert not _signed_in(web)


def test_a_session_ends_after_the_absolute_limit_even_when_busy(web, login, session, conf):
    login.as_new_user()
    _age(session, created=conf.session_absolute + timedelta(minutes=1), last_seen=timedelta(seconds=0))
    assert not _signed_in(web)


def test_a_request_keeps_a_session_alive(web, login, session, conf):
    login.as_new_user()
    _age(session, last_seen=conf.session_idle - timedelta(minutes=1))
    web.get("/")
    last_seen = fresh(session).scalar(select(UserSession.last_seen_at))
    assert utcnow() - last_seen < timedelta(minutes=1)


def test_signing_out_ends_the_session_on_the_server(web, login, session):
    user = login.as_new_user()
    old_cookie = web.client.get_cookie(COOKIE).value
    response = web.post("/logout", token_from="/account")
    assert response.status_code == 302
    assert _count(session, user) == 0
    web.client.set_cookie(COOKIE, old_cookie)
    assert not _signed_in(web)


def test_signing_in_gives_a_new_session_id(web, login, make):
    user = make.user()
    login(user)
    with web.client.session_transaction() as cookie:
        first = cookie[SESSION_KEY]
    login(user)
    with web.client.session_transaction() as cookie:
        assert cookie[SESSION_KEY] != first


def test_signing_in_again_ends_the_browsers_previous_session(web, login, make, session):
    user = make.user()
    login(user)
    login(user)
    assert _count(session, user) == 1


def test_signing_in_drops_whatever_the_cookie_held_before(web, make):
    user = make.user()
    with web.client.session_transaction() as cookie:
        cookie["planted"] = "by an attacker"
    web.post("/login", {"email": user.email, "password": PASSWORD})
    with web.client.session_transaction() as cookie:
        assert "planted" not in cookie


def test_suspension_ends_every_session(app, make, session):
    admin = make.admin()
    user = make.user()
    browsers = [Web(app.test_client()) for _ in range(2)]
    for browser in browsers:
        browser.post("/login", {"email": user.email, "password": PASSWORD})
        assert _signed_in(browser)
    with transaction(fresh(session)):
        suspend_user(session, session.get(User, admin.id), session.get(User, user.id), "Left the force")
    assert not any(_signed_in(b) for b in browsers)
    assert _count(session, user) == 0


@pytest.mark.parametrize("status", ["suspended", "pending", "rejected"])
def test_an_account_that_is_not_active_has_no_access_even_with_a_live_session(web, login, session, status):
    user = login.as_new_user()
    assert _signed_in(web)
    with transaction(fresh(session)):
        session.execute(update(User).where(User.id == user.id).values(status=status))
    assert not _signed_in(web)
    assert web.get("/account").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(web, make):
    user = make.user()
    response = web.post("/login", {"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert f"{COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; the next test is its HTTPS twin


def test_the_session_cookie_is_secure_over_https(app, make):
    user = make.user()
    browser = app.test_client()
    page = browser.get("/login", base_url="https://localhost")
    token = csrf_from(page.get_data(as_text=True))
    response = browser.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_the_account_page_lists_this_browsers_session(web, login):
    login.as_new_user()
    page = text(web.get("/account"))
    assert "Where you are signed in" in page
    assert "This browser" in page


def test_signing_out_of_other_sessions_keeps_this_one(web, app, login, make, session):
    user = make.user()
    other = Web(app.test_client())
    other.post("/login", {"email": user.email, "password": PASSWORD})
    login(user)
    response = web.post("/account/sessions/end-others", token_from="/account")
    assert response.status_code == 302
    assert _signed_in(web)
    assert not _signed_in(other)
    assert _count(session, user) == 1


def test_signing_out_of_other_sessions_without_a_csrf_token_is_refused(web, app, login, make):
    user = make.user()
    other = Web(app.test_client())
    other.post("/login", {"email": user.email, "password": PASSWORD})
    login(user)
    assert web.client.post("/account/sessions/end-others").status_code == 400
    assert _signed_in(other)


def test_the_account_page_shows_details_and_the_profile_link(web, login):
    user = login.as_new_user(name="Priya Shah")
    page = web.get("/account")
    assert "Priya Shah" in text(page)
    assert user.email in text(page)
    assert "Metropolitan Police Service" in text(page)
    assert 'href="/people/me/edit"' in page.get_data(as_text=True)
    assert "Off" in text(page)


def test_a_form_sent_after_a_pause_keeps_the_session_alive(web, login, session, conf, make):
    """A POST after a few idle minutes refreshes the session in its own write transaction."""
    community = make.community("Open Group")
    login.as_new_user()
    token = web.token("/c/")
    _age(session, last_seen=timedelta(minutes=5))
    response = web.client.post(f"/c/{community.slug}/join", data={"csrf_token": token})
    assert response.status_code == 302
    last_seen = fresh(session).scalar(select(UserSession.last_seen_at))
    assert utcnow() - last_seen < timedelta(minutes=1)


def test_a_refused_form_after_a_pause_still_keeps_the_session_alive(web, login, session, conf):
    login.as_new_user()
    token = web.token("/account")
    _age(session, last_seen=timedelta(minutes=5))
    response = web.client.post("/c/request", data={"csrf_token": token, "name": ""})
    assert response.status_code == 400
    last_seen = fresh(session).scalar(select(UserSession.last_seen_at))
    assert utcnow() - last_seen < timedelta(minutes=1)


def test_sessions_that_expired_on_their_own_are_cleared_at_the_next_sign_in(web, login, session, conf, make):
    first = login.as_new_user()
    _age(session, last_seen=conf.session_idle + timedelta(minutes=1))
    second = make.user()
    login(second)
    assert _count(session, first) == 0
    assert _count(session, second) == 1
