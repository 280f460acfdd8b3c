"""Notifications in Chromium: the header's count, the list and opening one, marking all read, the email
preferences with a pause, and the unsubscribe page reached from an email without signing in; axe-core
clean and readable at 375 px."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from polka.communities.models import Visibility
from polka.notifications.reasons import Reason
from polka.notifications.unsubscribe import token_for
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory
from tests.forum.conftest import ForumFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def asker(app: Flask, session: Session, make: Factory):
    """Asha, whose question has two replies and then a third mentioning her, all told to her."""
    forum = ForumFactory(session, make)
    community = make.community("Roads Policing", visibility=Visibility.RESTRICTED)
    asha = make.member(community, make.user("Asha Asker"))
    reg = make.member(community, make.user("Reg Replier"))
    topic = forum.topic(forum.category(community), asha, title="Speed camera vans")
    forum.reply(topic, reg, "We park them at the school.")
    forum.reply(topic, reg, "And at the ring road.")
    forum.reply(topic, reg, f"Ask @{asha.handle}'s team about the rota.")
    app.extensions["polka.jobs"].run_until_idle()
    return asha


def test_notifications_are_counted_listed_opened_and_marked_read(tab: Tab, asker) -> None:
    tab.sign_in(asker)
    header = tab.page.get_by_role("link", name="Notifications (3 unread)")
    assert header.count() == 1
    with tab.page.expect_navigation():
        header.click()
    assert tab.path() == "/notifications/"
    assert tab.page.get_by_role("heading", name="Today").count() == 1
    shown = tab.page.inner_text("main")
    assert "Mentions of you" in shown
    assert "Replies to you" in shown
    assert "Reg Replier replied to “Speed camera vans” (2 times)" in shown
    check_page(tab, "notifications")

    with tab.page.expect_navigation():
        tab.page.get_by_role(
            "button", name=re.compile(r"Mark as read\s*: Reg Replier .* \(replies to you\)")
        ).click()
    assert tab.page.get_by_role("link", name="Notifications (1 unread)").count() == 1

    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Reg Replier replied to “Speed camera vans”").first.click()
    assert "/forum/" in tab.path()
    assert "#post-" in tab.page.url
    # the topic is seen: every notification about it is read
    assert tab.page.get_by_role("link", name="Notifications", exact=True).count() == 1
    tab.visit("/notifications/")
    assert "Mark all as read" not in tab.page.inner_text("main")
    check_page(tab, "notifications, all read")


def test_email_preferences_are_chosen_and_email_paused(tab: Tab, asker) -> None:
    tab.sign_in(asker)
    tab.visit("/account")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Email preferences").click()
    check_page(tab, "email preferences")
    tab.page.get_by_role("group", name="Changes to what you follow").get_by_label(
        "In a weekly digest"
    ).check()
    tab.page.select_option("#digest_hour", "18")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Save preferences").click()
    assert "Your email preferences are saved." in tab.page.inner_text("main")
    group = tab.page.get_by_role("group", name="Changes to what you follow")
    assert group.get_by_label("In a weekly digest").is_checked()

    tab.page.fill("#days", "500")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Pause email").click()
    assert "Pause email for 1 to 90 days." in tab.page.inner_text("main")
    check_page(tab, "email preferences, a pause refused")
    tab.page.fill("#days", "14")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Pause email").click()
    assert "POLKA will send you no email until" in tab.page.inner_text("main")
    assert "Email is paused until" in tab.page.inner_text("main")


def test_an_emails_unsubscribe_link_works_without_signing_in(tab: Tab, app: Flask, asker) -> None:
    token = token_for(app.secret_key, asker.id, Reason.MENTION)
    tab.visit(f"/notifications/unsubscribe/{token}")
    assert "Stop emails about “mentions of you”?" in tab.page.inner_text("main")
    check_page(tab, "unsubscribe")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Unsubscribe").click()
    assert "POLKA will no longer send you emails about “mentions of you”." in tab.page.inner_text("main")
    check_page(tab, "unsubscribed")


def test_an_expired_or_altered_unsubscribe_link_says_so(tab: Tab, asker) -> None:
    tab.visit("/notifications/unsubscribe/not-a-token-of-ours", status=404)
    assert "This unsubscribe link has expired" in tab.page.inner_text("main")
    check_page(tab, "an unsubscribe link that does not work")
