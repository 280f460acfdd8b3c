"""flask-login is how POLKA knows who is signed in, and the server-side session stays what it trusts."""

from __future__ import annotations

from datetime import timedelta

import flask_login
import pytest
from flask import Response
from flask_login.utils import encode_cookie
from sqlalchemy import select, update

from polka.accounts import sessions
from polka.accounts.models import User, UserSession
from polka.accounts.web import OLD_SESSION_KEY, SESSION_KEY, current_user, public
from polka.db import transaction, utcnow
from tests.accounts.conftest import fresh
from tests.conftest import PASSWORD
from tests.support import text

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def _token(web):
    with web.client.session_transaction() as cookie:
        return cookie.get(SESSION_KEY)


def test_flask_logins_current_user_is_the_signed_in_polka_user(web, login):
    user = login.as_new_user()
    with web.client:
        assert web.get("/account").status_code == 200
        assert flask_login.current_user.is_authenticated
        assert flask_login.current_user.id == user.id
        assert flask_login.current_user._get_current_object() is current_user()


def test_a_revoked_session_is_not_authenticated_on_the_next_request(web, login, session):
    user = login.as_new_user()
    with transaction(fresh(session)):
        sessions.end_all_sessions(session, session.get(User, user.id))
    with web.client:
        response = web.get("/account")
        assert not flask_login.current_user.is_authenticated
        assert current_user() is None
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_an_expired_session_is_not_authenticated(web, login, session, conf):
    login.as_new_user()
    with transaction(fresh(session)):
        session.execute(update(UserSession).values(last_seen_at=utcnow() - conf.session_idle - timedelta(1)))
    with web.client:
        web.get("/account")
        assert not flask_login.current_user.is_authenticated


def test_the_cookie_names_the_session_never_the_user(web, login, session):
    user = login.as_new_user()
    with web.client.session_transaction() as cookie:
        held = dict(cookie)
    row = fresh(session).scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.token_hash == sessions.hash_token(held[SESSION_KEY])
    assert held[SESSION_KEY] != str(user.id)
    # No user id, and no flask-login address fingerprint ("_id"): session protection is off.
    assert set(held) <= {SESSION_KEY, "_fresh", "csrf_token", "_flashes"}


def test_the_password_step_alone_is_not_signed_in_to_flask_login(web, make, login):
    user = make.user(two_factor=True)
    login.forget_last_code(user)
    with web.client:
        response = web.post("/login", {"email": user.email, "password": PASSWORD})
        assert response.headers["Location"] == "/login/two-factor"
        assert not flask_login.current_user.is_authenticated
    assert _token(web) is None
    assert web.get("/account").status_code == 302


def test_signing_in_sets_no_remember_me_cookie(web, make):
    user = make.user()
    response = web.post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "polka_session=" in cookies
    assert "remember_token" not in cookies


def test_a_remember_me_cookie_can_never_be_set(app, make):
    user = make.user()
    user.signed_in_through("a-token")
    with app.test_request_context("/"):
        flask_login.login_user(user, remember=True)
        with pytest.raises(RuntimeError, match="remember-me"):
            app.process_response(Response())


def test_a_signed_remember_me_cookie_signs_nobody_in(app, web, login):
    login.as_new_user()
    token = _token(web)
    stranger = app.test_client()
    with app.test_request_context("/"):
        stranger.set_cookie("remember_token", encode_cookie(token))
    response = stranger.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_session_survives_a_new_address_and_browser_string(web, login):
    login.as_new_user()
    moved = {"REMOTE_ADDR": "10.20.30.40"}
    response = web.get("/account", environ_base=moved, headers={"User-Agent": "Another browser/2.0"})
    assert response.status_code == 200
    assert web.get("/account").status_code == 200


def test_a_cookie_from_before_flask_login_keeps_its_session(web, login):
    login.as_new_user()
    token = _token(web)
    with web.client.session_transaction() as cookie:
        cookie.clear()
        cookie[OLD_SESSION_KEY] = token
    assert web.get("/account").status_code == 200
    with web.client.session_transaction() as cookie:
        assert cookie[SESSION_KEY] == token
        assert OLD_SESSION_KEY not in cookie


def test_a_refused_network_neither_extends_nor_shows_the_session(web, login, session):
    user = login.as_new_user()
    a_while_ago = utcnow() - timedelta(minutes=5)
    with transaction(fresh(session)):
        session.execute(update(UserSession).values(last_seen_at=a_while_ago))
    response = web.get("/account", environ_base=OUTSIDE)
    assert response.status_code == 403
    assert user.name not in text(response)
    assert fresh(session).scalar(select(UserSession.last_seen_at)) == a_while_ago


def test_flask_logins_login_required_sends_to_polkas_sign_in(app, web, login):
    @public  # only flask-login's decorator guards it
    @flask_login.login_required
    def guarded():
        return "inside"

    app.add_url_rule("/test/guarded", view_func=guarded)
    response = web.get("/test/guarded")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/test/guarded"
    assert "Sign in to continue." in text(web.get(response.headers["Location"]))
    login.as_new_user()
    assert web.get("/test/guarded").get_data(as_text=True) == "inside"
