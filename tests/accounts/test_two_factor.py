"""Two-factor authentication: enrolment with a QR code, the sign-in step, replay refused, required powers."""

from __future__ import annotations

import base64
import re
import time

import pyotp
import pytest
from flask import session as flask_session
from sqlalchemy import select

from polka.accounts import twofactor
from polka.accounts.models import User, UserSession
from polka.communities.models import Role
from polka.db import transaction, utcnow
from polka.errors import Forbidden, ValidationError
from tests.accounts.conftest import fresh
from tests.conftest import PASSWORD
from tests.support import text


def _code(secret, steps=0):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(utcnow()) + steps)


def _reload(session, user):
    return fresh(session).get(User, user.id)


# --- Rules at the service level -------------------------------------------------------------------


def test_enrolment_needs_a_correct_first_code(session, make):
    user = make.user()
    with transaction(session):
        secret = twofactor.begin_enrolment(session, user)
    with pytest.raises(ValidationError), transaction(session):
        twofactor.confirm_enrolment(session, user, "000000" if _code(secret) != "000000" else "111111")
    assert not _reload(session, user).has_two_factor


def test_enrolment_with_a_correct_code_turns_it_on(session, make):
    user = make.user()
    with transaction(session):
        secret = twofactor.begin_enrolment(session, user)
        twofactor.confirm_enrolment(session, user, _code(secret))
    user = _reload(session, user)
    assert user.has_two_factor
    assert user.totp_secret == secret
    assert user.totp_pending_secret is None


def test_a_new_device_does_not_replace_the_old_one_until_confirmed(session, make):
    user = make.user(two_factor=True)
    old = user.totp_secret
    with transaction(session):
        twofactor.begin_enrolment(session, user)
    assert _reload(session, user).totp_secret == old


@pytest.mark.parametrize("steps", [-1, 0, 1])
def test_a_code_one_step_either_side_is_accepted(session, make, steps):
    user = make.user(two_factor=True)
    user.totp_last_counter = None
    assert twofactor.accept_code(session, user, _code(user.totp_secret, steps))


@pytest.mark.parametrize("steps", [-3, 3])
def test_a_code_further_away_is_refused(session, make, steps):
    user = make.user(two_factor=True)
    user.totp_last_counter = None
    assert not twofactor.accept_code(session, user, _code(user.totp_secret, steps))


def test_a_code_cannot_be_used_twice(session, make):
    user = make.user(two_factor=True)
    user.totp_last_counter = None
    code = _code(user.totp_secret)
    assert twofactor.accept_code(session, user, code)
    assert not twofactor.accept_code(session, user, code)


def test_an_earlier_code_is_refused_after_a_later_one(session, make):
    user = make.user(two_factor=True)
    user.totp_last_counter = None
    assert twofactor.accept_code(session, user, _code(user.totp_secret, 1))
    assert not twofactor.accept_code(session, user, _code(user.totp_secret, 0))


def test_a_user_can_turn_it_off_with_their_password(session, make, hasher):
    user = make.user(two_factor=True)
    with transaction(session):
        twofactor.disable(session, user, hasher, PASSWORD)
    assert not _reload(session, user).has_two_factor


def test_turning_it_off_needs_the_right_password(session, make, hasher):
    user = make.user(two_factor=True)
    with pytest.raises(ValidationError), transaction(session):
        twofactor.disable(session, user, hasher, "wrong-password-entirely")


def test_an_administrator_cannot_turn_it_off(session, make, hasher):
    admin = make.admin()
    with pytest.raises(Forbidden), transaction(session):
        twofactor.disable(session, admin, hasher, PASSWORD)


def test_a_community_manager_cannot_turn_it_off(session, make, hasher):
    manager = make.user(two_factor=True)
    make.member(make.community(), manager, Role.MANAGER)
    with pytest.raises(Forbidden), transaction(fresh(session)):
        twofactor.disable(session, session.get(User, manager.id), hasher, PASSWORD)


def test_the_qr_code_is_an_svg_data_uri():
    uri = twofactor.qr_data_uri("otpauth://totp/POLKA:a@b?secret=ABC")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).lstrip().startswith(b"<svg")


# --- Sign-in over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def enrolled(make, login):
    user = make.user(two_factor=True)
    login.forget_last_code(user)
    return user


def _password_step(web, user, url="/login"):
    return web.post(url, {"email": user.email, "password": PASSWORD})


def _code_step(web, code):
    return web.post("/login/two-factor", {"code": code}, token_from="/login/two-factor")


def test_the_password_alone_does_not_sign_in_an_enrolled_user(web, enrolled, session):
    response = _password_step(web, enrolled)
    assert response.headers["Location"] == "/login/two-factor"
    assert web.get("/account").status_code == 302
    assert fresh(session).scalar(select(UserSession)) is None


def test_the_code_completes_sign_in(web, enrolled, session):
    _password_step(web, enrolled)
    response = _code_step(web, _code(enrolled.totp_secret))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert web.get("/account").status_code == 200
    assert fresh(session).scalar(select(UserSession.two_factor_at)) is not None


def test_next_survives_the_two_factor_step(web, enrolled):
    _password_step(web, enrolled, "/login?next=/people/")
    assert _code_step(web, _code(enrolled.totp_secret)).headers["Location"] == "/people/"


def test_a_wrong_code_is_refused(web, enrolled):
    _password_step(web, enrolled)
    response = _code_step(web, "12345a")
    assert response.status_code == 400
    assert "Enter a correct code" in text(response)


def test_a_replayed_code_is_refused(web, enrolled):
    code = _code(enrolled.totp_secret)
    _password_step(web, enrolled)
    assert _code_step(web, code).status_code == 302
    web.post("/logout", token_from="/account")
    _password_step(web, enrolled)
    replay = _code_step(web, code)
    assert replay.status_code == 400
    assert web.get("/account").status_code == 302


def test_wrong_codes_count_toward_the_lock(web, enrolled, conf):
    _password_step(web, enrolled)
    for _ in range(conf.login_max_failures):
        response = _code_step(web, "000000")
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert _password_step(web, enrolled).status_code == 429


def test_the_two_factor_step_expires(web, enrolled, app):
    _password_step(web, enrolled)
    with web.client.session_transaction() as cookie:
        pending = dict(cookie["pending_login"])
        pending["at"] = int(time.time()) - 301
        cookie["pending_login"] = pending
    response = web.get("/login/two-factor")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_the_two_factor_step_without_a_password_goes_to_sign_in(web):
    assert web.get("/login/two-factor").headers["Location"] == "/login"


# --- Enrolment over HTTP ---------------------------------------------------------------------------


def _secret_on(page):
    found = re.search(r"Key for typing in: ([A-Z2-7]{4}(?: [A-Z2-7]{4})*)", text(page))
    assert found
    return found.group(1).replace(" ", "")


def _continue_link(page):
    """Where the page shown after turning two-factor on (with the recovery codes) goes on to."""
    found = re.search(
        r'<a class="govuk-button"[^>]*href="([^"]*)">I have saved my recovery codes',
        page.get_data(as_text=True),
    )
    assert found, page.get_data(as_text=True)
    return found.group(1)


def test_the_setup_page_shows_a_qr_image_and_the_key(web, login):
    login.as_new_user()
    page = web.get("/account/two-factor")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code', body)
    assert len(_secret_on(page)) == 32
    assert "<script>" not in body


def test_the_setup_page_keeps_the_same_key_on_reload(web, login):
    login.as_new_user()
    assert _secret_on(web.get("/account/two-factor")) == _secret_on(web.get("/account/two-factor"))


def test_confirming_with_a_code_turns_it_on(web, login, session):
    user = login.as_new_user()
    secret = _secret_on(web.get("/account/two-factor"))
    response = web.post("/account/two-factor", {"code": _code(secret)}, token_from="/account/two-factor")
    assert response.status_code == 200
    assert "Two-factor authentication is on" in text(response)
    assert _reload(session, user).has_two_factor


def test_confirming_honours_next(web, login):
    login.as_new_user()
    secret = _secret_on(web.get("/account/two-factor"))
    response = web.post(
        "/account/two-factor", {"code": _code(secret), "next": "/admin/"}, token_from="/account/two-factor"
    )
    assert _continue_link(response) == "/admin/"


def test_confirming_never_goes_off_site(web, login):
    login.as_new_user()
    secret = _secret_on(web.get("/account/two-factor"))
    response = web.post(
        "/account/two-factor",
        {"code": _code(secret), "next": "//evil.example/"},
        token_from="/account/two-factor",
    )
    assert _continue_link(response) == "/account"


def test_a_wrong_confirmation_code_keeps_the_key_and_says_so(web, login, session):
    user = login.as_new_user()
    page = web.get("/account/two-factor")
    secret = _secret_on(page)
    wrong = "000000" if _code(secret) != "000000" else "111111"
    response = web.post("/account/two-factor", {"code": wrong}, token_from="/account/two-factor")
    assert response.status_code == 400
    assert _secret_on(response) == secret
    assert "Enter the 6-digit code" in text(response)
    assert not _reload(session, user).has_two_factor


def test_an_administrator_without_two_factor_is_sent_to_enrol(web, login, make):
    admin = make.user(admin=True, two_factor=False)
    login(admin)
    response = web.get("/admin/accounts/pending")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/two-factor?next=/admin/accounts/pending")


def test_an_administrator_who_enrols_is_sent_back(web, login, make):
    admin = make.user(admin=True, two_factor=False)
    login(admin)
    target = web.get("/admin/users").headers["Location"]
    page = web.get(target)
    secret = _secret_on(page)
    response = web.post(target, {"code": _code(secret)}, token_from=target)
    assert _continue_link(response) == "/admin/users"
    assert web.get("/admin/users").status_code == 200


def test_a_user_can_turn_it_off(web, login, session, make):
    user = make.user(two_factor=True)
    login(user)
    response = web.post(
        "/account/two-factor/disable", {"password": PASSWORD}, token_from="/account/two-factor"
    )
    assert response.status_code == 302
    assert not _reload(session, user).has_two_factor


def test_an_administrator_is_refused_turning_it_off(web, login, session):
    admin = login.as_admin()
    page = web.get("/account/two-factor")
    assert "must keep two-factor authentication on" in text(page)
    response = web.post(
        "/account/two-factor/disable", {"password": PASSWORD}, token_from="/account/two-factor"
    )
    assert response.status_code == 403
    assert _reload(session, admin).has_two_factor


def test_turning_it_off_without_a_csrf_token_is_refused(web, login, make, session):
    user = make.user(two_factor=True)
    login(user)
    assert web.client.post("/account/two-factor/disable", data={"password": PASSWORD}).status_code == 400
    assert _reload(session, user).has_two_factor


def test_a_nul_byte_in_the_code_is_a_clear_error(web, login):
    login.as_new_user()
    web.get("/account/two-factor")
    response = web.post("/account/two-factor", {"code": "12\x003456"}, token_from="/account/two-factor")
    assert response.status_code == 400
    assert "must not contain control characters" in text(response)


def test_the_flask_session_holds_no_secret_while_enrolling(web, login, app):
    login.as_new_user()
    secret = _secret_on(web.get("/account/two-factor"))
    with web.client.session_transaction() as cookie:
        assert secret not in str(dict(cookie))
    assert flask_session is not None
