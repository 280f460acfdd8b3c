"""The blog in Chromium: an inspector writes a post with a cover picture, previews it, is refused a time
in the past and then a cover without a description (with every word and the picture kept) and
schedules it; another member neither sees it in the blog nor at its address until the inspector
publishes it, then finds it in the blog's archive, reads it with its byline and its cover, and comments;
the inspector replies. A third member reports the comment and a moderator hides it from the review
queue: readers no longer see it, its author sees why. A new member's first comment waits until a
moderator approves it. The inspector changes the post, finds the earlier version in its history and
deletes it; a manager lets only moderators write. From their own blog the inspector opens a post to
everyone signed in: an officer in no community reads it and comments, and an administrator hides the
comment from the site's queue once it is reported. Every page on the way passes axe-core at desktop and
phone widths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from polka.accounts.models import User
from polka.communities.models import Role
from polka.templating import LONDON
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser

TITLE = "Winter visibility patrols"
BODY = "## What we did\n\nEvening foot patrols on the high street.\n\n* Six shops visited\n* Two arrests\n"
COVER_ALT = "Two PCSOs talking to shoppers at the Christmas market"
COMMENT = "Did the patrols change the number of calls about shoplifting?"
REPLY = "Calls fell by a third over the four weeks."
HIDE_REASON = "Named a suspect before any charge."
NEW_MEMBER_COMMENT = "We ran the same patrols in Harrogate: happy to compare notes."


@dataclass
class People:
    inspector: User
    reader: User
    reporter: User
    moderator: User
    newcomer: User
    manager: User


def test_write_publish_comment_moderate_and_change_a_post(tab: Tab, make: Factory, tmp_path: Path) -> None:
    community = make.community("Neighbourhood Policing")
    people = People(
        inspector=make.user("Priya Natarajan", email="priya.natarajan@westyorkshire.police.uk"),
        reader=make.user("Tom Brennan", email="tom.brennan@northumbria.police.uk"),
        reporter=make.user("Aisha Karim", email="aisha.karim@cleveland.police.uk"),
        moderator=make.user("Sam Whitfield", email="sam.whitfield@durham.police.uk"),
        newcomer=make.user("Owen Price", email="owen.price@northyorkshire.police.uk"),
        manager=make.user("Dawn Ellis"),
    )
    for member in (people.inspector, people.reader, people.reporter, people.newcomer):
        make.member(community, member, Role.MEMBER)
    make.member(community, people.moderator, Role.MODERATOR)  # with two-factor, as moderators need
    make.member(community, people.manager, Role.MANAGER)
    base = f"/c/{community.slug}/blog"

    post_path = write_and_publish(tab, people, base, cover_picture(tmp_path / "market.jpg"))
    comment_id = comment_and_reply(tab, people, post_path)
    report_and_hide(tab, people, community.slug, post_path, comment_id)
    hold_and_approve(tab, people, community.slug, post_path)
    change_and_delete(tab, people, base, post_path)
    open_to_everyone(tab, make)  # from the inspector's own blog's form, where the last step left them


def write_and_publish(tab: Tab, people: People, base: str, cover: Path) -> str:
    """The inspector writes a post with a cover, previews, schedules and publishes it; a reader finds it.
    Returns the post's address."""
    today = datetime.now(LONDON).date()
    tab.sign_in(people.inspector)
    tab.visit(f"{base}/")
    check_page(tab, "an empty blog")
    with tab.page.expect_navigation():
        tab.page.click("text=Write a post")
    check_page(tab, "write a post")
    tab.page.fill("#title", TITLE)
    tab.page.fill("#body", BODY)
    tab.page.set_input_files("#cover", str(cover))
    press(tab, "Preview")
    assert tab.page.locator(".polka-preview h2", has_text="What we did").is_visible()
    assert tab.page.locator(".polka-preview li", has_text="Two arrests").is_visible()
    assert (tab.page.input_value("#title"), tab.page.input_value("#body")) == (TITLE, BODY)
    assert_cover_kept(tab)
    check_page(tab, "a post's preview")

    yesterday = f"{today - timedelta(days=1):%d/%m/%Y}"
    tab.page.fill("#publish_date", yesterday)
    tab.page.fill("#publish_time", "09:00")
    press(tab, "Schedule")  # the picture has no description yet
    describe = "Describe the cover image for people who cannot see it"
    assert describe in tab.page.inner_text("#cover_alt-error")
    assert describe in tab.page.inner_text(".govuk-error-summary")
    assert (tab.page.input_value("#title"), tab.page.input_value("#body")) == (TITLE, BODY)
    assert (tab.page.input_value("#publish_date"), tab.page.input_value("#publish_time")) == (
        yesterday,
        "09:00",
    )
    assert_cover_kept(tab)
    check_page(tab, "a post refused for a cover without a description")
    tab.page.click(".govuk-error-summary a:has-text('Describe the cover image')")  # leads to the field
    assert tab.page.evaluate("() => document.activeElement.id") == "cover_alt"
    tab.page.fill("#cover_alt", COVER_ALT)

    press(tab, "Schedule")
    assert "The time to publish is in the past" in tab.page.inner_text("#publish_date-error")
    assert "The time to publish is in the past" in tab.page.inner_text(".govuk-error-summary")
    assert (tab.page.input_value("#title"), tab.page.input_value("#body")) == (TITLE, BODY)
    assert (tab.page.input_value("#publish_time"), tab.page.input_value("#cover_alt")) == ("09:00", COVER_ALT)
    assert_cover_kept(tab)
    check_page(tab, "a post scheduled in the past")

    tab.page.fill("#publish_date", f"{today + timedelta(days=1):%d/%m/%Y}")
    press(tab, "Schedule")
    post_path = tab.path()
    assert post_path.startswith(f"{base}/")
    assert post_path.removeprefix(f"{base}/").isdigit()
    assert f"“{TITLE}” will be published at" in tab.page.inner_text(".govuk-notification-banner")
    assert "Scheduled for" in tab.page.inner_text(".polka-blog-status")
    assert tab.page.locator("main h2", has_text="What we did").is_visible()
    assert_cover_shown(tab, "main .polka-blog-post .polka-blog-cover")
    check_page(tab, "a scheduled post")
    tab.visit(f"{base}/")
    waiting = tab.page.inner_text(".polka-blog-unpublished")
    assert "Not published yet" in waiting
    assert TITLE in waiting
    assert "Scheduled for" in waiting
    assert "No posts yet." in tab.page.inner_text("main")
    check_page(tab, "the blog with a scheduled post")

    tab.sign_in(people.reader)
    tab.visit(f"{base}/")
    assert TITLE not in tab.page.inner_text("main")
    assert tab.page.locator(".polka-blog-unpublished").count() == 0
    tab.visit(post_path, status=404)
    tab.visit(f"{post_path}/cover", status=404)  # nor its picture

    tab.sign_in(people.inspector)
    tab.visit(post_path)
    press(tab, "Publish now")
    assert f"“{TITLE}” is published." in tab.page.inner_text(".govuk-notification-banner")
    assert tab.page.locator(".polka-blog-status").count() == 0
    assert "Comments (0)" in tab.page.inner_text("#comments-heading")
    check_page(tab, "a published post, to its writer")
    tab.visit(f"{base}/")
    assert tab.page.locator(".polka-blog-unpublished").count() == 0
    assert TITLE in tab.page.inner_text(".polka-blog-summary")

    tab.sign_in(people.reader)
    tab.visit(f"{base}/")
    assert "Evening foot patrols on the high street." in tab.page.inner_text(".polka-blog-summary")
    assert_cover_shown(tab, ".polka-blog-summary .polka-blog-summary__cover")
    check_page(tab, "the blog with a published post")
    this_month = f"{datetime.now(LONDON):%B %Y}"
    with tab.page.expect_navigation():
        tab.page.click(f".polka-blog-archive a:has-text('{this_month}')")
    assert tab.page.inner_text("h1") == f"Posts from {this_month}"
    check_page(tab, "a month of the blog")
    with tab.page.expect_navigation():
        tab.page.click(f".polka-blog-summary a:has-text('{TITLE}')")
    assert tab.path() == post_path
    byline = tab.page.inner_text(".polka-blog-byline")
    assert "By Priya Natarajan" in byline
    assert "1 minute to read" in byline
    assert_cover_shown(tab, "main .polka-blog-post .polka-blog-cover")
    assert tab.page.locator("text=Publish now").count() == 0  # nothing to change for a reader
    assert tab.page.locator("a:has-text('Change')").count() == 0
    assert tab.page.locator("text=Close comments").count() == 0  # the writer's and the moderators'
    check_page(tab, "a published post, to a reader")
    return post_path


def comment_and_reply(tab: Tab, people: People, post_path: str) -> int:
    """The reader comments; the inspector answers with "Reply". Returns the reader's comment's id."""
    # The reader is on the post.
    tab.page.fill("#body", COMMENT)
    press(tab, "Post comment")
    assert "Your comment has been posted." in tab.page.inner_text(".govuk-notification-banner")
    anchor = tab.page.url.rsplit("#", 1)[-1]
    assert tab.path().startswith(post_path)
    assert anchor.startswith("comment-")
    comment_id = int(anchor.removeprefix("comment-"))
    comment = tab.page.locator(f"#comment-{comment_id}")
    assert COMMENT in comment.inner_text()
    assert "Tom Brennan" in comment.inner_text()
    assert tab.page.inner_text("#comments-heading") == "Comments (1)"
    assert comment.locator("a:has-text('Report')").count() == 0  # not one's own
    assert comment.locator("button:has-text('Delete')").count() == 1

    tab.sign_in(people.inspector)
    tab.visit(post_path)
    assert tab.page.locator("button:has-text('Close comments')").count() == 1
    with tab.page.expect_navigation():
        tab.page.click(f"#comment-{comment_id} a:has-text('Reply')")
    assert f"reply_to={comment_id}" in tab.page.url
    assert "Replying to Tom Brennan’s comment" in tab.page.inner_text("#comment-form")
    tab.page.fill("#body", REPLY)
    press(tab, "Post reply")
    assert "Your comment has been posted." in tab.page.inner_text(".govuk-notification-banner")
    reply = tab.page.locator(".polka-blog-comment--reply")
    assert reply.count() == 1
    assert REPLY in reply.inner_text()
    assert "Priya Natarajan" in reply.inner_text()
    assert tab.page.inner_text("#comments-heading") == "Comments (2)"
    assert reply.locator("a:has-text('Reply')").count() == 0  # replies go one level deep
    # The reply reads under the comment it answers, set in from it.
    order = tab.page.eval_on_selector_all(".polka-blog-comment", "(all) => all.map((c) => c.id)")
    assert order == [f"comment-{comment_id}", reply.get_attribute("id")]
    answered = tab.page.locator(f"#comment-{comment_id}").bounding_box()
    indented = reply.bounding_box()
    assert answered is not None
    assert indented is not None
    assert indented["x"] >= answered["x"] + 20
    assert indented["y"] > answered["y"]
    assert_cover_shown(tab, "main .polka-blog-post .polka-blog-cover")
    check_page(tab, "a post with a cover and comments")
    return comment_id


def report_and_hide(tab: Tab, people: People, slug: str, post_path: str, comment_id: int) -> None:
    """A third member reports the reader's comment; a moderator hides it with a reason."""
    tab.sign_in(people.reporter)
    tab.visit(post_path)
    with tab.page.expect_navigation():
        tab.page.click(f"#comment-{comment_id} a:has-text('Report')")
    assert tab.path() == f"/report/blog.comment/{comment_id}"
    check_page(tab, "report a comment")
    press(tab, "Send the report")  # without a reason
    assert "Choose why you are reporting it" in tab.page.inner_text(".govuk-error-summary")
    check_page(tab, "a report without a reason")
    tab.page.get_by_label("Inappropriate or offensive").check()
    tab.page.fill("#text", "It names a suspect who has not been charged.")
    press(tab, "Send the report")
    assert tab.path() == f"{post_path}#comment-{comment_id}"  # back to the comment
    assert "Thank you. The moderators will look at it" in tab.page.inner_text(".govuk-notification-banner")

    tab.sign_in(people.moderator)
    tab.visit(f"/c/{slug}/moderation/")
    reported = tab.page.locator("section.polka-report", has_text=COMMENT)
    assert reported.count() == 1
    assert f"Comment on “{TITLE}”" in reported.locator("h3").inner_text()
    assert "By Tom Brennan" in reported.inner_text()
    assert "Inappropriate or offensive: “It names a suspect" in reported.inner_text()
    assert "Aisha Karim" in reported.inner_text()
    assert "Nothing waits for approval." in tab.page.inner_text("main")
    check_page(tab, "the review queue with a reported blog comment")
    reported.get_by_label("Hide it").check()
    reported.get_by_label("Reason for hiding it").fill(HIDE_REASON)
    with tab.page.expect_navigation():
        reported.locator("button:has-text('Decide')").click()
    tab.check_html()
    assert "The post has been hidden; 1 report closed." in tab.page.inner_text(".govuk-notification-banner")
    assert "No reports are waiting." in tab.page.inner_text("main")
    # Moderators still see it under the post, marked.
    tab.visit(post_path)
    assert "Hidden by a moderator" in tab.page.inner_text(f"#comment-{comment_id}")

    tab.sign_in(people.reporter)
    tab.visit(post_path)
    assert COMMENT not in tab.page.inner_text("main")
    # the inspector's reply answers it, so it stays as a stub naming nothing of it
    stub = tab.page.locator(f"#comment-{comment_id}")
    assert stub.inner_text().strip().startswith("A comment hidden by a moderator")
    assert people.reader.name not in stub.inner_text()
    check_page(tab, "a post with a hidden comment's stub and its reply")

    tab.sign_in(people.reader)
    tab.visit(post_path)
    hidden = tab.page.locator(f"#comment-{comment_id}")
    assert COMMENT in hidden.inner_text()
    assert "Hidden by a moderator" in hidden.inner_text()
    assert f"Reason: {HIDE_REASON}" in hidden.inner_text()
    assert hidden.locator("a:has-text('Reply')").count() == 0
    check_page(tab, "a post, to the author of a hidden comment")


def hold_and_approve(tab: Tab, people: People, slug: str, post_path: str) -> None:
    """With a new member's first post held, the newcomer's comment waits until a moderator approves it."""
    tab.sign_in(people.manager)
    tab.visit(f"/c/{slug}/moderation/settings")
    tab.page.fill("#posts", "1")
    with tab.page.expect_navigation():
        tab.page.click("form:has(#posts) button:has-text('Save')")
    tab.check_html()
    assert "A new member's first 1 posts wait for a moderator." in tab.page.inner_text(
        ".govuk-notification-banner"
    )

    tab.sign_in(people.newcomer)
    tab.visit(post_path)
    tab.page.fill("#body", NEW_MEMBER_COMMENT)
    press(tab, "Post comment")
    assert "Your comment waits for a moderator" in tab.page.inner_text(".govuk-notification-banner")
    waiting = tab.page.locator(".polka-blog-comment", has_text=NEW_MEMBER_COMMENT)
    assert "Waiting for a moderator" in waiting.inner_text()
    assert "approved by a moderator before others see them" in waiting.inner_text()
    check_page(tab, "a post with a comment waiting for a moderator, to its author")

    tab.sign_in(people.reporter)
    tab.visit(post_path)
    assert NEW_MEMBER_COMMENT not in tab.page.inner_text("main")

    tab.sign_in(people.moderator)
    tab.visit(f"/c/{slug}/moderation/")
    held = tab.page.locator("section.polka-report", has_text=NEW_MEMBER_COMMENT)
    assert held.count() == 1
    assert "By Owen Price" in held.inner_text()
    assert "Why it waits: A new member’s first 1 posts" in held.inner_text()
    check_page(tab, "the review queue with a blog comment waiting")
    held.get_by_label("Approve: publish it in its place").check()
    with tab.page.expect_navigation():
        held.locator("button:has-text('Decide')").click()
    tab.check_html()
    assert "The post is published in its place." in tab.page.inner_text(".govuk-notification-banner")
    assert "Nothing waits for approval." in tab.page.inner_text("main")

    tab.sign_in(people.reporter)
    tab.visit(post_path)
    approved = tab.page.locator(".polka-blog-comment", has_text=NEW_MEMBER_COMMENT)
    assert approved.count() == 1
    assert "Waiting for a moderator" not in approved.inner_text()
    assert "Owen Price" in approved.inner_text()
    check_page(tab, "a post with an approved comment")


def change_and_delete(tab: Tab, people: People, base: str, post_path: str) -> None:
    """The inspector changes the post (its cover stays), reads its history and deletes it; a manager
    lets only moderators write."""
    tab.sign_in(people.inspector)
    tab.visit(post_path)
    with tab.page.expect_navigation():
        tab.page.click("main a:has-text('Change')")
    assert tab.page.locator("#publish_date").count() == 0  # a published post is not scheduled again
    assert tab.page.input_value("#cover_alt") == COVER_ALT
    assert tab.page.get_by_label("Remove the cover image").count() == 1
    assert_cover_shown(tab, "form .polka-blog-cover--small", f"The cover now: {COVER_ALT}")
    check_page(tab, "change a published post")
    tab.page.fill("#body", BODY + "* One vehicle seized\n")
    press(tab, "Save changes")
    assert f"“{TITLE}” has been saved." in tab.page.inner_text(".govuk-notification-banner")
    assert tab.page.locator("main li", has_text="One vehicle seized").is_visible()
    assert_cover_shown(tab, "main .polka-blog-post .polka-blog-cover")
    with tab.page.expect_navigation():
        tab.page.click("main a:has-text('History')")
    assert "changed 1 time since" in tab.page.inner_text("main")
    earlier = tab.page.locator("details.govuk-details")
    assert earlier.count() == 1
    assert "As it was before Priya Natarajan changed it on" in earlier.inner_text()
    earlier.locator("summary").click()
    assert "Two arrests" in earlier.locator("pre").inner_text()
    assert "One vehicle seized" not in earlier.locator("pre").inner_text()
    check_page(tab, "a post's history")

    tab.visit(post_path)
    with tab.page.expect_navigation():
        tab.page.click("main .govuk-button-group a:has-text('Delete')")
    check_page(tab, "delete a post")
    press(tab, "Delete the post")
    assert tab.path() == f"{base}/"
    assert f"“{TITLE}” has been deleted." in tab.page.inner_text(".govuk-notification-banner")
    assert "No posts yet." in tab.page.inner_text("main")
    tab.visit(post_path, status=404)

    tab.sign_in(people.manager)
    tab.visit(f"{base}/")
    with tab.page.expect_navigation():
        tab.page.click("text=Who may write here")
    check_page(tab, "who may write in the blog")
    tab.page.get_by_label("Moderators and managers only").check()
    press(tab, "Save")
    assert "Who may write in the blog has been saved." in tab.page.inner_text(".govuk-notification-banner")

    # the manager finds the deleted post and restores it
    with tab.page.expect_navigation():
        tab.page.click("text=Deleted posts")
    check_page(tab, "deleted blog posts")
    press(tab, "Restore")
    assert tab.path() == post_path
    assert f"“{TITLE}” is back on the blog." in tab.page.inner_text(".govuk-notification-banner")

    # the inspector's own blog, reached from their profile, and its form
    tab.sign_in(people.inspector)
    tab.visit(f"/people/{people.inspector.id}")
    with tab.page.expect_navigation():
        tab.page.click("text=Your blog")
    check_page(tab, "one's own blog")
    with tab.page.expect_navigation():
        tab.page.click("main a:has-text('Write a post')")
    check_page(tab, "write a post of one's own blog")
    assert "Neighbourhood Policing" in tab.page.inner_text("#community")


OPEN_TITLE = "Starting a team social media account"
OPEN_COMMENT = "Did you need sign-off from corporate comms first?"


def open_to_everyone(tab: Tab, make: Factory) -> None:
    """The inspector publishes a post open to everyone signed in; an officer in no community reads it and
    comments; another reports the comment and an administrator hides it from the site's queue."""
    tab.page.select_option("#community", label="Everyone signed in to POLKA (OFFICIAL only)")
    tab.page.fill("#title", OPEN_TITLE)
    tab.page.fill("#body", "1. **Who answers**: a rota of three.\n2. **When**: say your hours.\n")
    press(tab, "Publish now")
    post_path = tab.path()
    assert post_path.startswith("/people/")
    assert "open to everyone signed in" in tab.page.inner_text(".govuk-caption-l")

    outsider = make.user("Zoe Adams", email="zoe.adams@hampshire.police.uk")
    tab.sign_in(outsider)
    tab.visit(post_path)
    check_page(tab, "a post open to everyone signed in, read by someone in no community")
    tab.page.fill("#body", OPEN_COMMENT)
    press(tab, "Post comment")
    comment = tab.page.locator(".polka-blog-comment", has_text=OPEN_COMMENT)
    assert comment.count() == 1
    comment_id = comment.get_attribute("id").removeprefix("comment-")

    tab.sign_in(make.user("Lee Grant", email="lee.grant@kent.police.uk"))
    tab.visit(f"/report/blog.comment/{comment_id}")
    tab.page.get_by_label("Off-topic").check()
    press(tab, "Send the report")
    assert tab.path() == f"{post_path}#comment-{comment_id}"

    tab.sign_in(make.admin("Eleanor Grant"))
    tab.visit("/")
    with tab.page.expect_navigation():
        tab.page.click("main a:has-text('Review the reports')")
    assert tab.path() == "/moderation/"
    check_page(tab, "the site's review queue, for what is outside any community")
    reported = tab.page.locator("section.polka-report", has_text=OPEN_COMMENT)
    assert f"Comment on “{OPEN_TITLE}”" in reported.locator("h3").inner_text()
    reported.get_by_label("Hide it").check()
    reported.get_by_label("Reason for hiding it").fill("A question for the author by email, please.")
    with tab.page.expect_navigation():
        reported.locator("button:has-text('Decide')").click()
    assert "No reports are waiting." in tab.page.inner_text("main")
    tab.sign_in(outsider)
    tab.visit(post_path)
    assert "Hidden by a moderator" in tab.page.inner_text(f"#comment-{comment_id}")


def cover_picture(path: Path) -> Path:
    """A JPEG of a few shapes, as a phone would send (larger than POLKA keeps)."""
    image = Image.new("RGB", (2000, 1125), (32, 64, 128))
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 300, 900, 1000), fill=(240, 200, 40))
    draw.ellipse((1100, 200, 1700, 800), fill=(200, 30, 60))
    image.save(path, format="JPEG", quality=80)
    return path


def assert_cover_kept(tab: Tab) -> None:
    """The picture chosen on an earlier try of the form is kept for the next (the file input is empty)."""
    assert "The picture you chose is kept" in tab.page.inner_text("main form")
    assert tab.page.locator("input[name=cover_kept]").get_attribute("value")


def assert_cover_shown(tab: Tab, selector: str, alt: str = COVER_ALT) -> None:
    """The cover at ``selector`` has its description and has loaded (POLKA's copy, at most 1600 px)."""
    image = tab.page.locator(selector)
    assert image.count() == 1
    assert image.get_attribute("alt") == alt
    image.scroll_into_view_if_needed()
    size = image.evaluate(
        """(img) => img.complete && img.naturalWidth > 0
            ? [img.naturalWidth, img.naturalHeight]
            : new Promise((done) => img.addEventListener(
                "load", () => done([img.naturalWidth, img.naturalHeight]), {once: true}))"""
    )
    assert size == [1600, 900]


def press(tab: Tab, button: str) -> None:
    """Press one of the form's buttons by its words and wait for the next page."""
    with tab.page.expect_navigation():
        tab.page.click(f"main button:has-text('{button}')")
    tab.check_html()
