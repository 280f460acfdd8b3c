"""Personal feed keys: shown and reset in the account area, accepted on feed URLs only, refused (all in
the same way) when wrong, reset, revoked with the sessions, or held by an account that may not read."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from polka.accounts import credentials, feed_keys, services
from polka.accounts.models import AccountStatus, FeedKey, User
from polka.audit.models import AuditEntry
from polka.db import transaction
from tests.conftest import PASSWORD
from tests.feeds.conftest import reveal
from tests.support import Web, text

MINE = "/feeds/mine.atom"


def feed_with(web: Web, key: str, path: str = MINE):
    return web.get(f"{path}?key={key}")


# The account page ---------------------------------------------------------------------------------


def test_the_feed_page_keeps_the_key_hidden_until_asked(web, login):
    login.as_new_user()
    page = web.get("/account/feeds")
    assert page.status_code == 200
    assert "You do not have a feed key yet." in text(page)
    assert 'id="feed-key"' not in page.get_data(as_text=True)


def test_showing_the_links_gives_a_key_that_reads_the_personal_feed(web, login, reader_app):
    login.as_new_user()
    key = reveal(web)
    page = web.post("/account/feeds/reveal", token_from="/account/feeds").get_data(as_text=True)
    assert f"http://localhost/feeds/mine.atom?key={key}" in page
    assert feed_with(reader_app, key).status_code == 200


def test_showing_the_links_again_shows_the_same_key(web, login):
    login.as_new_user()
    assert reveal(web) == reveal(web)


def test_the_database_holds_only_a_hash_of_the_secret(web, login, session):
    user = login.as_new_user()
    key = reveal(web)
    key_id, secret = key.split(".")
    row = session.scalars(select(FeedKey).where(FeedKey.user_id == user.id)).one()
    assert row.key_id == key_id
    assert secret not in row.secret_hash
    assert len(row.secret_hash) == 64


def test_the_account_page_and_the_home_page_link_to_the_feed_page(web, login):
    login.as_new_user()
    assert 'href="/account/feeds"' in web.get("/account").get_data(as_text=True)
    home = web.get("/").get_data(as_text=True)
    assert 'href="/account/feeds"' in home
    assert 'type="application/atom+xml" title="New in your communities" href="/feeds/mine.atom"' in home


@pytest.mark.parametrize("path", ["/account/feeds/reveal", "/account/feeds/reset"])
def test_showing_and_resetting_need_a_csrf_token(web, login, session, path):
    user = login.as_new_user()
    assert web.client.post(path).status_code == 400
    assert session.scalars(select(FeedKey).where(FeedKey.user_id == user.id)).first() is None


# Reset and revocation -----------------------------------------------------------------------------


def test_resetting_refuses_the_old_key_and_the_new_one_works(web, login, reader_app):
    login.as_new_user()
    old = reveal(web)
    response = web.post("/account/feeds/reset", token_from="/account/feeds")
    assert "Your feed key has been reset. Links with the old key no longer work." in text(response)
    new = reveal(web)
    assert new != old
    assert feed_with(reader_app, old).status_code == 404
    assert feed_with(reader_app, new).status_code == 200


def test_signing_out_of_other_sessions_ends_the_key(web, login, reader_app):
    login.as_new_user()
    key = reveal(web)
    response = web.post("/account/sessions/end-others", token_from="/account")
    assert response.status_code == 302
    assert "Your feed key has been reset" in text(web.get("/account"))
    assert feed_with(reader_app, key).status_code == 404


def test_changing_the_password_ends_the_key(web, login, app, session, reader_app):
    user = login.as_new_user()
    key = reveal(web)
    with transaction(session):
        credentials.change_password(
            session,
            app.extensions["polka.passwords"],
            session.merge(user),
            PASSWORD,
            "another-long-passphrase-77",
            app.extensions["polka.settings"],
        )
    assert feed_with(reader_app, key).status_code == 404


def test_suspending_the_account_ends_the_key_for_good(web, login, make, session, reader_app):
    user = login.as_new_user()
    key = reveal(web)
    admin = make.admin()
    with transaction(session):
        services.suspend_user(session, session.merge(admin), session.merge(user), "On leave")
    assert feed_with(reader_app, key).status_code == 404
    with transaction(session):
        services.reactivate_user(session, session.merge(admin), session.merge(user))
    assert feed_with(reader_app, key).status_code == 404


def test_the_key_of_an_account_that_is_not_active_is_refused(web, login, session, reader_app):
    """Whatever way an account stops being active, its key stops with it, even if the row is left."""
    user = login.as_new_user()
    key = reveal(web)
    with transaction(session):
        session.execute(update(User).where(User.id == user.id).values(status=AccountStatus.SUSPENDED))
    assert feed_with(reader_app, key).status_code == 404


# Feed URLs only, never a session ------------------------------------------------------------------


def test_a_key_signs_nobody_in(web, login, app, reader_app):
    login.as_new_user()
    key = reveal(web)
    response = feed_with(reader_app, key)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_key_sent_as_the_session_cookie_is_not_a_session(web, login, app):
    login.as_new_user()
    key = reveal(web)
    browser = app.test_client()
    browser.set_cookie("polka_session", key)
    response = browser.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert browser.get(MINE).status_code == 302


@pytest.mark.parametrize("path", ["/account", "/", "/c/", "/account/feeds"])
def test_a_key_on_a_page_that_is_not_a_feed_is_ignored(web, login, reader_app, path):
    login.as_new_user()
    key = reveal(web)
    response = reader_app.get(f"{path}?key={key}")
    if path == "/":
        assert "Sign in" in text(response)  # the welcome page a visitor sees
        assert "Welcome," not in text(response)
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_signed_in_browser_reads_the_feed_without_a_key(web, login):
    login.as_new_user()
    assert web.get(MINE).status_code == 200


def test_no_key_and_no_session_is_sent_to_sign_in(reader_app):
    response = reader_app.get(MINE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_wrong_key_gets_the_same_empty_answer_as_an_unknown_one(web, login, make, session, reader_app):
    login.as_new_user()
    key = reveal(web)
    key_id, secret = key.split(".")
    suspended = make.user()
    login(suspended)
    suspended_key = reveal(web)
    with transaction(session):
        session.execute(update(User).where(User.id == suspended.id).values(status=AccountStatus.SUSPENDED))
    wrong_secret = f"{key_id}.{'A' * len(secret)}"
    unknown_id = f"{'0' * 16}.{secret}"
    answers = [
        feed_with(reader_app, presented)
        for presented in (wrong_secret, unknown_id, "nonsense", "", suspended_key)
    ]
    assert {(r.status_code, r.get_data(), r.headers.get("Content-Type")) for r in answers} == {
        (404, b"", answers[0].headers.get("Content-Type"))
    }


@pytest.fixture
def few_guesses(settings_overrides):
    settings_overrides["ip_max_failures"] = 3
    return settings_overrides


def test_a_client_that_keeps_guessing_is_refused_even_with_a_right_key(few_guesses, web, login, reader_app):
    login.as_new_user()
    key = reveal(web)
    for _ in range(3):
        assert feed_with(reader_app, "0123456789abcdef." + "B" * 43).status_code == 404
    assert feed_with(reader_app, key).status_code == 429


# Rules of the key itself ---------------------------------------------------------------------------


def test_making_and_resetting_a_key_are_audited_without_the_key(web, login, session):
    user = login.as_new_user()
    first = reveal(web)
    web.post("/account/feeds/reset", token_from="/account/feeds")
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.target_id == str(user.id)).order_by(AuditEntry.id)
    ).all()
    actions = [e.action for e in entries]
    assert actions[-3:] == ["feed_key.created", "feed_key.reset", "feed_key.created"]
    assert not [e for e in entries if first.split(".")[1] in (e.detail or "")]


def test_a_key_whose_secret_no_longer_matches_is_replaced_when_shown(make, session):
    """After the app's secret key changes, showing the key makes a new one rather than show a key that
    does not work, and the old one stops."""
    user = make.user()
    with transaction(session):
        old = feed_keys.reveal_feed_key(session, session.merge(user), "first secret")
    with transaction(session):
        new = feed_keys.reveal_feed_key(session, session.merge(user), "second secret")
    assert new != old
    assert feed_keys.user_for_feed_key(session, old) is None
    found = feed_keys.user_for_feed_key(session, new)
    assert found is not None
    assert found.id == user.id
