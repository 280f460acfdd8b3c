"""``[[doc:42]]`` in a wiki page shows the document's current title to readers who may see it, and
nothing of it to readers who may not — on the page, its revisions, previews and the Atom feed — while
the page's cached rendering stays the same for everyone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from polka.docs import services as doc_services
from polka.markings import Marking
from polka.wiki.models import WikiRendering, WikiRevision
from tests.docs.conftest import DocsWorld, writing
from tests.support import text
from tests.wiki.conftest import WikiFactory

UNAVAILABLE = "(linked item not available)"


@pytest.fixture
def wiki(session, make) -> WikiFactory:
    return WikiFactory(session, make)


def words(response) -> str:
    """The page's visible text, as read (no space before a full stop that followed a tag)."""
    return re.sub(r" (?=[.,])", "", text(response))


def page_url(world: DocsWorld, slug: str) -> str:
    return f"/c/{world.community.slug}/wiki/{slug}"


def rename(session, world: DocsWorld, document, title: str) -> None:
    with writing(session):
        fresh = session.get(type(document), document.id)
        doc_services.update_details(
            session,
            session.merge(world.member),
            fresh,
            doc_services.Details(title=title, description=fresh.description, marking=fresh.marking),
        )


def test_a_reader_who_may_see_the_document_sees_its_title(web, login, world, wiki):
    page = wiki.page(world.community, "Rotas", f"See [[doc:{world.document.id}]] for dates.\n")
    login(world.reader)
    response = web.get(page_url(world, page.slug))
    assert "See Rolling schedule for dates." in words(response)
    assert re.search(rf'<a [^>]*href="/o/doc/{world.document.id}"[^>]*>Rolling schedule</a>', response.text)
    assert f"doc:{world.document.id}" not in words(response)


def test_a_document_in_a_community_the_reader_is_not_in_shows_nothing_of_it(web, login, world, docs, wiki):
    hidden = docs.document(world.private, "Covert rota", author=world.manager)
    page = wiki.page(
        world.community, "Links", f"Hidden: [[doc:{hidden.id}]]. Gone: [[doc:999999]].\n", author=world.member
    )
    for reader in (world.outsider, world.reader):  # no member of the private community
        login(reader)
        response = web.get(page_url(world, page.slug))
        shown = words(response)
        assert f"Hidden: {UNAVAILABLE}. Gone: {UNAVAILABLE}." in shown
        assert "Covert rota" not in response.text
        assert f"doc:{hidden.id}" not in response.text
        assert f"/o/doc/{hidden.id}" not in response.text
    login(world.manager)  # a member of both sees it
    assert "Hidden: Covert rota." in words(web.get(page_url(world, page.slug)))


def test_an_official_sensitive_document_shows_nothing_to_non_members(web, login, world, docs, wiki):
    sensitive = docs.document(
        world.community, "Informant handling", marking=Marking.OFFICIAL_SENSITIVE, author=world.member
    )
    page = wiki.page(world.community, "Handling", f"Read [[doc:{sensitive.id}]] first.\n")
    login(world.outsider)  # may read the open community's OFFICIAL page, not the sensitive document
    response = web.get(page_url(world, page.slug))
    assert f"Read {UNAVAILABLE} first." in words(response)
    assert "Informant handling" not in response.text
    login(world.reader)
    assert "Read Informant handling first." in words(web.get(page_url(world, page.slug)))


def test_shown_text_is_kept_and_unlinked_for_readers_who_may_not_see(web, login, world, docs, wiki):
    hidden = docs.document(world.private, "Covert rota", author=world.manager)
    page = wiki.page(
        world.community,
        "Shown text",
        f"The [[doc:{world.document.id}|schedule]] and the [[doc:{hidden.id}|other rota]].\n",
        author=world.member,
    )
    login(world.reader)
    response = web.get(page_url(world, page.slug))
    assert "The schedule and the other rota." in words(response)
    assert re.search(rf'href="/o/doc/{world.document.id}"[^>]*>schedule</a>', response.text)
    assert f"/o/doc/{hidden.id}" not in response.text
    assert "Covert rota" not in response.text


def test_a_renamed_document_shows_its_new_title_at_once_without_rendering_again(
    web, login, world, wiki, session
):
    page = wiki.page(world.community, "Rotas", f"See [[doc:{world.document.id}]].\n")
    session.rollback()
    cached = session.scalars(
        select(WikiRendering.html).join(WikiRevision).where(WikiRevision.page_id == page.id)
    ).one()
    rename(session, world, world.document, "Winter rota 2027")
    login(world.reader)
    shown = words(web.get(page_url(world, page.slug)))
    assert "See Winter rota 2027." in shown
    assert "Rolling schedule" not in shown
    session.rollback()
    assert (
        session.scalars(
            select(WikiRendering.html).join(WikiRevision).where(WikiRevision.page_id == page.id)
        ).one()
        == cached
    )


def test_revisions_and_previews_resolve_for_the_reader_too(web, login, world, docs, wiki):
    hidden = docs.document(world.private, "Covert rota", author=world.manager)
    body = f"[[doc:{world.document.id}]] and [[doc:{hidden.id}]]\n"
    page = wiki.page(world.community, "Both", body, author=world.member)
    login(world.reader)
    revision = words(web.get(f"{page_url(world, page.slug)}/revisions/1"))
    assert f"Rolling schedule and {UNAVAILABLE}" in revision
    login(world.member)
    edit_url = f"{page_url(world, page.slug)}/edit"
    form = web.get(edit_url).text
    base = re.search(r'name="base"[^>]*value="(\d+)"', form) or re.search(
        r'value="(\d+)"[^>]*name="base"', form
    )
    assert base is not None
    preview = web.post(
        edit_url,
        {
            "body": body,
            "marking": "OFFICIAL",
            "base": base[1],
            "base_marking": "OFFICIAL",
            "action": "preview",
        },
        token_from=edit_url,
    )
    assert preview.status_code == 200
    assert f"Rolling schedule and {UNAVAILABLE}" in words(preview)
    assert "Covert rota" not in preview.text


def test_the_atom_feed_never_carries_a_title_its_reader_may_not_see(web, login, world, docs, wiki):
    hidden = docs.document(world.private, "Covert rota", author=world.manager)
    wiki.page(world.community, "Both", f"[[doc:{world.document.id}]] and [[doc:{hidden.id}]]\n")
    feed_url = f"/c/{world.community.slug}/wiki/changes.atom"
    login(world.reader)
    feed = web.get(feed_url).text
    assert "Rolling schedule" in feed
    assert "Covert rota" not in feed
    assert f"/o/doc/{hidden.id}" not in feed
    login(world.manager)
    assert "Covert rota" in web.get(feed_url).text
