"""Linking a document from a wiki page (``[[doc:ID]]``) and seeing on the document where it is used —
each side shown only to the people who may see it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.communities.models import Role, Visibility
from polka.crossrefs.models import ObjectLink
from polka.markings import Marking
from polka.wiki import pages
from tests.docs.conftest import DocsWorld, writing
from tests.support import text
from tests.wiki.conftest import WikiFactory


@pytest.fixture
def wiki(session, make) -> WikiFactory:
    return WikiFactory(session, make)


def document_page(world: DocsWorld, document_id: int | None = None) -> str:
    return f"/c/{world.community.slug}/docs/{document_id or world.document.id}"


def test_a_wiki_link_leads_to_the_document_and_the_document_lists_the_page(web, login, world, wiki):
    page = wiki.page(
        world.community,
        "Meeting arrangements",
        f"See the [[doc:{world.document.id}|rolling schedule]] for dates.\n",
        author=world.member,
    )
    login(world.reader)
    body = web.get(f"/c/{world.community.slug}/wiki/{page.slug}").get_data(as_text=True)
    assert f'href="/o/doc/{world.document.id}"' in body
    assert ">rolling schedule</a>" in body
    followed = web.get(f"/o/doc/{world.document.id}")
    assert followed.status_code == 302
    assert followed.headers["Location"].endswith(document_page(world))
    used = text(web.get(document_page(world)))
    assert "Where it is used Meeting arrangements (wiki page)" in used
    assert f"[[doc:{world.document.id}|Rolling schedule]]" in used


def test_a_link_to_a_document_the_reader_may_not_see_leads_nowhere(web, login, world, docs, wiki, make):
    hidden = docs.document(world.private, "Covert rota", author=world.manager)
    sensitive = docs.document(
        world.community, "Need to know", marking=Marking.OFFICIAL_SENSITIVE, author=world.member
    )
    wiki.page(
        world.community, "Links", f"[[doc:{hidden.id}]] and [[doc:{sensitive.id}]]\n", author=world.member
    )
    login(world.outsider)
    assert web.get(f"/o/doc/{hidden.id}").status_code == 404
    assert web.get(f"/o/doc/{sensitive.id}").status_code == 404
    assert web.get("/o/doc/999999").status_code == 404
    assert web.get("/o/nothing/1").status_code == 404
    login(world.reader)
    assert web.get(f"/o/doc/{sensitive.id}").status_code == 302


def test_where_used_shows_only_pages_the_reader_may_see(web, login, world, wiki, make):
    secret_circle = make.community(
        "Inner circle",
        managers=[world.manager],
        visibility=Visibility.PRIVATE,
        ceiling=Marking.OFFICIAL_SENSITIVE,
    )
    make.member(secret_circle, world.member, Role.MEMBER)
    wiki.page(secret_circle, "Private notes", f"Uses [[doc:{world.document.id}]].\n", author=world.member)
    wiki.page(world.community, "Public notes", f"Uses [[doc:{world.document.id}]].\n", author=world.member)
    login(world.reader)
    page = text(web.get(document_page(world)))
    assert "Public notes" in page
    assert "Private notes" not in page
    login(world.member)
    assert "Private notes" in text(web.get(document_page(world)))


def test_removing_the_link_or_deleting_the_page_takes_it_off_the_list(web, login, world, wiki, session):
    page = wiki.page(world.community, "Arrangements", f"[[doc:{world.document.id}]]\n", author=world.member)
    other = wiki.page(
        world.community, "Other arrangements", f"[[doc:{world.document.id}]]\n", author=world.member
    )
    wiki.edit(page, world.member, "No link any more.\n")
    with writing(session):
        pages.delete_page(session, session.merge(world.moderator), session.merge(wiki.fresh(other)))
    login(world.reader)
    assert "No page you can see links to this document" in text(web.get(document_page(world)))


def test_an_unknown_kind_is_an_ordinary_page_link(web, login, world, wiki):
    page = wiki.page(world.community, "Odd", "[[meeting:12]]\n", author=world.member)
    login(world.reader)
    body = web.get(f"/c/{world.community.slug}/wiki/{page.slug}").get_data(as_text=True)
    assert "/o/meeting/12" not in body
    assert "polka-wikilink--missing" in body


def test_links_are_kept_under_the_kinds_names_and_reach_the_document_by_either_name(
    web, login, world, wiki, session
):
    page = wiki.page(
        world.community, "Rota notes", f"See [[doc:{world.document.id}]].\n", author=world.member
    )
    stored = session.execute(
        select(ObjectLink.source_kind, ObjectLink.source_id, ObjectLink.target_kind)
    ).all()
    assert stored == [("wiki.page", page.id, "docs.document")]
    login(world.reader)
    for name in ("doc", "docs.document"):
        followed = web.get(f"/o/{name}/{world.document.id}")
        assert followed.status_code == 302
        assert followed.headers["Location"].endswith(document_page(world))
    assert web.get(f"/o/wiki.page/{page.id}").headers["Location"].endswith(f"/wiki/{page.slug}")
