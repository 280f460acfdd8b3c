"""Search in Chromium: from the header box to highlighted results, a filter applied with its checkbox
and button, the next page of results, and axe-core on the results and on a search with an error."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role
from polka.db import transaction
from polka.markings import Marking
from polka.site_search.params import PER_PAGE
from polka.site_search.synonyms import sync_synonyms
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory
from tests.wiki.conftest import WikiFactory

pytestmark = pytest.mark.browser

ROADS_PAGES = 15
PNC_PAGES = 10


@dataclass
class SearchSite:
    member: User
    roads: Community
    pnc: Community


@pytest.fixture
def search_site(make: Factory, session: Session) -> SearchSite:
    member = make.user("Priya Shah", email="priya.shah@met.police.uk")
    author = make.user("Gareth Hughes", email="gareth.hughes@gmp.police.uk")
    roads = make.community("Roads Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    pnc = make.community("PNC Operators")
    for community in (roads, pnc):
        make.member(community, member, Role.MEMBER)
        make.member(community, author, Role.MODERATOR)
    wiki = WikiFactory(session, make)
    for n in range(ROADS_PAGES):
        marking = Marking.OFFICIAL_SENSITIVE if n == 0 else Marking.OFFICIAL
        wiki.page(
            roads,
            f"Roadside checks {n + 1}",
            "Stop the vehicle safely, then run the registration checks on the PNC.\n",
            author=author,
            marking=marking,
        )
    for n in range(PNC_PAGES):
        wiki.page(
            pnc,
            f"PNC checks {n + 1}",
            "Every person check needs a reason code; record it before you search.\n",
            author=author,
        )
    return SearchSite(member, roads, pnc)


def result_count(tab: Tab) -> str:
    return tab.page.locator(".polka-search__count").inner_text().strip()


def test_search_filter_and_page_through_results(tab: Tab, search_site: SearchSite) -> None:
    total = ROADS_PAGES + PNC_PAGES
    assert total > PER_PAGE, "the search needs a second page"
    tab.sign_in(search_site.member)

    tab.page.fill("#header-search", "checks")
    with tab.page.expect_navigation():
        tab.page.press("#header-search", "Enter")
    assert tab.path().startswith("/search?q=checks")
    assert result_count(tab) == f"{total} results for ‘checks’"
    assert tab.page.locator(".polka-search-result").count() == PER_PAGE
    highlighted = tab.page.locator(".polka-search-result__snippet mark").first
    assert highlighted.is_visible()
    assert highlighted.inner_text().lower() in {"check", "checks"}  # the word, or another form of it
    check_page(tab, "/search?q=checks")

    with tab.page.expect_navigation():
        tab.page.locator("a[rel=next]").click()
    assert "page=2" in tab.path()
    assert tab.page.locator(".polka-search-result").count() == total - PER_PAGE
    assert result_count(tab) == f"{total} results for ‘checks’"

    tab.page.get_by_label(re.compile(r"^PNC Operators")).check()
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Apply filters").click()
    assert f"community={search_site.pnc.id}" in tab.path()
    assert "page=" not in tab.path(), "a new filter starts again at the first page"
    assert result_count(tab) == f"{PNC_PAGES} results for ‘checks’"
    assert tab.page.get_by_label(re.compile(r"^PNC Operators")).is_checked()
    assert tab.page.locator("#search-q").input_value() == "checks"
    check_page(tab, "/search with a community filter")


def test_changing_the_words_keeps_the_filters(tab: Tab, search_site: SearchSite) -> None:
    tab.sign_in(search_site.member)
    tab.visit(f"/search?q=checks&community={search_site.roads.id}")
    assert result_count(tab) == f"{ROADS_PAGES} results for ‘checks’"

    tab.page.fill("#search-q", "registration")
    with tab.page.expect_navigation():
        tab.page.locator("#search-form button[type=submit]").click()
    assert result_count(tab) == f"{ROADS_PAGES} results for ‘registration’"
    assert tab.page.get_by_label(re.compile(r"^Roads Policing")).is_checked()


def test_a_search_with_a_wrong_date_shows_the_error_accessibly(tab: Tab, search_site: SearchSite) -> None:
    tab.sign_in(search_site.member)
    tab.visit("/search?q=checks&from=2026-02-30", status=400)

    assert tab.page.locator(".govuk-error-summary").count() == 1
    assert tab.page.locator("#filter-from").input_value() == "2026-02-30"
    check_page(tab, "/search with a date error")

    tab.page.fill("#filter-from", "2026-01-01")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Apply filters").click()
    assert tab.page.locator(".govuk-error-summary").count() == 0
    assert result_count(tab) == f"{ROADS_PAGES + PNC_PAGES} results for ‘checks’"


def test_a_community_search_is_accessible(tab: Tab, search_site: SearchSite) -> None:
    tab.sign_in(search_site.member)
    tab.visit(f"/c/{search_site.roads.slug}/")
    tab.page.fill("#community-search", "registration")
    with tab.page.expect_navigation():
        tab.page.press("#community-search", "Enter")

    assert tab.path().startswith(f"/c/{search_site.roads.slug}/search?q=registration")
    assert result_count(tab) == f"{ROADS_PAGES} results for ‘registration’ in Roads Policing"
    assert tab.page.locator(".polka-search-result .govuk-tag--red").count() == 1
    check_page(tab, "/c/<slug>/search")


def test_an_empty_search_page_is_accessible(tab: Tab, search_site: SearchSite) -> None:
    tab.sign_in(search_site.member)
    tab.visit("/search")
    check_page(tab, "/search")


def test_synonyms_and_partial_matches_read_clearly_and_accessibly(
    tab: Tab, search_site: SearchSite, make: Factory, session: Session
) -> None:
    with transaction(session):
        sync_synonyms(session)
    WikiFactory(session, make).page(
        search_site.roads, "Hotspots", "Reports of anti-social behaviour by the station car park.\n"
    )
    tab.sign_in(search_site.member)
    tab.visit("/search?q=ASB+car+park+lighting")

    assert tab.page.locator(".polka-search__partial").inner_text().startswith("No results contain all of")
    assert (
        "‘ASB’ was also searched as anti-social behaviour"
        in tab.page.locator(".polka-search__synonyms").inner_text()
    )
    marks = tab.page.locator(".polka-search-result .polka-mark--synonym")
    assert marks.all_inner_texts() == ["anti", "social", "behaviour"]
    assert tab.page.locator(".polka-search-result__missing").inner_text() == "Missing: lighting"
    check_page(tab, "/search with synonyms and partial matches")


def test_the_thesaurus_page_and_its_errors_are_accessible(tab: Tab, make: Factory, session: Session) -> None:
    with transaction(session):
        sync_synonyms(session)
    tab.sign_in(make.admin())
    tab.visit("/admin/search/synonyms")
    check_page(tab, "/admin/search/synonyms")

    tab.page.fill("#terms", "ASB\nnuisance")
    tab.submit()
    assert tab.page.locator(".govuk-error-summary").inner_text().count("already in the group") == 1
    assert tab.page.locator("#terms").input_value() == "ASB\nnuisance"
    check_page(tab, "/admin/search/synonyms with an error")
