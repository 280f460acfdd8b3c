"""Where an item lives is part of what finds it (issue 14): a wiki page is found by its community's name
and its parent page's title as they are now, weighing less than its own words."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.db import transaction
from polka.site_search.results import Outcome
from polka.wiki import pages
from tests.site_search.conftest import Search, WikiFactory, titles
from tests.wiki.conftest import WikiWorld


def holding_every_word(outcome: Outcome) -> list[str]:
    """The titles of the results that hold every word searched (partial matches follow them)."""
    return [result.title for result in outcome.results.items if not result.missing]


def test_a_subpage_is_found_by_its_parents_title_after_the_pages_own_matches(
    search: Search, world: WikiWorld, wiki: WikiFactory
) -> None:
    parent = wiki.page(world.community, "Stop and search", "How we record encounters.\n")
    wiki.page(world.community, "Body worn video", "Cameras on at the start.\n", parent=parent)
    wiki.page(world.community, "Search records", "What a stop record holds.\n")

    assert holding_every_word(search(world.member, "stop search video")) == ["Body worn video"]
    assert titles(search(world.member, "stop search")) == [
        "Stop and search",
        "Search records",
        "Body worn video",
    ]


def test_retitling_or_deleting_a_parent_rewrites_what_its_subpages_are_found_by(
    session: Session, search: Search, world: WikiWorld, wiki: WikiFactory
) -> None:
    parent = wiki.page(world.community, "Stop and search", "How we record encounters.\n")
    child = wiki.page(world.community, "Body worn video", "Cameras on at the start.\n", parent=parent)

    with transaction(session):
        pages.move_page(
            session, session.merge(world.moderator), session.merge(parent), title="Encounters", parent=None
        )
    assert holding_every_word(search(world.member, "stop video")) == []
    assert holding_every_word(search(world.member, "encounters video")) == ["Body worn video"]

    with transaction(session):
        pages.delete_page(session, session.merge(world.moderator), session.merge(parent))
    assert holding_every_word(search(world.member, "encounters video")) == []
    assert holding_every_word(search(world.member, "body worn video")) == [child.title]
