"""Signing in: the same answer for every failure, throttling per address and per client, rehashing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from polka.accounts import signin
from polka.accounts.models import AccountStatus, LoginFailure, LoginLock, User
from polka.accounts.passwords import PasswordHashing
from polka.accounts.signin import Outcome
from polka.audit.models import AuditEntry
from polka.db import transaction, utcnow
from polka.errors import TooManyRequests
from tests.accounts.conftest import fresh
from tests.conftest import PASSWORD
from tests.support import text

WRONG = "not-the-right-password-at-all"


def _attempt(session, hasher, conf, email, password, ip="127.0.0.1"):
    with transaction(fresh(session)):
        return signin.check_password(session, hasher, email, password, ip=ip, settings=conf)


def _post(web, email, password=WRONG, **kwargs):
    return web.post("/login", {"email": email, "password": password}, **kwargs)


# --- Rules at the service level -------------------------------------------------------------------


def test_the_right_password_signs_in(session, hasher, conf, make):
    user = make.user()
    assert _attempt(session, hasher, conf, user.email, PASSWORD).outcome is Outcome.SIGNED_IN


def test_the_address_is_matched_whatever_its_case_and_spaces(session, hasher, conf, make):
    make.user(email="case@met.police.uk")
    assert _attempt(session, hasher, conf, "  CASE@Met.Police.UK ", PASSWORD).outcome is Outcome.SIGNED_IN


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (AccountStatus.SUSPENDED, Outcome.FAILED),  # may not sign in: like a wrong password
        (AccountStatus.REJECTED, Outcome.FAILED),
        (AccountStatus.PENDING, Outcome.UNCONFIRMED),  # told to confirm the address, and only them
        (AccountStatus.ACTIVE, Outcome.UNCONFIRMED),
    ],
)
def test_an_unconfirmed_address_is_told_only_to_the_right_password(
    session, hasher, conf, make, status, outcome
):
    user = make.user()
    with transaction(fresh(session)):
        session.execute(update(User).where(User.id == user.id).values(status=status, email_verified_at=None))
    assert _attempt(session, hasher, conf, user.email, PASSWORD).outcome is outcome
    assert _attempt(session, hasher, conf, user.email, WRONG).outcome is Outcome.FAILED


def test_an_unknown_address_still_spends_an_argon2_check(session, conf, monkeypatch):
    hasher = PasswordHashing(time_cost=1, memory_kib=8192)
    calls = []
    monkeypatch.setattr(hasher, "verify", lambda h, p: calls.append(h) or False)
    _attempt(session, hasher, conf, "nobody@met.police.uk", WRONG)
    assert len(calls) == 1
    assert calls[0].startswith("$argon2id$")


def test_ten_failures_lock_the_address(session, hasher, conf, make):
    user = make.user()
    outcomes = [
        _attempt(session, hasher, conf, user.email, WRONG).outcome for _ in range(conf.login_max_failures)
    ]
    assert outcomes[:-1] == [Outcome.FAILED] * (conf.login_max_failures - 1)
    assert outcomes[-1] is Outcome.LOCKED
    assert _attempt(session, hasher, conf, user.email, PASSWORD).outcome is Outcome.LOCKED


def test_an_unknown_address_locks_exactly_like_a_real_one(session, hasher, conf, make):
    user = make.user()
    real = [
        _attempt(session, hasher, conf, user.email, WRONG).outcome for _ in range(conf.login_max_failures)
    ]
    ghost = [
        _attempt(session, hasher, conf, "ghost@met.police.uk", WRONG).outcome
        for _ in range(conf.login_max_failures)
    ]
    assert real == ghost


def test_the_lock_ends_after_the_lock_time(session, hasher, conf, make):
    user = make.user()
    for _ in range(conf.login_max_failures):
        _attempt(session, hasher, conf, user.email, WRONG)
    with transaction(fresh(session)):
        session.execute(update(LoginLock).values(locked_until=utcnow() - timedelta(seconds=1)))
        past = utcnow() - timedelta(minutes=conf.login_lock_minutes, seconds=1)
        session.execute(update(LoginFailure).values(at=past))
        session.execute(update(LoginLock).values(counted_from=past))
    assert _attempt(session, hasher, conf, user.email, PASSWORD).outcome is Outcome.SIGNED_IN


def test_failures_older_than_the_window_do_not_count(session, hasher, conf, make):
    user = make.user()
    for _ in range(conf.login_max_failures - 1):
        _attempt(session, hasher, conf, user.email, WRONG)
    with transaction(fresh(session)):
        old = utcnow() - timedelta(minutes=conf.login_window_minutes, seconds=1)
        session.execute(update(LoginFailure).values(at=old))
    assert _attempt(session, hasher, conf, user.email, WRONG).outcome is Outcome.FAILED


def test_a_successful_sign_in_starts_the_count_again(session, hasher, conf, make):
    user = make.user()
    for _ in range(conf.login_max_failures - 1):
        _attempt(session, hasher, conf, user.email, WRONG)
    assert _attempt(session, hasher, conf, user.email, PASSWORD).outcome is Outcome.SIGNED_IN
    assert _attempt(session, hasher, conf, user.email, WRONG).outcome is Outcome.FAILED


def test_too_many_failures_from_one_client_are_refused(session, hasher, set_conf):
    conf = set_conf(ip_max_failures=3)
    for n in range(3):
        _attempt(session, hasher, conf, f"someone{n}@met.police.uk", WRONG, ip="10.1.2.3")
    with pytest.raises(TooManyRequests):
        _attempt(session, hasher, conf, "another@met.police.uk", WRONG, ip="10.1.2.3")


def test_another_client_is_not_refused_for_someone_elses_failures(session, hasher, make, set_conf):
    conf = set_conf(ip_max_failures=3)
    user = make.user()
    for n in range(3):
        _attempt(session, hasher, conf, f"someone{n}@met.police.uk", WRONG, ip="10.1.2.3")
    assert _attempt(session, hasher, conf, user.email, PASSWORD, ip="10.9.9.9").outcome is Outcome.SIGNED_IN


def test_an_outdated_hash_is_upgraded_at_sign_in(session, conf, make):
    weak = PasswordHashing(time_cost=1, memory_kib=8192)
    user = make.user()
    strong = PasswordHashing(time_cost=2, memory_kib=8192)
    assert _attempt(session, strong, conf, user.email, PASSWORD).outcome is Outcome.SIGNED_IN
    new_hash = fresh(session).scalar(select(User.password_hash).where(User.id == user.id))
    assert "t=2" in new_hash
    assert not strong.needs_rehash(new_hash)
    assert weak.needs_rehash(new_hash)


# --- Over HTTP -------------------------------------------------------------------------------------


def test_signing_in_goes_home(web, make):
    user = make.user()
    response = _post(web, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signing_in_honours_an_on_site_next(web, make):
    user = make.user()
    response = web.post("/login?next=/c/", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/c/"


def test_a_wrong_password_and_an_unknown_address_look_the_same(web, make):
    user = make.user()
    wrong = _post(web, user.email)
    unknown = _post(web, "nobody@met.police.uk")
    assert wrong.status_code == unknown.status_code == 400
    assert text(wrong).replace(user.email, "X") == text(unknown).replace("nobody@met.police.uk", "X")
    assert "Enter a correct email address and password" in text(wrong)


def test_a_suspended_account_looks_like_a_wrong_password(web, make, session):
    user = make.user()
    with transaction(fresh(session)):
        session.execute(update(User).where(User.id == user.id).values(status=AccountStatus.SUSPENDED))
    suspended = _post(web, user.email, PASSWORD)
    unknown = _post(web, "nobody@met.police.uk", PASSWORD)
    assert suspended.status_code == unknown.status_code == 400
    assert text(suspended).replace(user.email, "X") == text(unknown).replace("nobody@met.police.uk", "X")


def test_the_form_keeps_the_address_but_not_the_password(web, make):
    user = make.user()
    body = _post(web, user.email, WRONG).get_data(as_text=True)
    assert f'value="{user.email}"' in body
    assert WRONG not in body


def test_the_lock_message_is_the_same_for_real_and_unknown_addresses(web, make, conf):
    user = make.user()
    for _ in range(conf.login_max_failures):
        real = _post(web, user.email)
        ghost = _post(web, "ghost@met.police.uk")
    assert real.status_code == ghost.status_code == 429
    assert text(real).replace(user.email, "X") == text(ghost).replace("ghost@met.police.uk", "X")
    assert "Too many attempts to sign in. Try again in 15 minutes." in text(real)


def test_a_locked_account_cannot_sign_in_with_the_right_password(web, make, conf):
    user = make.user()
    for _ in range(conf.login_max_failures):
        _post(web, user.email)
    response = _post(web, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in text(response)


def test_a_client_with_too_many_failures_gets_a_429_page(web, make, set_conf):
    set_conf(ip_max_failures=3)
    user = make.user()
    for n in range(3):
        _post(web, f"someone{n}@met.police.uk")
    response = _post(web, user.email, PASSWORD)
    assert response.status_code == 429
    assert "too many failed attempts to sign in from your network" in text(response)


def test_failures_and_locks_are_audited_without_the_password(web, make, conf, session):
    user = make.user()
    for _ in range(conf.login_max_failures):
        _post(web, user.email, "secret-guess-xyz")
    entries = fresh(session).scalars(select(AuditEntry)).all()
    actions = [e.action for e in entries]
    assert actions.count("login.failed") == conf.login_max_failures
    assert "login.locked" in actions
    assert not any("secret-guess-xyz" in f"{e.detail}{e.target_label}{e.actor_label}" for e in entries)


def test_signing_in_is_audited(web, make, session):
    user = make.user()
    _post(web, user.email, PASSWORD)
    entry = fresh(session).scalar(select(AuditEntry).where(AuditEntry.action == "login.succeeded"))
    assert entry.actor_id == user.id


@pytest.mark.parametrize("field", ["email", "password"])
def test_a_nul_byte_is_a_clear_form_error(web, field):
    data = {"email": "a@met.police.uk", "password": WRONG, field: "bad\x00value"}
    response = web.post("/login", data)
    assert response.status_code == 400
    assert "must not contain control characters" in text(response)


def test_an_over_long_address_is_a_clear_form_error(web):
    response = _post(web, "a" * 300 + "@met.police.uk")
    assert response.status_code == 400
    assert "254 characters or fewer" in text(response)


def test_signing_in_without_a_csrf_token_is_refused(web, make):
    user = make.user()
    response = web.client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Sign out" not in text(web.get("/login"))
