"""The document library's lists and a document's page link each person named to their profile."""

from __future__ import annotations

from polka.db import transaction
from polka.docs import bin as docs_bin
from tests.support import profile_link


def test_the_library_and_versions_link_who_uploaded(web, login, docs, world):
    docs.version(world.document, world.moderator, b"Second version of the schedule.\n")
    login(world.reader)
    base = f"/c/{world.community.slug}/docs"
    assert profile_link(world.moderator) in web.get(f"{base}/").get_data(as_text=True)
    versions = web.get(f"{base}/{world.document.id}/versions").get_data(as_text=True)
    assert profile_link(world.member) in versions
    assert profile_link(world.moderator) in versions


def test_the_document_page_links_who_uploaded_and_who_approved(web, login, world):
    page = f"/c/{world.community.slug}/docs/{world.document.id}"
    login(world.manager)
    assert web.post(f"{page}/approve", token_from=page).status_code == 302
    login(world.reader)
    body = web.get(page).get_data(as_text=True)
    assert f"by {profile_link(world.member)}" in body
    assert f"by {profile_link(world.manager)} on" in body


def test_the_bin_links_who_deleted(web, login, docs, world, session):
    with transaction(session):
        docs_bin.delete_document(session, session.merge(world.member), docs.fresh(world.document))
    login(world.manager)
    body = web.get(f"/c/{world.community.slug}/docs/bin").get_data(as_text=True)
    assert profile_link(world.member) in body
