"""The Markdown help page: for signed-in people, saying what POLKA's Markdown supports, and linked from
every text box that takes Markdown."""

from __future__ import annotations

from polka.markings import Marking
from tests.support import text


def test_the_markdown_help_page_explains_what_can_be_written(web, login):
    login.as_new_user()
    page = text(web.get("/help/markdown"))
    for what in (
        "## Before you start",
        "**bold words**",
        "- Check the name",
        "- [x] Read the release notes",
        "[College of Policing](https://www.college.police.uk)",
        "[[PNC manual|the manual]]",
        "[[doc:42]]",
        "| Check | Code |",
        "[^1]: Name and date of birth at least.",
    ):
        assert what in page


def test_the_help_page_is_for_signed_in_people_only(web):
    response = web.get("/help/markdown")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_every_markdown_text_box_links_to_the_help(web, login, make):
    community = make.community("Help desk", ceiling=Marking.OFFICIAL_SENSITIVE)
    login.as_member(community)
    for url in (f"/c/{community.slug}/wiki/new", f"/c/{community.slug}/docs/upload"):
        body = web.get(url).get_data(as_text=True)
        assert 'href="/help/markdown" target="_blank"' in body, url
        assert "Markdown help, opens in a new tab" in body
