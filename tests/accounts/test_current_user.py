"""``current_user()`` always gives flask-login's answer for the request, even as it changes within it."""

from __future__ import annotations

import flask_login
from flask import Flask, g

from polka.accounts.web import current_user, sign_in


def test_signing_out_and_in_again_within_a_request_is_seen_at_once(web, login):
    user = login.as_new_user()
    with web.client:
        assert web.get("/account").status_code == 200
        signed = current_user()
        assert signed is not None
        assert signed.id == user.id
        assert signed is flask_login.current_user._get_current_object()
        token = signed.session_token
        flask_login.logout_user()
        assert current_user() is None
        assert not flask_login.current_user.is_authenticated
        assert token is not None
        sign_in(signed, token)
        assert current_user() is signed
        assert flask_login.current_user._get_current_object() is signed


def test_an_anonymous_visitor_has_no_user(web):
    with web.client:
        web.get("/login")
        assert current_user() is None
        assert not flask_login.current_user.is_authenticated


def test_the_user_is_loaded_when_first_asked(web, login):
    user = login.as_new_user()
    with web.client:
        web.get("/account")
        del g._login_user  # as before flask-login has loaded anyone for this request
        signed = current_user()
        assert signed is not None
        assert signed.id == user.id
        assert g._login_user is signed


def test_there_is_no_user_outside_a_request(app: Flask):
    with app.app_context():
        assert current_user() is None
