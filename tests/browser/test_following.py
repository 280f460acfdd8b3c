"""What one follows, in Chromium: reached from the account page, grouped by kind with each item's
current title, something one may no longer see listed without its title, Remove working; axe-core
clean and readable at 375 px."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from polka.communities import membership
from polka.db import transaction
from polka.subscriptions import services
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory
from tests.subscriptions.conftest import KINDS, Estate, estate  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def follower(app: Flask, session: Session, make: Factory, estate: Estate):  # noqa: F811
    """The open community's member following one thing of each kind there, and the private community's
    wiki page from the time they were one of its members."""
    follower = estate.member
    make.member(estate.private.community, follower)
    with app.test_request_context(), transaction(session):
        user = session.merge(follower)
        for kind in KINDS:
            services.follow(session, user, kind, estate.open.objects[kind])
        services.follow(session, user, "wiki.page", estate.private.objects["wiki.page"])
    with transaction(session):
        membership.leave(session, session.merge(follower), session.merge(estate.private.community))
    return follower


def test_what_one_follows_is_listed_by_kind_and_each_can_be_removed(tab: Tab, follower) -> None:
    tab.sign_in(follower)
    tab.visit("/account")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="What you follow").click()
    assert tab.path() == "/account/following"
    shown = tab.page.inner_text("main")
    for heading in ("Communities", "Documents", "Folders", "Wiki pages"):
        assert tab.page.get_by_role("heading", name=heading).count() == 1
    assert "Roads handbook" in shown
    assert "An item you can no longer see" in shown
    assert "Covert" not in tab.page.content()
    check_page(tab, "what you follow")

    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Remove Roads letters").click()
    assert "You are no longer following “Roads letters”." in tab.page.inner_text("main")
    assert tab.page.get_by_role("heading", name="Folders").count() == 0
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Remove an item you can no longer see").click()
    assert "You are no longer following that item." in tab.page.inner_text("main")
    check_page(tab, "what you follow, after removing two")
