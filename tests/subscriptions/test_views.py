"""Following over HTTP: the account page's list of what one follows (grouped, paged, each removable,
nothing shown of what one may no longer see), and following a community from its home page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from polka.communities import membership
from polka.db import transaction
from polka.subscriptions import services
from polka.subscriptions.models import Subscription
from tests.subscriptions.conftest import KINDS
from tests.support import text

FOLLOWING = "/account/following"


def follow(app, session, user, kind, object_id) -> None:
    with app.test_request_context(), transaction(session):
        services.follow(session, session.merge(user), kind, object_id)


def subscriptions_of(session, user) -> list[tuple[str, int]]:
    session.rollback()
    rows = session.execute(
        select(Subscription.kind, Subscription.object_id).where(Subscription.user_id == user.id)
    )
    return sorted((kind, object_id) for kind, object_id in rows)


def remove_buttons(page: str) -> list[str]:
    return re.findall(r'action="(/account/following/\d+/remove[^"]*)"', page)


def test_the_account_page_links_to_what_one_follows(web, login, estate):
    login(estate.member)
    assert f'href="{FOLLOWING}"' in web.get("/account").get_data(as_text=True)


def test_someone_following_nothing_is_told_how_to_follow(web, login, estate):
    login(estate.member)
    shown = text(web.get(FOLLOWING))
    assert "You are not following anything yet." in shown
    assert "Follow this community" in shown


def test_the_list_shows_each_kind_under_its_heading_with_its_current_title_and_link(
    app, session, web, login, estate
):
    for kind in KINDS:
        follow(app, session, estate.member, kind, estate.open.objects[kind])
    login(estate.member)
    response = web.get(FOLLOWING)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    headings = re.findall(r'<h2 class="govuk-heading-m">([^<]+)</h2>', page)
    assert headings == ["Communities", "Documents", "Folders", "Wiki pages"]
    slug = estate.open.community.slug
    for title, href in (
        ("Roads Policing", f"/c/{slug}/"),
        ("Roads minutes", f"/c/{slug}/docs/{estate.open.objects['docs.document']}"),
        ("Roads letters", f"/c/{slug}/docs/folders/{estate.open.objects['docs.folder']}"),
        ("Roads handbook", f"/c/{slug}/wiki/roads-handbook"),
    ):
        assert f'<a class="govuk-link" href="{href}">{title}</a>' in page
    assert len(remove_buttons(page)) == 4


def test_the_list_is_paged(app, session, web, login, estate, monkeypatch):
    monkeypatch.setattr(services, "PER_PAGE", 3)
    for kind in KINDS:
        follow(app, session, estate.member, kind, estate.open.objects[kind])
    login(estate.member)
    first = web.get(FOLLOWING).get_data(as_text=True)
    assert len(remove_buttons(first)) == 3
    assert f'href="{FOLLOWING}?page=2"' in first
    second = web.get(f"{FOLLOWING}?page=2")
    assert "Roads handbook" in text(second)
    assert ">Roads Policing</a>" not in second.get_data(as_text=True)  # the community was on page 1
    assert len(remove_buttons(second.get_data(as_text=True))) == 1


def test_remove_stops_following_and_says_what(app, session, web, login, estate):
    follow(app, session, estate.member, "docs.folder", estate.open.objects["docs.folder"])
    follow(app, session, estate.member, "wiki.page", estate.open.objects["wiki.page"])
    login(estate.member)
    page = web.get(FOLLOWING).get_data(as_text=True)
    response = web.post(remove_buttons(page)[0], token_from=FOLLOWING)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{FOLLOWING}?page=1")
    after = text(web.get(FOLLOWING))
    assert "You are no longer following “Roads letters”." in after
    assert subscriptions_of(session, estate.member) == [("wiki.page", estate.open.objects["wiki.page"])]


def test_something_one_may_no_longer_see_is_listed_without_its_title_and_can_be_removed(
    app, session, web, login, estate
):
    for kind in KINDS:
        follow(app, session, estate.insider, kind, estate.private.objects[kind])
    with transaction(session):
        membership.leave(session, session.merge(estate.insider), session.merge(estate.private.community))
    login(estate.insider)
    response = web.get(FOLLOWING)
    shown = text(response)
    assert shown.count("An item you can no longer see") >= 4
    for secret in ("Covert", "covert"):
        assert secret not in response.get_data(as_text=True)
    buttons = remove_buttons(response.get_data(as_text=True))
    assert len(buttons) == 4
    web.post(buttons[0], token_from=FOLLOWING)
    after = web.get(FOLLOWING)
    assert "You are no longer following that item." in text(after)
    assert "Covert" not in after.get_data(as_text=True)
    assert len(subscriptions_of(session, estate.insider)) == 3


def test_nobody_removes_someone_elses_subscription(app, session, web, login, estate):
    follow(app, session, estate.member, "communities.community", estate.open.community.id)
    mine = session.scalar(select(Subscription.id).where(Subscription.user_id == estate.member.id))
    login(estate.outsider)
    response = web.post(f"{FOLLOWING}/{mine}/remove", token_from=FOLLOWING)
    assert response.status_code == 404
    assert subscriptions_of(session, estate.member) == [("communities.community", estate.open.community.id)]


def test_remove_needs_a_csrf_token(app, session, web, login, estate):
    follow(app, session, estate.member, "communities.community", estate.open.community.id)
    mine = session.scalar(select(Subscription.id).where(Subscription.user_id == estate.member.id))
    login(estate.member)
    assert web.client.post(f"{FOLLOWING}/{mine}/remove").status_code == 400
    assert len(subscriptions_of(session, estate.member)) == 1


# Following a community from its home page -------------------------------------------------------


def test_anyone_who_may_see_an_open_community_follows_it_from_its_home_page(session, web, login, estate):
    home = f"/c/{estate.open.community.slug}/"
    login(estate.outsider)
    assert "Follow this community" in text(web.get(home))
    response = web.post(f"{home}follow", {"follow": "1"}, token_from=home)
    assert response.status_code == 302
    after = text(web.get(home))
    assert "You are following “Roads Policing”." in after
    assert "Stop following this community" in after
    assert subscriptions_of(session, estate.outsider) == [("communities.community", estate.open.community.id)]
    web.post(f"{home}follow", {"follow": "0"}, token_from=home)
    assert "You are no longer following “Roads Policing”." in text(web.get(home))
    assert subscriptions_of(session, estate.outsider) == []


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_a_private_community_cannot_be_followed_from_outside(session, web, login, estate, who):
    login(getattr(estate, who))
    response = web.post(f"/c/{estate.private.community.slug}/follow", {"follow": "1"}, token_from="/account")
    assert response.status_code == 404
    assert session.scalar(select(func.count()).select_from(Subscription)) == 0


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("wiki.page", "wiki/covert-handbook/watch"),
        ("docs.document", "docs/{id}/watch"),
        ("docs.folder", "docs/folders/{id}/watch"),
    ],
)
def test_a_private_communitys_watch_buttons_are_not_found_from_outside(
    session, web, login, estate, kind, path
):
    login(estate.outsider)
    url = f"/c/{estate.private.community.slug}/" + path.format(id=estate.private.objects[kind])
    assert web.post(url, {"watch": "1"}, token_from="/account").status_code == 404
    assert session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_a_library_folder_is_watched_and_listed(web, login, session, estate):
    folder = f"/c/{estate.open.community.slug}/docs/folders/{estate.open.objects['docs.folder']}"
    login(estate.member)
    assert "Watch this folder" in text(web.get(folder))
    web.post(f"{folder}/watch", {"watch": "1"}, token_from=folder)
    assert "Stop watching this folder" in text(web.get(folder))
    assert "Roads letters" in text(web.get(FOLLOWING))
