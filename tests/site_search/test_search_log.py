"""What people searched for and did not find (issue 14): recorded without who searched, kept 13
months, and shown to administrators as the searches that found nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from flask import Flask
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from polka.db import transaction, utcnow
from polka.site_search.log import KEEP, forget_old
from polka.site_search.models import SearchLogEntry
from tests.conftest import Login
from tests.site_search.conftest import WikiFactory
from tests.support import Web, text
from tests.wiki.conftest import WikiWorld


def entries(session: Session) -> list[SearchLogEntry]:
    session.rollback()
    return list(session.scalars(select(SearchLogEntry).order_by(SearchLogEntry.id)))


def test_a_search_is_recorded_with_its_words_place_and_count_and_nothing_of_who_ran_it(
    web: Web, login: Login, world: WikiWorld, session: Session
) -> None:
    login(world.member)
    web.get("/search?q=Checks")
    web.get(f"/c/{world.community.slug}/search?q=xylophone")

    first, second = entries(session)
    assert (first.words, first.community_id, first.results, first.opened) == ("Checks", None, 1, False)
    assert (second.words, second.community_id, second.results) == ("xylophone", world.community.id, 0)
    assert abs(first.searched_at - utcnow()) < timedelta(minutes=1)
    columns = {column["name"] for column in inspect(session.get_bind()).get_columns("search_log")}
    assert columns == {"id", "searched_at", "words", "community_id", "results", "opened"}


def test_only_the_first_page_of_a_search_is_recorded(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory, session: Session
) -> None:
    for n in range(25):
        wiki.page(world.community, f"Checks {n}", "More checks.\n", author=world.moderator)
    login(world.member)
    web.get("/search?q=checks")
    web.get("/search?q=checks&page=2")
    assert [(e.words, e.results) for e in entries(session)] == [("checks", 26)]


def test_following_a_result_notes_it_was_opened_and_lands_on_the_result(
    web: Web, login: Login, world: WikiWorld, session: Session
) -> None:
    login(world.member)
    page = web.get("/search?q=checks").get_data(as_text=True)
    link = unescape(
        re.search(r'polka-search-result__title">\s*<a class="govuk-link" href="([^"]+)"', page).group(1)
    )
    (entry,) = entries(session)
    assert link.startswith(f"/search/opened/{entry.id}?to=")

    response = web.get(link)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/c/{world.community.slug}/wiki/{world.page.slug}")
    assert entries(session)[0].opened is True

    elsewhere = web.get(f"/search/opened/{entry.id}?to=https://example.com/")
    assert elsewhere.headers["Location"].endswith("/search")  # never off the site


def test_searches_older_than_13_months_are_forgotten_by_the_worker(app: Flask, session: Session) -> None:
    now = utcnow()
    with transaction(session):
        for age in (KEEP + timedelta(days=1), KEEP - timedelta(days=1), timedelta(0)):
            session.add(SearchLogEntry(searched_at=now - age, words="w", results=0))
    with transaction(session):
        assert forget_old(session, now) == 1
    assert len(entries(session)) == 2
    tasks = [getattr(task, "name", "") for task in app.extensions["polka.jobs"].idle_tasks]
    assert "forget searches older than 13 months" in tasks


def test_administrators_see_the_searches_that_found_nothing_most_frequent_first(
    web: Web, login: Login, world: WikiWorld, session: Session, make
) -> None:
    login(world.member)
    for words in ("ASB hotspots", "asb  Hotspots", "misper", "checks", "ASB HOTSPOTS"):
        web.get("/search", query_string={"q": words})
    with transaction(session):  # one from long ago is not in the last 90 days
        session.add(SearchLogEntry(searched_at=utcnow() - timedelta(days=120), words="misper", results=0))

    assert web.get("/admin/search").status_code == 404  # not for members
    login.as_admin()
    response = web.get("/admin/search")
    page = text(response)
    assert response.status_code == 200
    assert "people ran 5 searches: 4 found nothing and 0 had a result opened" in page
    rows = re.findall(
        r'data-label="Words">([^<]+)</td>\s*<td[^>]*>(\d+)</td>', response.get_data(as_text=True)
    )
    assert [(unescape(words).lower(), int(count)) for words, count in rows] == [
        ("asb hotspots", 3),
        ("misper", 1),
    ]
    assert "/admin/search/synonyms?terms=" in response.get_data(as_text=True)
    prefilled = web.get("/admin/search/synonyms?terms=misper").get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>misper</textarea>", prefilled)
