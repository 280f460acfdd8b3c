"""The search pages over HTTP: what a person sees for a search, its filters and pages, and what they
are told when a filter holds something that cannot be used."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from polka.communities.models import Visibility
from polka.markings import Marking
from polka.site_search.params import PER_PAGE
from tests.conftest import Factory, Login
from tests.site_search.conftest import WikiFactory
from tests.support import Web, text
from tests.wiki.conftest import WikiWorld


def result_titles(page: str) -> list[str]:
    """The titles of the results listed on a search page, in order."""
    return [unescape(t) for t in re.findall(r'polka-search-result__title">\s*<a[^>]*>([^<]+)</a>', page)]


def link(page: str, rel: str) -> str:
    found = re.search(r'href="([^"]+)" rel="' + rel + '"', page)
    assert found, f"no {rel} link on the page"
    return unescape(found.group(1))


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def said(page: str) -> str:
    """The page's text as it reads (no space left before punctuation where a tag ended)."""
    return re.sub(r" (?=[;:,.?!])", "", text_of(page))


# --- results ---------------------------------------------------------------------------------------


def test_a_search_lists_a_visible_page_with_its_details_and_highlighted_words(
    web: Web, login: Login, world: WikiWorld
) -> None:
    login(world.member)
    response = web.get("/search?q=checks")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert result_titles(page) == ["PNC manual"]
    assert "1 result for ‘checks’" in text(response)
    assert "Wiki page" in text(response)
    assert "PNC Operators" in text(response)
    assert "Moe Moderator" in text(response)
    assert re.search(r"<time datetime=\"[^\"]+\">", page)
    assert "<mark>checks</mark>" in page.lower()
    assert "<title>Search results for ‘checks’ – POLKA</title>" in page


def test_an_official_sensitive_result_carries_its_marking(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory
) -> None:
    wiki.page(world.community, "Covert sites", "Sites for the checks.\n", marking=Marking.OFFICIAL_SENSITIVE)
    login(world.member)
    page = web.get("/search?q=sites").get_data(as_text=True)

    assert result_titles(page) == ["Covert sites"]
    assert re.search(r'govuk-tag--red">OFFICIAL-SENSITIVE</strong>', page)


def test_a_search_that_finds_nothing_says_so_and_suggests_what_to_try(
    web: Web, login: Login, world: WikiWorld
) -> None:
    login(world.member)
    response = web.get("/search?q=xylophone")

    assert response.status_code == 200
    assert "No results for ‘xylophone’" in text(response)
    assert "checking the spelling" in text(response)


def test_a_misspelt_search_offers_the_spelling_that_finds_more(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory
) -> None:
    wiki.page(world.community, "Meeting notes", "Notes of the quarterly meeting.\n", author=world.moderator)
    login(world.member)
    page = web.get("/search?q=meetnig").get_data(as_text=True)

    found = re.search(r'Did you mean <a class="govuk-link" href="([^"]+)">([^<]+)</a>\?', page)
    assert found, text_of(page)[:2000]
    assert found.group(2) == "meeting"
    assert result_titles(web.get(unescape(found.group(1))).get_data(as_text=True)) == ["Meeting notes"]


@pytest.mark.parametrize("typed", ["neighbourhood problem solving", "nieghbourhood problem solving"])
def test_a_search_few_pages_wholly_match_shows_those_with_most_words_after_them(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory, typed: str
) -> None:
    wiki.page(world.community, "Problem solving with SARA", "Scanning, analysis, response.\n")
    wiki.page(world.community, "Neighbourhood problem solving", "Solving problems with the public.\n")
    login(world.member)
    html = web.get("/search", query_string={"q": typed}).get_data(as_text=True)
    page = said(html)

    if typed.startswith("neighbourhood"):
        assert "Only 1 result contains all of ‘neighbourhood problem solving’; after it come results" in page
        assert page.count("Missing: neighbourhood") == 1
        assert "Did you mean" not in page
    else:  # the misspelt word is missing from both, and its spelling is offered
        assert (
            "No results contain all of ‘nieghbourhood problem solving’; showing results with most of" in page
        )
        assert page.count("Missing: nieghbourhood") == 2
        assert "Did you mean neighbourhood problem solving?" in page
    assert result_titles(html) == ["Neighbourhood problem solving", "Problem solving with SARA"]


def test_an_empty_search_shows_the_form_and_what_to_type(web: Web, login: Login, world: WikiWorld) -> None:
    login(world.member)
    response = web.get("/search")

    assert response.status_code == 200
    assert "Type a few words" in text(response)
    assert result_titles(response.get_data(as_text=True)) == []
    assert "No results" not in text(response)
    assert "There is a problem" not in text(response)
    assert "<title>Search – POLKA</title>" in response.get_data(as_text=True)


def test_every_page_has_a_search_box_in_the_header_for_signed_in_users(
    web: Web, login: Login, world: WikiWorld
) -> None:
    assert 'id="header-search"' not in web.get("/login").get_data(as_text=True)
    login(world.member)
    page = web.get("/").get_data(as_text=True)

    header = page.split("</header>")[0]
    assert 'action="/search"' in header
    assert 'name="q"' in header
    assert 'for="header-search"' in header


def test_hostile_text_in_the_search_box_is_searched_not_refused(
    web: Web, login: Login, world: WikiWorld
) -> None:
    login(world.member)
    for query in ("checks\x00\x1b[2J", "a" * 100_000, "' OR 1=1 --", '"unbalanced (title: OR -', "<script>"):
        response = web.get("/search", query_string={"q": query})
        assert response.status_code == 200, query[:20]
        assert "<script>" not in response.get_data(as_text=True).split("<main")[1]
    page = web.get("/search", query_string={"q": "checks\x00\x1b"}).get_data(as_text=True)
    assert result_titles(page) == ["PNC manual"]


# --- errors in the query string -----------------------------------------------------------------


def test_a_date_that_does_not_exist_is_an_error_that_keeps_what_was_typed(
    web: Web, login: Login, world: WikiWorld
) -> None:
    login(world.member)
    response = web.get("/search?q=checks&kind=wiki&from=2026-02-30")
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert '<a href="#filter-from">Date from must be a real date</a>' in page
    assert 'value="checks"' in page
    assert 'value="2026-02-30"' in page
    assert re.search(r'name="kind" type="checkbox" value="wiki\.page" form="search-form" checked', page)
    assert result_titles(page) == []
    assert "<title>Error: Search results for ‘checks’ – POLKA</title>" in page


def test_text_that_is_not_a_date_is_an_error(web: Web, login: Login, world: WikiWorld) -> None:
    login(world.member)
    response = web.get("/search?q=checks&to=last+tuesday")

    assert response.status_code == 400
    assert "Date to must be a real date" in text(response)
    assert 'value="last tuesday"' in response.get_data(as_text=True)


def test_a_from_date_after_the_to_date_is_an_error(web: Web, login: Login, world: WikiWorld) -> None:
    login(world.member)
    response = web.get("/search?q=checks&from=2026-05-01&to=2026-04-01")

    assert response.status_code == 400
    assert "Date to must be the same as or after date from" in text(response)
    assert result_titles(response.get_data(as_text=True)) == []


def test_a_community_that_is_not_a_number_is_an_error(web: Web, login: Login, world: WikiWorld) -> None:
    login(world.member)
    response = web.get("/search?q=checks&community=pnc")

    assert response.status_code == 400
    assert "Choose a community from the list" in text(response)


@pytest.mark.parametrize("page", ["abc", "-3", "0", "1.5", "9" * 40])
def test_a_page_number_that_is_not_one_shows_the_first_page(
    web: Web, login: Login, world: WikiWorld, page: str
) -> None:
    login(world.member)
    response = web.get(f"/search?q=checks&page={page}")

    assert response.status_code == 200
    assert result_titles(response.get_data(as_text=True)) == ["PNC manual"]


# --- filters, sorting and pages ------------------------------------------------------------------


def test_filters_show_counts_and_keep_their_state(web: Web, login: Login, world: WikiWorld) -> None:
    login(world.member)
    page = web.get(f"/search?q=checks&community={world.community.id}&mine=1").get_data(as_text=True)

    assert result_titles(page) == ["PNC manual"]
    assert re.search(
        r'name="kind" type="checkbox" value="wiki\.page" form="search-form">\s*<label[^>]*>Wiki page', page
    )
    assert re.search(
        rf'name="community" type="checkbox" value="{world.community.id}" form="search-form" checked>', page
    )
    assert re.search(
        r'id="filter-mine" name="mine" type="checkbox" value="1" form="search-form" checked', page
    )
    assert "PNC Operators (1 result )" in text_of(page)


def test_pages_of_results_link_to_each_other_keeping_every_filter(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory
) -> None:
    for n in range(PER_PAGE + 1):
        wiki.page(world.community, f"Roadside check {n:02}", "Roadside checks.\n", author=world.moderator)
    login(world.member)
    first = web.get("/search?q=roadside&kind=wiki&sort=date&from=2020-01-01&mine=1").get_data(as_text=True)

    assert len(result_titles(first)) == PER_PAGE
    following = link(first, "next")
    assert query_of(following) == {
        "q": ["roadside"],
        "kind": ["wiki.page"],
        "sort": ["date"],
        "from": ["2020-01-01"],
        "mine": ["1"],
        "page": ["2"],
    }
    second = web.get(following).get_data(as_text=True)
    assert len(result_titles(second)) == 1
    previous = query_of(link(second, "prev"))
    assert "page" not in previous
    assert previous["kind"] == ["wiki.page"]
    assert previous["from"] == ["2020-01-01"]
    assert set(result_titles(first)) | set(result_titles(second)) == {
        f"Roadside check {n:02}" for n in range(PER_PAGE + 1)
    }


def test_sorting_by_date_puts_the_latest_change_first(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory
) -> None:
    wiki.page(
        world.community,
        "Vehicle checks",
        "Vehicle checks, vehicle stops, vehicle records.\n",
        author=world.moderator,
    )
    wiki.page(
        world.community, "Contact list", "Who to call. A vehicle is mentioned once.\n", author=world.moderator
    )
    login(world.member)

    by_relevance = result_titles(web.get("/search?q=vehicle").get_data(as_text=True))
    by_date = web.get("/search?q=vehicle&sort=date").get_data(as_text=True)

    assert by_relevance == ["Vehicle checks", "Contact list"]
    assert result_titles(by_date) == ["Contact list", "Vehicle checks"]
    assert re.search(r'<option value="date" selected>', by_date)


def test_a_date_range_keeps_to_pages_changed_within_it(web: Web, login: Login, world: WikiWorld) -> None:
    login(world.member)
    assert result_titles(web.get("/search?q=checks&from=2000-01-01").get_data(as_text=True)) == ["PNC manual"]
    assert result_titles(web.get("/search?q=checks&to=2000-01-01").get_data(as_text=True)) == []


# --- searching within a community ------------------------------------------------------------------


def test_a_community_search_keeps_to_that_community(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory, make: Factory
) -> None:
    other = make.community("Roads Policing")
    wiki.page(other, "Roadside checks", "Checks at the roadside.\n")
    login(world.member)

    everywhere = web.get("/search?q=checks").get_data(as_text=True)
    response = web.get(f"/c/{world.community.slug}/search?q=checks")
    here = response.get_data(as_text=True)

    assert set(result_titles(everywhere)) == {"PNC manual", "Roadside checks"}
    assert response.status_code == 200
    assert result_titles(here) == ["PNC manual"]
    assert "1 result for ‘checks’ in PNC Operators" in text(response)
    assert f'<a class="govuk-breadcrumbs__link" href="/c/{world.community.slug}/">PNC Operators</a>' in here
    assert 'action="/search' not in here.split("</header>")[1]  # the form stays in the community


def test_a_community_search_box_is_on_the_community_and_wiki_pages(
    web: Web, login: Login, world: WikiWorld
) -> None:
    login(world.member)
    action = f'action="/c/{world.community.slug}/search"'
    assert action in web.get(f"/c/{world.community.slug}/").get_data(as_text=True)
    assert action in web.get(f"/c/{world.community.slug}/wiki/").get_data(as_text=True)


def test_a_private_communitys_search_is_not_found_by_an_outsider(
    web: Web, login: Login, make: Factory, wiki: WikiFactory
) -> None:
    manager = make.user("Hidden Manager", two_factor=True)
    hidden = make.community("Hidden Unit", visibility=Visibility.PRIVATE, managers=[manager])
    insider = make.member(hidden, make.user("Insider"))
    wiki.page(hidden, "Handler meetings", "Meetings with handlers.\n")

    login(insider)
    inside = web.get(f"/c/{hidden.slug}/search?q=meetings")
    assert inside.status_code == 200
    assert result_titles(inside.get_data(as_text=True)) == ["Handler meetings"]

    login.as_new_user(name="Outsider")
    outside = web.get(f"/c/{hidden.slug}/search?q=meetings")
    assert outside.status_code == 404
    assert "Handler meetings" not in outside.get_data(as_text=True)
    assert "Hidden Unit" not in outside.get_data(as_text=True)
