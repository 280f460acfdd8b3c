"""Two-factor recovery codes: issued and shown once, each usable once at sign-in, replaceable, audited."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from polka.accounts import credentials, recovery, signin, twofactor
from polka.accounts.models import RecoveryCode, User
from polka.audit.models import AuditEntry
from polka.db import transaction, utcnow
from tests.accounts.conftest import fresh
from tests.conftest import PASSWORD
from tests.support import text

CODE = re.compile(r"\b[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\b")


def _totp(secret):
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(utcnow()))


def _enrol(session, user):
    with transaction(session):
        secret = twofactor.begin_enrolment(session, user)
        return twofactor.confirm_enrolment(session, user, _totp(secret))


def _audit(session, action):
    return fresh(session).scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


# --- Rules at the service level -------------------------------------------------------------------


def test_turning_two_factor_on_issues_ten_different_codes(session, make):
    codes = _enrol(session, make.user())
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(CODE.fullmatch(code) for code in codes)


def test_only_a_hash_of_each_code_is_stored(session, make):
    codes = _enrol(session, make.user())
    stored = " ".join(fresh(session).scalars(select(RecoveryCode.code_hash)))
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored


def test_a_new_device_keeps_the_codes(session, make):
    user = make.user()
    codes = _enrol(session, user)
    assert _enrol(session, user) == []
    assert recovery.remaining(session, user) == 10
    with transaction(session):
        assert recovery.use_code(session, user, codes[0])


def test_a_code_works_once(session, make):
    user = make.user()
    code = _enrol(session, user)[3]
    with transaction(session):
        assert recovery.use_code(session, user, code)
    with transaction(session):
        assert not recovery.use_code(session, user, code)
    assert recovery.remaining(session, user) == 9


def test_a_code_is_read_whatever_its_case_spacing_and_look_alike_letters(session, make):
    user = make.user()
    code = _enrol(session, user)[0]
    typed = " " + code.upper().replace("-", " ").replace("0", "O").replace("1", "l") + " "
    with transaction(session):
        assert recovery.use_code(session, user, typed)


def test_another_persons_code_is_refused(session, make):
    owner, other = make.user(), make.user()
    code = _enrol(session, owner)[0]
    _enrol(session, other)
    with transaction(session):
        assert not recovery.use_code(session, other, code)


@pytest.mark.parametrize("typed", ["", "123456", "abcd-efgh", "x" * 41, "abcd-efgh-jkmn-pqr!"])
def test_what_cannot_be_a_code_is_refused(session, make, typed):
    user = make.user()
    _enrol(session, user)
    with transaction(session):
        assert not recovery.use_code(session, user, typed)


def test_turning_two_factor_off_discards_the_codes(session, make, hasher):
    user = make.user()
    code = _enrol(session, user)[0]
    with transaction(session):
        twofactor.disable(session, user, hasher, PASSWORD)
    assert fresh(session).scalar(select(RecoveryCode)) is None
    with transaction(session):
        assert not recovery.use_code(session, user, code)


def test_new_codes_replace_every_old_one(session, make, hasher, conf):
    user = make.user()
    old = _enrol(session, user)
    with transaction(session):
        new = credentials.replace_recovery_codes(session, hasher, user, PASSWORD, conf)
    assert new is not None
    assert not set(old) & set(new)
    with transaction(session):
        assert not recovery.use_code(session, user, old[1])
        assert recovery.use_code(session, user, new[1])


def test_new_codes_can_be_had_with_a_current_app_code(session, make, hasher, conf):
    user = make.user()
    _enrol(session, user)
    user.totp_last_counter = None
    with transaction(session):
        assert credentials.replace_recovery_codes(session, hasher, user, _totp(user.totp_secret), conf)


@pytest.mark.parametrize("answer", ["not-the-password-at-all", "000000"])
def test_new_codes_need_the_password_or_a_code_and_a_wrong_answer_counts(session, make, hasher, conf, answer):
    user = make.user()
    old = _enrol(session, user)
    if _totp(user.totp_secret) == answer:
        answer = "111111"
    with transaction(session):
        assert credentials.replace_recovery_codes(session, hasher, user, answer, conf) is None
    assert _audit(session, "login.failed")
    with transaction(session):
        assert recovery.use_code(session, user, old[0])


def test_using_and_replacing_codes_is_audited_without_the_code(session, make, hasher, conf):
    user = make.user()
    codes = _enrol(session, user)
    with transaction(session):
        recovery.use_code(session, user, codes[0], ip="10.0.0.9")
        new = credentials.replace_recovery_codes(session, hasher, user, PASSWORD, conf)
    [used] = _audit(session, "two_factor.recovery_code_used")
    issued = _audit(session, "two_factor.recovery_codes_issued")
    assert used.ip == "10.0.0.9"
    assert '"remaining": 9' in used.detail
    assert len(issued) == 2  # on enrolment, and on replacing
    everything = " ".join(f"{e.detail} {e.target_label}" for e in _audit(session, used.action) + issued)
    for code in [*codes, *(new or [])]:
        assert code not in everything
        assert code.replace("-", "") not in everything


def test_a_recovery_code_at_sign_in_counts_toward_the_lock(session, make, conf):
    user = make.user()
    _enrol(session, user)
    for _ in range(conf.login_max_failures):
        with transaction(fresh(session)):
            attempt = signin.check_recovery_code(
                session, session.get(User, user.id), "0000-0000-0000-0000", ip="10.0.0.1", settings=conf
            )
    assert attempt.outcome is signin.Outcome.LOCKED


# --- Sign-in over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def holder(session, make):
    """A user with two-factor on and the recovery codes they were shown."""
    user = make.user()
    return user, _enrol(session, user)


def _password_step(web, user):
    return web.post("/login", {"email": user.email, "password": PASSWORD})


def _recovery_step(web, code):
    return web.post("/login/recovery-code", {"code": code}, token_from="/login/recovery-code")


def test_the_two_factor_step_offers_a_recovery_code(web, holder):
    user, _codes = holder
    _password_step(web, user)
    page = web.get("/login/two-factor")
    assert 'href="/login/recovery-code"' in page.get_data(as_text=True)
    assert "use a recovery code" in text(page)


def test_a_recovery_code_completes_sign_in_and_says_how_many_are_left(web, holder):
    user, codes = holder
    _password_step(web, user)
    response = _recovery_step(web, codes[5])
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = web.get("/")
    assert home.status_code == 200
    assert "9 of your codes are left" in text(home)


def test_a_used_recovery_code_does_not_sign_in_again(web, holder):
    user, codes = holder
    _password_step(web, user)
    _recovery_step(web, codes[0])
    web.post("/logout", token_from="/account")
    _password_step(web, user)
    response = _recovery_step(web, codes[0])
    assert response.status_code == 400
    assert "Enter one of your recovery codes that has not been used" in text(response)
    assert web.get("/account").status_code == 302


def test_a_wrong_recovery_code_keeps_what_was_typed(web, holder):
    user, _codes = holder
    _password_step(web, user)
    response = _recovery_step(web, "wxyz-wxyz-wxyz-wxyz")
    assert response.status_code == 400
    assert 'value="wxyz-wxyz-wxyz-wxyz"' in response.get_data(as_text=True)


def test_wrong_recovery_codes_lock_like_wrong_app_codes(web, holder, conf):
    user, _codes = holder
    _password_step(web, user)
    for _ in range(conf.login_max_failures):
        response = _recovery_step(web, "wxyz-wxyz-wxyz-wxyz")
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert _password_step(web, user).status_code == 429


def test_a_recovery_code_needs_the_password_first(web, holder):
    _user, codes = holder
    response = web.post("/login/recovery-code", {"code": codes[0]}, token_from="/login")
    assert response.status_code == 302
    assert web.get("/account").status_code == 302


# --- The account pages over HTTP -------------------------------------------------------------------


def _secret_on(page):
    found = re.search(r"Key for typing in: ([A-Z2-7]{4}(?: [A-Z2-7]{4})*)", text(page))
    assert found
    return found.group(1).replace(" ", "")


def test_turning_two_factor_on_shows_the_codes_once(web, login, session):
    user = login.as_new_user()
    secret = _secret_on(web.get("/account/two-factor"))
    response = web.post(
        "/account/two-factor", {"code": _totp(secret), "next": "/admin/"}, token_from="/account/two-factor"
    )
    assert response.status_code == 200
    shown = CODE.findall(text(response))
    assert len(set(shown)) == 10
    assert "You will not be shown these codes again" in text(response)
    assert 'href="/admin/"' in response.get_data(as_text=True)
    with transaction(fresh(session)):
        assert recovery.use_code(session, session.get(User, user.id), shown[0])
    again = text(web.get("/account/two-factor")) + text(web.get("/account"))
    assert not set(CODE.findall(again)) & set(shown)


def test_the_account_page_says_how_many_codes_are_left(web, login, holder, session):
    user, codes = holder
    login(user)
    with transaction(fresh(session)):
        recovery.use_code(session, session.get(User, user.id), codes[0])
        recovery.use_code(session, session.get(User, user.id), codes[1])
    assert "Recovery codes 8 left" in text(web.get("/account"))
    assert "You have 8 of 10 recovery codes left" in text(web.get("/account/two-factor"))


def test_getting_new_codes_shows_them_and_retires_the_old(web, login, holder, session):
    user, old = holder
    login(user)
    response = web.post(
        "/account/two-factor/recovery-codes", {"codes-password": PASSWORD}, token_from="/account/two-factor"
    )
    assert response.status_code == 200
    new = CODE.findall(text(response))
    assert len(set(new)) == 10
    assert not set(new) & set(old)
    assert "Your earlier recovery codes no longer work" in text(response)
    assert "You have 10 of 10 recovery codes left" in text(web.get("/account/two-factor"))
    with transaction(fresh(session)):
        assert not recovery.use_code(session, session.get(User, user.id), old[0])


def test_getting_new_codes_with_a_wrong_password_is_a_clear_error(web, login, holder, session):
    user, old = holder
    login(user)
    response = web.post(
        "/account/two-factor/recovery-codes",
        {"codes-password": "not-the-password-at-all"},
        token_from="/account/two-factor",
    )
    assert response.status_code == 400
    assert "Enter your current password, or a current code from your authenticator app" in text(response)
    assert not CODE.findall(text(response))
    with transaction(fresh(session)):
        assert recovery.use_code(session, session.get(User, user.id), old[0])


def test_getting_new_codes_without_two_factor_is_refused(web, login):
    login.as_new_user()
    response = web.post(
        "/account/two-factor/recovery-codes", {"codes-password": PASSWORD}, token_from="/account/two-factor"
    )
    assert response.status_code == 409
    assert not CODE.findall(text(response))


def test_getting_new_codes_without_a_csrf_token_is_refused(web, login, holder):
    user, _old = holder
    login(user)
    response = web.client.post("/account/two-factor/recovery-codes", data={"codes-password": PASSWORD})
    assert response.status_code == 400
    assert not CODE.findall(text(response))
