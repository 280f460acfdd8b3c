"""A question session in Chromium, three people in three browser contexts: a participant asks, the
moderator's queue shows the question by itself and the moderator approves it, and another participant's
page shows it — without reloading — and says so once, politely, to screen readers; their vote reaches
the asker's page, and so does "now answering". Without JavaScript the page still works by reloading:
a refresh link, asking and voting with ordinary forms. Every page passes axe-core at desktop and phone
widths."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy.orm import Session

from polka.communities.models import Role
from tests.browser.conftest import DESKTOP, HtmlChecker, ServedPages, Tab, check_page
from tests.conftest import Factory
from tests.live.conftest import LiveFactory

pytestmark = pytest.mark.browser

QUESTION = "Will the April figures include the new court resulting?"


@pytest.fixture
def live(session: Session, make: Factory) -> LiveFactory:
    return LiveFactory(session, make)


@pytest.fixture
def tabs(
    browser: Browser, html_checker: HtmlChecker, live_server: str, served_pages: ServedPages, app: Flask
) -> Iterator[list[Tab]]:
    """Three more browser contexts (no cookies shared), and one with JavaScript turned off."""
    contexts = [browser.new_context(viewport=DESKTOP) for _ in range(2)]
    contexts.append(browser.new_context(viewport=DESKTOP, java_script_enabled=False))
    for context in contexts:
        context.set_default_timeout(15_000)
    yield [Tab(context.new_page(), live_server, app, html_checker, served_pages) for context in contexts]
    for context in contexts:
        context.close()


def send(tab: Tab) -> None:
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Send the question')")
    tab.check_html()


def test_a_question_approved_appears_on_everyones_page_without_reloading(
    tab: Tab, tabs: list[Tab], make: Factory, live: LiveFactory
) -> None:
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Gareth Hughes"), Role.MODERATOR)
    lead = make.member(community, make.user("Sandra Okafor"))
    asker = make.member(community, make.user("Claire Whitfield"))
    watcher = make.member(community, make.user("Tom Brennan"))
    offline = make.member(community, make.user("Priya Nair"))
    held = live.session_in(community, lead, "PNC data quality: open questions", panel=[lead], moderators=[])
    earlier = live.approved(held, offline, moderator, "Are the figures adjusted for bank holidays?")
    url = f"/c/{community.slug}/live/{held.id}"
    watching, moderating, no_script = tabs

    watching.sign_in(watcher)
    watching.visit(url)
    watching.page.evaluate(
        """() => {
            window.notReloaded = true;
            window.announced = [];
            const region = document.getElementById("live-announcer");
            new MutationObserver(() => region.textContent && window.announced.push(region.textContent))
                .observe(region, {childList: true, characterData: true, subtree: true});
        }"""
    )
    assert watching.page.get_attribute("#live-announcer", "aria-live") == "polite"
    assert not watching.page.is_visible("text=Refresh the page to see new questions")  # it updates itself
    check_page(watching, "a live session, as a participant")

    moderating.sign_in(moderator)
    moderating.visit(f"{url}/moderate")
    check_page(moderating, "the session's moderation queue")

    tab.sign_in(asker)
    tab.visit(url)
    tab.page.fill("#body", QUESTION)
    send(tab)
    assert "Waiting" in tab.page.inner_text("#live-board")

    # the moderator's queue shows it by itself, and they approve it
    question = moderating.page.locator("#live-queue li", has_text=QUESTION)
    question.wait_for(timeout=10_000)
    with moderating.page.expect_navigation():
        question.locator("button", has_text="Approve").click()
    moderating.check_html()

    # the watcher's page shows it without reloading, and says so once
    watching.page.locator("#live-board li", has_text=QUESTION).wait_for(timeout=10_000)
    assert watching.page.evaluate("() => window.notReloaded") is True
    watching.page.wait_for_function("() => window.announced.length > 0", timeout=5_000)
    assert watching.page.evaluate("() => window.announced") == ["1 new question."]
    watching.page.wait_for_timeout(5_000)  # two polls that bring nothing say nothing
    assert watching.page.evaluate("() => window.announced") == ["1 new question."]
    check_page(watching, "a live session after an update")

    # the watcher votes (the form posts and comes back); the asker's page shows the vote by itself
    voted = watching.page.locator("#live-board li", has_text=QUESTION)
    with watching.page.expect_navigation():
        voted.locator("button", has_text="Vote for this question").click()
    tab.page.locator(f"#live-board li:has-text('{QUESTION}') .polka-live-votes", has_text="1 vote").wait_for(
        timeout=10_000
    )

    # the moderator says which question is being answered: everyone's page shows it
    moderating.visit(url)
    with moderating.page.expect_navigation():
        moderating.page.locator("#live-board li", has_text=earlier.body).locator(
            "button", has_text="Answering now"
        ).click()
    tab.page.locator(".polka-live-answering", has_text=earlier.body).wait_for(timeout=10_000)
    watching.page.locator(".polka-live-answering", has_text=earlier.body).wait_for(timeout=10_000)
    check_page(tab, "a live session with a question being answered")

    # without JavaScript: a refresh link, and ordinary forms
    no_script.sign_in(offline)
    no_script.visit(url)
    assert no_script.page.is_visible("text=Refresh the page to see new questions and answers")
    no_script.page.fill("#body", "Can we see the figures for each region too?")
    send(no_script)
    assert "Can we see the figures for each region too?" in no_script.page.inner_text("#live-board")
    with no_script.page.expect_navigation():
        no_script.page.locator("#live-board li", has_text=QUESTION).locator(
            "button", has_text="Vote for this question"
        ).click()
    assert "2 votes" in no_script.page.inner_text("#live-board")
    for opened in (tab, watching, moderating, no_script):
        assert opened.console_errors == []
