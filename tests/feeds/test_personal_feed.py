"""The personal feed: everything new in the reader's communities, as they may see it at the moment a
feed reader asks with their key; valid Atom; no OFFICIAL-SENSITIVE title, text or address naming it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from polka.accounts.models import User
from polka.communities import membership
from polka.communities.models import Community, Membership, Role, Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.wiki import pages
from tests.conftest import Factory, Login
from tests.feeds.conftest import assert_rfc4287, feed_link, parsed, reveal
from tests.support import Web
from tests.wiki.conftest import WikiFactory

SENSITIVE_TITLE = "An OFFICIAL-SENSITIVE wiki page was changed – open POLKA to read it"


@dataclass
class Reader:
    user: User
    key: str
    manager: User
    community: Community


@pytest.fixture
def wiki(session, make) -> WikiFactory:
    return WikiFactory(session, make)


@pytest.fixture
def reader(web: Web, login: Login, make: Factory, wiki: WikiFactory) -> Reader:
    """Rae, a member of Road Policing (which may hold OFFICIAL-SENSITIVE pages), with her feed key."""
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community("Road Policing", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE)
    user = make.member(community, make.user("Rae Reader"), Role.MEMBER)
    wiki.page(community, "Speed checks", "Calibrate first.\n", author=manager)
    login(user)
    return Reader(user, reveal(web), manager, community)


def read(reader_app: Web, reader: Reader):
    return parsed(reader_app.get(f"/feeds/mine.atom?key={reader.key}"))


def titles(result) -> list[str]:
    return [entry.title for entry in result.entries]


def test_the_feed_is_valid_atom_with_the_news_of_the_readers_communities(reader_app, reader):
    result = read(reader_app, reader)
    assert_rfc4287(result)
    assert result.feed.title == "New in your communities – POLKA"
    assert "Mina Manager created Speed checks in Road Policing" in titles(result)
    assert "Rae Reader and Mina Manager joined Road Policing" in titles(result)  # folded, as on the home page
    page = next(e for e in result.entries if e.title.startswith("Mina Manager created"))
    assert page.link == "http://localhost/c/road-policing/wiki/speed-checks"
    assert page.author == "Mina Manager"
    assert page.summary == "Wiki page in Road Policing"


def test_the_self_link_keeps_the_key_so_a_reader_that_follows_it_keeps_working(reader_app, reader):
    result = read(reader_app, reader)
    self_link = feed_link(result, "self")
    assert self_link == f"http://localhost/feeds/mine.atom?key={reader.key}"


def test_entries_show_titles_as_they_are_now(reader_app, reader, wiki, session):
    page = wiki.page(reader.community, "Old name", "Text.\n", author=reader.manager)
    with transaction(session):
        pages.move_page(
            session, session.merge(reader.manager), wiki.fresh(page), title="New name", parent=None
        )
    shown = titles(read(reader_app, reader))
    assert "Mina Manager created New name in Road Policing" in shown
    assert not [t for t in shown if "Old name" in t]


def test_a_deleted_page_leaves_the_feed(reader_app, reader, wiki, session):
    page = wiki.page(reader.community, "Short lived", "Text.\n", author=reader.manager)
    with transaction(session):
        pages.delete_page(session, session.merge(reader.manager), wiki.fresh(page))
    assert not [t for t in titles(read(reader_app, reader)) if "Short lived" in t]


def test_communities_the_reader_has_not_joined_are_left_out(reader_app, reader, make, wiki):
    manager = make.user("Other Manager", two_factor=True)
    open_one = make.community("Open Elsewhere", managers=[manager])
    private = make.community("Hidden Unit", managers=[manager], visibility=Visibility.PRIVATE)
    wiki.page(open_one, "Open news", "Text.\n", author=manager)
    wiki.page(private, "Surveillance log", "Text.\n", author=manager)
    shown = " ".join(titles(read(reader_app, reader)))
    assert "Open news" not in shown
    assert "Surveillance log" not in shown
    assert "Hidden Unit" not in shown


def test_removing_the_membership_empties_the_feed_of_that_community_at_once(reader_app, reader, session):
    assert "Speed checks" in " ".join(titles(read(reader_app, reader)))
    with transaction(session):
        held = session.scalars(select(Membership).where(Membership.user_id == reader.user.id)).one()
        membership.remove_member(
            session, session.merge(reader.manager), session.merge(reader.community), held.id
        )
    result = read(reader_app, reader)
    assert result.entries == []


def test_an_official_sensitive_page_is_announced_without_its_title_text_or_address(reader_app, reader, wiki):
    wiki.page(
        reader.community,
        "Covert sources",
        "Handler is DC Smith.\n",
        marking=Marking.OFFICIAL_SENSITIVE,
        author=reader.manager,
    )
    response = reader_app.get(f"/feeds/mine.atom?key={reader.key}")
    raw = response.get_data(as_text=True)
    assert "Covert sources" not in raw
    assert "covert-sources" not in raw
    assert "DC Smith" not in raw
    entry = next(e for e in parsed(response).entries if e.title == SENSITIVE_TITLE)
    assert entry.link == "http://localhost/c/road-policing/"
    assert entry.summary == "OFFICIAL-SENSITIVE: sign in to POLKA to read this wiki page."
    assert [tag.term for tag in entry.tags] == ["OFFICIAL-SENSITIVE"]


def test_an_empty_feed_is_still_valid_atom(reader_app, make, login, web):
    login(make.user("New Starter"))
    result = parsed(reader_app.get(f"/feeds/mine.atom?key={reveal(web)}"))
    assert_rfc4287(result)
    assert result.entries == []
