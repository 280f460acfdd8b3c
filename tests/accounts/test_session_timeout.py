"""What the timeout warning asks the server: how long is left (without extending), and to stay signed in."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from polka.accounts.models import UserSession
from polka.db import transaction, utcnow
from tests.support import csrf_from


def _age(session, minutes):
    with transaction(session):
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=minutes)))


def _last_seen(session):
    session.rollback()
    return session.scalar(select(UserSession.last_seen_at))


def test_asking_how_long_is_left_does_not_extend_the_session(web, login, session, conf):
    login.as_new_user()
    _age(session, 10)
    before = _last_seen(session)
    answer = web.get("/session", headers={"Accept": "application/json"}).get_json()
    assert answer["signed_in"] is True
    expected = (conf.session_idle - timedelta(minutes=10)).total_seconds()
    assert expected - 5 <= answer["seconds_left"] <= expected
    assert answer["can_extend"] is True
    assert _last_seen(session) == before


def test_staying_signed_in_extends_the_session(web, login, session, conf):
    login.as_new_user()
    _age(session, 10)
    token = csrf_from(web.get("/account").get_data(as_text=True))
    _age(session, 10)  # the page view above was activity too; the dialog comes later
    response = web.client.post(
        "/session/extend", headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.get_json()["seconds_left"] >= conf.session_idle.total_seconds() - 5
    assert utcnow() - _last_seen(session) < timedelta(seconds=30)


def test_staying_signed_in_needs_the_csrf_token(web, login, session):
    login.as_new_user()
    _age(session, 10)
    before = _last_seen(session)
    response = web.client.post("/session/extend", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert _last_seen(session) == before


def test_after_the_session_ended_the_answer_says_so(web, login, session, conf):
    login.as_new_user()
    token = csrf_from(web.get("/account").get_data(as_text=True))
    _age(session, conf.session_idle_minutes + 1)
    assert web.get("/session").get_json() == {"signed_in": False}
    response = web.client.post(
        "/session/extend", headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
    assert response.status_code == 401
    assert response.get_json()["signed_in"] is False


def test_the_time_left_is_the_absolute_limit_when_that_comes_first(web, login, session, conf):
    login.as_new_user()
    with transaction(session):
        session.execute(
            update(UserSession).values(created_at=utcnow() - conf.session_absolute + timedelta(minutes=3))
        )
    answer = web.get("/session").get_json()
    assert answer["seconds_left"] <= 180
    assert answer["can_extend"] is False


def test_signed_in_pages_carry_the_warning_and_its_limits(web, login, conf):
    login.as_new_user()
    page = web.get("/account").get_data(as_text=True)
    dialog = re.search(r"<dialog[^>]*data-module=\"polka-timeout\"[^>]*>", page, re.S)
    assert dialog
    assert f'data-idle-seconds="{conf.session_idle_minutes * 60}"' in dialog.group(0)
    assert f'data-warn-seconds="{conf.session_warning_seconds}"' in dialog.group(0)


def test_pages_for_visitors_have_no_warning(web):
    assert "polka-timeout" not in web.get("/login").get_data(as_text=True)
