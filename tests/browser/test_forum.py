"""The forum in Chromium: a member starts a topic (after a preview and a refused empty title), another
replies quoting part of it and mentioning its author (chosen from the suggestions with the keyboard)
and lands on the reply, a manager adds a category; a debate gets a poll, a member votes, and its
starter closes the poll and records the decision; a moderator's move, merge and split pages; every
page on the way passes axe-core at desktop and phone widths."""

from __future__ import annotations

import re

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
    # Every link followed waits for its page: a request still running when the test ends would leave its
    # database connection to the garbage collector.
    with tab.page.expect_navigation():
        tab.page.click("text=Questions")
    with tab.page.expect_navigation():
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
    # Quote part of the question: select its last words, then Quote under it.
    tab.page.evaluate(
        """() => {
            const words = document.querySelector("#post-1 .polka-post__body p").lastChild;
            const range = document.createRange();
            range.setStart(words, 1);
            range.setEnd(words, words.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    tab.page.click("#post-1 >> text=Quote")
    typed = tab.page.input_value("#body")
    assert re.fullmatch(r"\[quote=post:[0-9]+\]\nkeeper\.\n\[/quote\]\n\n", typed), typed
    # Mention the asker: type @ and the start of her name, choose her with the keyboard.
    tab.page.locator("#body").press_sequentially("Thanks @pri")
    tab.page.wait_for_selector("#body-people [role=option]")
    check_page(tab, "a reply with a quote and people to mention")
    tab.page.keyboard.press("ArrowDown")
    tab.page.keyboard.press("Enter")
    tab.page.locator("#body").press_sequentially("- we wait four weeks, then tell the bureau.")
    assert tab.page.input_value("#body").endswith(
        "Thanks @priya-shah - we wait four weeks, then tell the bureau."
    )
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert tab.page.url.endswith("#post-2")
    assert "we wait four weeks" in tab.page.inner_text("#post-2")
    assert "Priya Shah wrote" in tab.page.inner_text("#post-2 .polka-quote")
    assert tab.page.inner_text("#post-2 a.polka-mention") == "@priya-shah"
    # Words selected inside the reply's quote are quoted from the post they came from.
    tab.page.evaluate(
        """() => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector("#post-2 .polka-quote blockquote p"));
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    tab.page.click("#post-2 >> text=Quote")
    assert tab.page.input_value("#body").startswith(typed.split("\n")[0] + "\nkeeper.\n[/quote]")
    with tab.page.expect_navigation():
        tab.page.click("#post-2 >> text=Edit")
    tab.page.fill("#body", "We wait four weeks, then tell the bureau by email.")
    with tab.page.expect_navigation():
        tab.page.click("button[value=preview]")
    check_page(tab, "edit a post with a preview")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    with tab.page.expect_navigation():
        tab.page.click("#post-2 >> text=Edited")
    check_page(tab, "a post's edits")
    tab.visit(f"{base}/latest")
    check_page(tab, "latest topics")

    tab.sign_in(asker)
    tab.visit(topic_path)
    with tab.page.expect_navigation():
        tab.page.click("#post-2 >> text=Helpful")
    with tab.page.expect_navigation():
        tab.page.click("#post-2 >> text=Accept as the answer")
    assert "by email" in tab.page.inner_text(".polka-accepted")
    check_page(tab, "a question with its accepted answer")

    tab.sign_in(manager)
    tab.visit(f"{base}/categories")
    tab.page.fill("#title", "Announcements")
    tab.page.check("input[value=announcements]")
    with tab.page.expect_navigation():
        tab.page.click("text=Add category")
    assert "Announcements" in tab.page.inner_text("table")
    check_page(tab, "manage categories")
    with tab.page.expect_navigation():
        tab.page.click("text=Announcements (change)")
    check_page(tab, "change a category")


def test_report_a_post_and_a_moderator_hides_it(tab: Tab, make: Factory, session: Session) -> None:
    forum = ForumFactory(session, make)
    moderator = make.user("Gareth Hughes", email="gareth.hughes@gmp.police.uk", two_factor=True)
    reporter = make.user("Priya Shah", email="priya.shah@met.police.uk")
    author = make.user("Tom Brennan", email="tom.brennan@lancashire.police.uk")
    community = make.community("PNC Operators")
    make.member(community, moderator, Role.MODERATOR)
    make.member(community, reporter, Role.MEMBER)
    make.member(community, author, Role.MEMBER)
    topic = forum.topic(forum.category(community), reporter, "Keeper checks", "How long do you wait?")
    forum.reply(topic, author, "Rude words about another force")
    topic_path = f"/c/{community.slug}/forum/t/{topic.id}"

    tab.sign_in(reporter)
    tab.visit(topic_path)
    with tab.page.expect_navigation():
        tab.page.click("#post-2 >> text=Report")
    check_page(tab, "report a post")
    tab.page.check("input[value=inappropriate]")
    tab.page.fill("#text", "Insults the other force")
    with tab.page.expect_navigation():
        tab.page.click("text=Send the report")
    assert "The moderators will look at it" in tab.page.inner_text("main")

    tab.sign_in(moderator)
    tab.visit(f"/c/{community.slug}/moderation/")
    assert "Insults the other force" in tab.page.inner_text("main")
    check_page(tab, "review queue")
    tab.page.check("input[value=hidden]")
    tab.page.fill("textarea[name=reason]", "Insults another force")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Decide')")
    assert "No reports are waiting" in tab.page.inner_text("main")
    tab.visit(topic_path)
    assert "Hidden by a moderator" in tab.page.inner_text("#post-2")
    check_page(tab, "topic with a hidden post, as a moderator")
    tab.visit(f"/c/{community.slug}/moderation/log")
    check_page(tab, "moderation log")
    for page, heading in (
        ("move", "Move this topic"),
        ("merge", "Merge this topic"),
        ("split", "Split replies"),
    ):
        tab.visit(f"{topic_path}/{page}")
        assert heading in tab.page.inner_text("h1")
        check_page(tab, f"{page} a topic")
    tab.visit(f"/c/{community.slug}/moderation/settings")
    tab.page.fill("#word", "scúm")
    with tab.page.expect_navigation():
        tab.page.click("text=Watch for it")
    tab.page.fill("#email", author.email)
    tab.page.fill("#reason", "Cooling off")
    with tab.page.expect_navigation():
        tab.page.click("text=Silence them")
    assert "Cooling off" in tab.page.inner_text("main")
    check_page(tab, "moderation settings")

    tab.sign_in(reporter)
    tab.visit(topic_path)
    assert tab.page.locator("#post-2").count() == 0
    tab.visit("/account/reports")
    assert "Hidden by a moderator" in tab.page.inner_text("main")
    check_page(tab, "your reports")


def test_a_debate_with_a_poll_reaches_a_recorded_decision(tab: Tab, make: Factory, session: Session) -> None:
    forum = ForumFactory(session, make)
    lead = make.user("Nadia Karim", email="nadia.karim@met.police.uk", two_factor=True)
    member = make.user("Owen Price", email="owen.price@south-wales.police.uk")
    community = make.community("Forensics", managers=[lead])
    make.member(community, member, Role.MEMBER)
    forum.category(community, "Project plan", manager=lead)
    base = f"/c/{community.slug}/forum"

    tab.sign_in(lead)
    tab.visit(f"{base}/project-plan/new")
    tab.page.fill("#title", "Which method do we validate first?")
    tab.page.fill("#body", "We can fund one method this year.")
    tab.page.check("#with_poll")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert "Add a poll" in tab.page.inner_text("h1")
    tab.page.fill("#question", "Which method first?")
    tab.page.fill("#options", "Rapid DNA")
    with tab.page.expect_navigation():
        tab.page.click("text=Add the poll")
    assert "Give at least 2 options" in tab.page.inner_text(".govuk-error-summary")
    check_page(tab, "add a poll with an error")
    tab.page.fill("#options", "Rapid DNA\nFingerprint capture\nDrug field testing")
    tab.page.check("input[value=named]")
    with tab.page.expect_navigation():
        tab.page.click("text=Add the poll")
    topic_path = tab.path()
    assert "Which method first?" in tab.page.inner_text("#poll")

    tab.sign_in(member)
    tab.visit(topic_path)
    with tab.page.expect_navigation():
        tab.page.click("#poll button:text-is('Vote')")
    assert "Choose an option" in tab.page.inner_text(".govuk-error-summary")
    check_page(tab, "a vote with no choice")
    tab.page.check("text=Fingerprint capture")
    with tab.page.expect_navigation():
        tab.page.click("#poll button:text-is('Vote')")
    results = tab.page.inner_text("#poll")
    assert "1 vote (100%)" in results
    assert "Your choice" in results
    check_page(tab, "a poll's results after voting")

    tab.sign_in(lead)
    tab.visit(topic_path)
    with tab.page.expect_navigation():
        tab.page.click("text=Close the poll now")
    tab.page.fill("#decision", "Fingerprint capture first, agreed at the March project board.")
    with tab.page.expect_navigation():
        tab.page.click("button:text-is('Record the decision')")
    assert "agreed at the March project board" in tab.page.inner_text(".polka-decision")
    tab.page.click("text=Who chose “Fingerprint capture”")
    assert "Owen Price" in tab.page.inner_text("#poll .govuk-details__text")
    check_page(tab, "a topic with its closed poll and decision")
