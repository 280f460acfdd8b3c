"""The wiki's lists of edits and deleted pages link each person named to their profile."""

from __future__ import annotations

from polka.db import transaction
from polka.wiki import pages
from tests.support import profile_link


def test_history_and_recent_changes_link_authors(web, login, wiki, world):
    wiki.edit(world.page, world.member, "# PNC manual\n\nMore.\n", summary="More")
    login(world.reader)
    base = f"/c/{world.community.slug}/wiki"
    for url in (f"{base}/{world.page.slug}/history", f"{base}/changes"):
        body = web.get(url).get_data(as_text=True)
        assert profile_link(world.member) in body, url
        assert profile_link(world.moderator) in body, url


def test_edits_waiting_for_review_link_their_authors(web, login, wiki, world):
    wiki.require_review(world.community, world.manager)
    wiki.edit(world.page, world.member, "# PNC manual\n\nProposed.\n")
    login(world.moderator)
    body = web.get(f"/c/{world.community.slug}/wiki/pending").get_data(as_text=True)
    assert profile_link(world.member) in body


def test_deleted_pages_link_who_deleted_them(web, login, wiki, world, session):
    with transaction(session):
        pages.delete_page(session, session.merge(world.moderator), wiki.fresh(world.page))
    login(world.manager)
    body = web.get(f"/c/{world.community.slug}/wiki/deleted").get_data(as_text=True)
    assert profile_link(world.moderator) in body
