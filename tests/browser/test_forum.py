"""The forum in Chromium: a member starts a topic (after a preview and a refused empty title), another
replies and lands on the reply, a manager adds a category; every page on the way passes axe-core at
desktop and phone widths."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from polka.communities.models import Role
from polka.markings import Marking
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory
from tests.forum.conftest import ForumFactory

pytestmark = pytest.mark.browser


def test_start_a_topic_reply_and_manage_categories(tab: Tab, make: Factory, session: Session) -> None:
    forum = ForumFactory(session, make)
    manager = make.user("Sandra Okafor", email="sandra.okafor@met.police.uk", two_factor=True)
    asker = make.user("Priya Shah", email="priya.shah@met.police.uk")
    answerer = make.user("Gareth Hughes", email="gareth.hughes@gmp.police.uk")
    community = make.community("PNC Operators", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE)
    make.member(community, asker, Role.MEMBER)
    make.member(community, answerer, Role.MEMBER)
    forum.category(community, "Questions", manager=manager)
    base = f"/c/{community.slug}/forum"

    tab.sign_in(asker)
    tab.visit(f"{base}/")
    check_page(tab, "forum index")
    tab.page.click("text=Questions")
    tab.page.click("text=New topic")
    tab.page.fill("#body", "A keeper check shows the **previous** keeper.")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert tab.page.locator(".govuk-error-summary").count() == 1
    assert "A keeper check shows" in tab.page.input_value("#body")
    check_page(tab, "new topic with an error")
    tab.page.fill("#title", "Keeper check shows an old address")
    with tab.page.expect_navigation():
        tab.page.click("button[value=preview]")
    assert tab.page.inner_html(".polka-preview").count("<strong>previous</strong>") == 1
    check_page(tab, "new topic with a preview")
    tab.page.check("#is_question")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    topic_path = tab.path()
    assert "Keeper check shows an old address" in tab.page.inner_text("h1")
    check_page(tab, "topic")

    tab.sign_in(answerer)
    tab.visit(topic_path)
    tab.page.fill("#body", "We wait four weeks, then tell the bureau.")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert tab.page.url.endswith("#post-2")
    assert "We wait four weeks" in tab.page.inner_text("#post-2")
    tab.visit(f"{base}/latest")
    check_page(tab, "latest topics")

    tab.sign_in(manager)
    tab.visit(f"{base}/categories")
    tab.page.fill("#title", "Announcements")
    tab.page.check("input[value=announcements]")
    with tab.page.expect_navigation():
        tab.page.click("text=Add category")
    assert "Announcements" in tab.page.inner_text("table")
    check_page(tab, "manage categories")
    tab.page.click("text=Announcements (change)")
    check_page(tab, "change a category")
