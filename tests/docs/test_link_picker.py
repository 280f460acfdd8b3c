"""The editor's pickers (``/c/<c>/wiki/-/pick``): documents and pages the writer may see, with the link
to insert, and a clear JSON error for anything that cannot be searched."""

from __future__ import annotations

import pytest

from polka.markings import Marking
from tests.docs.conftest import DocsWorld
from tests.wiki.conftest import WikiFactory


@pytest.fixture
def wiki(session, make) -> WikiFactory:
    return WikiFactory(session, make)


def pick(web, world: DocsWorld, **query: str):
    return web.get(f"/c/{world.community.slug}/wiki/-/pick", query_string=query)


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [result["title"] for result in response.get_json()["results"]]


def test_documents_are_found_by_part_of_their_title_with_the_link_to_insert(web, login, world):
    login(world.member)
    answer = pick(web, world, kind="doc", q="sched").get_json()
    assert answer["count"] == 1
    assert answer["more"] is False
    [found] = answer["results"]
    assert found["title"] == "Rolling schedule"
    assert found["insert"] == f"[[doc:{world.document.id}|Rolling schedule]]"
    assert found["detail"] == "Regional coordinators"


def test_only_documents_the_writer_may_see_are_offered(web, login, world, docs, make):
    docs.document(world.private, "Covert schedule", author=world.manager)
    docs.document(world.community, "Sensitive schedule", marking=Marking.OFFICIAL_SENSITIVE)
    elsewhere = make.community("Other force")
    writer = make.member(elsewhere, make.user("Wendy Writer"))
    login(writer)  # a member of another community: sees the open community's OFFICIAL document only
    response = web.get(f"/c/{elsewhere.slug}/wiki/-/pick", query_string={"kind": "doc", "q": "schedule"})
    assert titles(response) == ["Rolling schedule"]
    login(world.member)  # a member of the open community: its sensitive document too
    assert titles(pick(web, world, kind="doc", q="schedule")) == ["Rolling schedule", "Sensitive schedule"]
    login(world.manager)  # a member of both communities
    found = pick(web, world, kind="doc", q="schedule").get_json()["results"]
    assert [(r["title"], r["detail"]) for r in found] == [
        ("Covert schedule", "Covert tasking"),
        ("Rolling schedule", "Regional coordinators"),
        ("Sensitive schedule", "Regional coordinators · OFFICIAL-SENSITIVE"),
    ]


def test_titles_starting_with_the_words_come_first_and_typed_wildcards_are_literal(web, login, world, docs):
    docs.document(world.community, "Schedule of rest days")
    login(world.member)
    assert titles(pick(web, world, kind="doc", q="SCHED")) == ["Schedule of rest days", "Rolling schedule"]
    assert titles(pick(web, world, kind="doc", q="%")) == []
    assert titles(pick(web, world, kind="doc", q=str(world.document.id))) == ["Rolling schedule"]


def test_pages_of_this_community_are_found_with_the_link_that_leads_to_them(web, login, world, wiki):
    wiki.page(world.community, "Shift handover")
    wiki.page(world.community, "Handover [draft] notes")
    wiki.page(world.private, "Handover secrets", author=world.manager)
    login(world.manager)
    answer = pick(web, world, kind="page", q="handover").get_json()
    assert [(r["title"], r["insert"]) for r in answer["results"]] == [
        ("Handover [draft] notes", "[[handover-draft-notes|Handover (draft) notes]]"),
        ("Shift handover", "[[Shift handover]]"),
    ]


def test_only_writers_of_the_community_may_pick(web, login, world):
    login(world.reader)
    assert pick(web, world, kind="doc", q="sched").status_code == 403
    login(world.outsider)
    assert pick(web, world, kind="doc", q="sched").status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "", "q": "sched"}, "kind must be one of doc, page"),
        ({"kind": "meeting", "q": "sched"}, "kind must be one of doc, page"),
        ({"kind": "doc", "q": "x" * 101}, "too long: at most 100 characters"),
        ({"kind": "doc", "q": "sched\x00"}, "characters that cannot be used"),
    ],
)
def test_bad_input_is_a_json_error(web, login, world, query, message):
    login(world.member)
    response = pick(web, world, **query)
    assert response.status_code == 400
    assert response.is_json
    assert message in response.get_json()["error"]


def test_no_words_find_nothing(web, login, world):
    login(world.member)
    answer = pick(web, world, kind="doc", q="   ").get_json()
    assert (answer["count"], answer["results"]) == (0, [])


def test_pages_are_what_is_picked_unless_the_kind_says_otherwise(web, login, world, wiki):
    wiki.page(world.community, "Rolling rota")
    login(world.member)
    assert titles(pick(web, world, q="rolling")) == ["Rolling rota"]
