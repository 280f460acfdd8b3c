"""A form sent after its session ended (or with a stale CSRF token) is never thrown away.

The answer says nothing was saved and shows what was typed; signing in again (two-factor too) returns to
the form's page with the values filled in and nothing sent; the values go to no one else.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from io import BytesIO
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polka.accounts.kept import KEPT_FOR, KeptForm, Typed, keep_form, take_kept_form
from polka.accounts.models import User, UserSession
from polka.communities.models import Community, Role
from polka.db import transaction, utcnow
from polka.markings import Marking
from polka.wiki import services
from polka.wiki.models import WikiPage, WikiRevision
from tests.conftest import PASSWORD, Factory, Login
from tests.support import Web, csrf_from, text

TYPED = "Stop the vehicle only where it is safe.\nRecord the reason code — every time."
SUMMARY = "Safer stops, after the March review"


@pytest.fixture
def community(make: Factory) -> Community:
    return make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)


def wiki_page(session: Session, author: User, community: Community) -> WikiPage:
    """The page "Vehicle stops", saying "The old text."."""
    with transaction(session):
        saved = services.create_page(
            session,
            session.merge(author),
            session.merge(community),
            title="Vehicle stops",
            edit=services.Edit(body="The old text.\n", summary="", marking=Marking.OFFICIAL),
        )
    return saved.revision.page


@pytest.fixture
def page(session: Session, make: Factory, community: Community) -> WikiPage:
    return wiki_page(session, make.member(community, role=Role.MODERATOR), community)


def edit_url(community: Community, page: WikiPage) -> str:
    return f"/c/{community.slug}/wiki/{page.slug}/edit"


def end_sessions(session: Session, user: User | None = None) -> None:
    """Let the idle limit pass for every session (of ``user``), as if the person had gone for lunch."""
    query = update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=3))
    if user is not None:
        query = query.where(UserSession.user_id == user.id)
    session.rollback()  # a read begun earlier cannot turn into this write on SQLite
    with transaction(session):
        session.execute(query)


def revisions(session: Session, page: WikiPage) -> int:
    session.rollback()
    return session.scalar(select(func.count(WikiRevision.id)).where(WikiRevision.page_id == page.id)) or 0


def send_edit(web: Web, url: str, token: str, **fields: Any) -> Any:
    """Submit the editor's form as the browser would: the page's token and the page as Referer."""
    data = {"body": TYPED, "summary": SUMMARY, "marking": "OFFICIAL", "base": "1", "base_marking": "OFFICIAL"}
    data.update(fields)
    return web.client.post(
        url, data={"csrf_token": token, **data}, headers={"Referer": f"http://localhost{url}"}
    )


def continue_link(response: Any) -> str:
    found = re.search(r'<a class="govuk-button"[^>]*href="([^"]+)"', response.get_data(as_text=True))
    assert found, "no button to carry on"
    return html.unescape(found.group(1))


def sign_in_from(web: Web, login_url: str, user: User, login: Login) -> Any:
    """Sign in on the page the 'Sign in again' button opens (answering the two-factor step)."""
    response = web.post(login_url, {"email": user.email, "password": PASSWORD}, token_from=login_url)
    assert response.status_code == 302, text(response)[:500]
    if "/login/two-factor" in response.headers["Location"]:
        login.forget_last_code(user)
        response = web.post(
            "/login/two-factor", {"code": pyotp.TOTP(user.totp_secret).now()}, token_from="/login/two-factor"
        )
        assert response.status_code == 302
    return response


def field_value(page: str, name: str) -> str:
    """The value a form on ``page`` shows in its field ``name`` (text box or text area)."""
    name = re.escape(name)
    textarea = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    if textarea:
        return html.unescape(textarea.group(1)).replace("\r\n", "\n").removeprefix("\n")
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture
def expired_edit(web: Web, login: Login, make: Factory, session: Session, community, page) -> dict[str, Any]:
    """A member opened the editor, typed, went quiet past the idle limit, then pressed Save."""
    member = login(make.member(community, make.user("Priya Shah")))
    url = edit_url(community, page)
    token = csrf_from(web.get(url).get_data(as_text=True))
    end_sessions(session)
    response = send_edit(web, url, token)
    return {"member": member, "url": url, "response": response}


def test_a_form_sent_after_the_session_ended_says_so_and_shows_what_was_typed(expired_edit, session, page):
    response = expired_edit["response"]
    assert response.status_code == 401
    shown = text(response)
    assert "Your session has ended" in shown
    assert "Nothing was saved" in shown
    assert " ".join(TYPED.split()) in shown
    assert SUMMARY in shown
    assert "Sign in again" in shown
    assert "Action save" not in shown, "a button's value is not something typed"
    assert revisions(session, page) == 1


def test_signing_in_again_returns_to_the_form_with_everything_filled_in(
    expired_edit, web, login, session, page
):
    response = sign_in_from(web, continue_link(expired_edit["response"]), expired_edit["member"], login)
    back = response.headers["Location"]
    assert back.startswith(expired_edit["url"] + "?kept=")
    form_page = web.get(back)
    assert form_page.status_code == 200
    body = form_page.get_data(as_text=True)
    assert field_value(body, "body") == TYPED
    assert field_value(body, "summary") == SUMMARY
    assert "Nothing has been saved yet" in text(form_page)
    assert revisions(session, page) == 1, "signing in again must not send the form"


def test_the_two_factor_step_returns_to_the_form_too(web, login, make, session, community, page):
    manager = login(make.member(community, make.user("Mina Manager", two_factor=True), Role.MANAGER))
    url = edit_url(community, page)
    token = csrf_from(web.get(url).get_data(as_text=True))
    end_sessions(session)
    expired = send_edit(web, url, token)
    response = sign_in_from(web, continue_link(expired), manager, login)
    body = web.get(response.headers["Location"]).get_data(as_text=True)
    assert field_value(body, "body") == TYPED


def test_the_typed_values_come_back_once_only(expired_edit, web, login):
    back = sign_in_from(web, continue_link(expired_edit["response"]), expired_edit["member"], login)
    web.get(back.headers["Location"])
    again = web.get(back.headers["Location"]).get_data(as_text=True)
    assert field_value(again, "body").strip() == "The old text."
    assert field_value(again, "summary") == ""


def test_someone_else_signing_in_does_not_get_what_was_typed(expired_edit, web, login, make, community):
    other = make.member(community, make.user("Dev Okafor"))
    link = continue_link(expired_edit["response"])
    back = sign_in_from(web, link, other, login).headers["Location"]
    page = web.get(back).get_data(as_text=True)
    assert TYPED.split("\n")[0] not in page
    assert SUMMARY not in page
    # … and the values still wait for the person who typed them.
    back = sign_in_from(web, link, expired_edit["member"], login).headers["Location"]
    assert field_value(web.get(back).get_data(as_text=True), "summary") == SUMMARY


def test_values_kept_for_a_form_come_back_only_on_its_own_page(expired_edit, web, login, community):
    link = continue_link(expired_edit["response"])
    token = re.search(r"kept%3D([\w-]+)|kept=([\w-]+)", link)
    assert token
    value = token.group(1) or token.group(2)
    login(expired_edit["member"])
    page = web.get(f"/c/{community.slug}/wiki/new?kept={value}").get_data(as_text=True)
    assert TYPED.split("\n")[0] not in page


def test_the_kept_values_are_bound_to_the_account_whose_session_ended(expired_edit, session):
    session.rollback()
    kept = session.scalars(select(KeptForm)).all()
    assert [row.user_id for row in kept] == [expired_edit["member"].id]


def test_passwords_are_never_kept_or_shown(web, login, session):
    login.as_new_user()
    token = csrf_from(web.get("/account").get_data(as_text=True))
    end_sessions(session)
    response = web.client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "secret-gravel-otter-88"},
        headers={"Referer": "http://localhost/account"},
    )
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert PASSWORD not in page
    assert "secret-gravel-otter-88" not in page
    assert "Passwords are never kept" in text(response)
    session.rollback()
    stored = " ".join(row.fields for row in session.scalars(select(KeptForm)))
    assert PASSWORD not in stored
    assert "secret-gravel-otter-88" not in stored
    assert token not in stored


def test_a_stale_token_with_a_live_session_offers_the_form_again_without_signing_in(
    web, login, make, session, community, page
):
    member = login(make.member(community))
    url = edit_url(community, page)
    old_token = csrf_from(web.get(url).get_data(as_text=True))
    login(member)  # signed in again in another tab: the cookie, and its CSRF secret, are new
    response = send_edit(web, url, old_token)
    assert response.status_code == 400
    assert "Nothing was saved" in text(response)
    assert SUMMARY in text(response)
    link = continue_link(response)
    assert link.startswith(url + "?kept=")
    body = web.get(link).get_data(as_text=True)
    assert field_value(body, "body") == TYPED
    assert revisions(session, page) == 1


def test_a_form_sent_after_signing_out_in_another_tab_is_kept(web, login, make, session, community, page):
    member = login(make.member(community))
    url = edit_url(community, page)
    token = csrf_from(web.get(url).get_data(as_text=True))
    web.post("/logout", token_from=url)
    response = send_edit(web, url, token)
    assert response.status_code == 401
    assert SUMMARY in text(response)
    back = sign_in_from(web, continue_link(response), member, login).headers["Location"]
    assert field_value(web.get(back).get_data(as_text=True), "summary") == SUMMARY
    assert revisions(session, page) == 1


def test_chosen_files_are_named_and_asked_for_again(web, login, make, session, community):
    login(make.member(community))
    upload = f"/c/{community.slug}/docs/upload"
    token = csrf_from(web.get(upload).get_data(as_text=True))
    end_sessions(session)
    response = web.client.post(
        upload,
        data={"csrf_token": token, "files": (BytesIO(b"minutes"), "Minutes 12 March.txt")},
        content_type="multipart/form-data",
        headers={"Referer": f"http://localhost{upload}"},
    )
    assert response.status_code == 401
    assert "Files are not kept: choose it again on the form (Minutes 12 March.txt)" in text(response)
    session.rollback()
    assert "minutes" not in " ".join(row.fields for row in session.scalars(select(KeptForm)))


def test_a_script_asking_for_json_gets_json_and_nothing_is_kept(web, login, make, session, community, page):
    login(make.member(community))
    url = edit_url(community, page)
    token = csrf_from(web.get(url).get_data(as_text=True))
    end_sessions(session)
    response = web.client.post(
        url, data={"csrf_token": token, "body": TYPED}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert response.get_json()["signed_in"] is False
    session.rollback()
    assert session.scalars(select(KeptForm)).all() == []


def test_signing_out_after_the_session_ended_just_signs_out(web, login, session):
    login.as_new_user()
    token = csrf_from(web.get("/account").get_data(as_text=True))
    end_sessions(session)
    response = web.client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert "You have signed out" in text(response)


def test_a_kept_form_for_a_public_page_comes_back_without_signing_in(web, make, session):
    """The sign-in form itself, sent with a token from an older cookie: the address comes back, never the password."""
    old = csrf_from(web.get("/register").get_data(as_text=True))
    web.client.delete_cookie("polka_session")
    response = web.client.post(
        "/register",
        data={
            "csrf_token": old,
            "name": "Sam Osei",
            "email": "sam.osei@kent.police.uk",
            "password": PASSWORD,
        },
        headers={"Referer": "http://localhost/register"},
    )
    assert response.status_code == 400
    assert PASSWORD not in response.get_data(as_text=True)
    body = web.get(continue_link(response)).get_data(as_text=True)
    assert field_value(body, "name") == "Sam Osei"
    assert field_value(body, "email") == "sam.osei@kent.police.uk"
    assert PASSWORD not in body


def test_kept_values_expire(session, make):
    owner = make.user()
    with transaction(session):
        token = keep_form(session, session.merge(owner), "/account", Typed((("name", "Sam"),)))
    with transaction(session):
        later = utcnow() + KEPT_FOR + timedelta(minutes=1)
        assert take_kept_form(session, token, session.merge(owner), "/account", now=later) is None
        assert take_kept_form(session, token, session.merge(owner), "/account") == Typed((("name", "Sam"),))


def test_values_kept_without_a_known_account_go_to_whoever_holds_the_token_once(session, make):
    with transaction(session):
        token = keep_form(session, None, "/c/request", Typed((("name", "Farm watch"),)))
    with transaction(session):
        first = take_kept_form(session, token, session.merge(make.user()), "/c/request")
        assert first == Typed((("name", "Farm watch"),))
        assert take_kept_form(session, token, None, "/c/request") is None
