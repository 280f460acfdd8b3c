"""Search never tells anyone about what they may not see: not in results, snippets, totals, facet counts
or spelling suggestions — and a change of membership, visibility, marking or existence shows on the
very next search."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from polka.accounts.models import AccountStatus, User
from polka.communities.models import Community, Membership, Role, Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.wiki import pages
from polka.wiki.models import WikiPage
from tests.conftest import Factory
from tests.site_search.conftest import WikiFactory, titles
from tests.support import text

OPEN_PAGE = "Roadside checks"
SENSITIVE_PAGE = "Covert camera sites"
PRIVATE_PAGE = "Handler meetings"
RESTRICTED_PAGE = "Regional tasking"
EVERY_PAGE = {OPEN_PAGE, SENSITIVE_PAGE, PRIVATE_PAGE, RESTRICTED_PAGE}


@dataclass
class Estate:
    roads: Community  # open, holds an OFFICIAL and an OFFICIAL-SENSITIVE page
    covert: Community  # private
    regional: Community  # restricted
    pages: dict[str, WikiPage]
    outsider: User
    roads_reader: User
    roads_member: User
    covert_member: User
    pending: User
    suspended: User


@pytest.fixture
def estate(make: Factory, wiki: WikiFactory, session: Session) -> Estate:
    roads = make.community("Roads Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    covert = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    regional = make.community("Regional Leads", visibility=Visibility.RESTRICTED)
    made = {
        OPEN_PAGE: wiki.page(roads, OPEN_PAGE, "Zebracrossing checks at the roadside every meeting.\n"),
        SENSITIVE_PAGE: wiki.page(
            roads,
            SENSITIVE_PAGE,
            "Zebracrossing cameras near Falconcrest, discussed at a meeting.\n",
            marking=Marking.OFFICIAL_SENSITIVE,
        ),
        PRIVATE_PAGE: wiki.page(covert, PRIVATE_PAGE, "Zebracrossing handler Kestrelwatch meetings.\n"),
        RESTRICTED_PAGE: wiki.page(regional, RESTRICTED_PAGE, "Zebracrossing tasking Ospreyline meeting.\n"),
    }
    pending = make.user("Pat Pending")
    suspended = make.user("Sue Suspended")
    for user in (pending, suspended):
        make.member(roads, user)
        make.member(covert, user)
    with transaction(session):
        session.execute(update(User).where(User.id == pending.id).values(status=AccountStatus.PENDING))
        session.execute(update(User).where(User.id == suspended.id).values(status=AccountStatus.SUSPENDED))
    return Estate(
        roads=roads,
        covert=covert,
        regional=regional,
        pages=made,
        outsider=make.user("Olly Outsider"),
        roads_reader=make.member(roads, make.user("Rae Reader"), Role.READER),
        roads_member=make.member(roads, make.user("Mo Member")),
        covert_member=make.member(covert, make.user("Cat Covert")),
        pending=pending,
        suspended=suspended,
    )


def _who(estate: Estate, name: str) -> User | None:
    return None if name == "anonymous" else getattr(estate, name)


# Which pages each kind of user may find: open OFFICIAL content for every active user, sensitive
# content only for members of its community, private and restricted content only for their members.
CAN_FIND = {
    "anonymous": set(),
    "pending": set(),
    "suspended": set(),
    "outsider": {OPEN_PAGE},
    "roads_reader": {OPEN_PAGE, SENSITIVE_PAGE},
    "roads_member": {OPEN_PAGE, SENSITIVE_PAGE},
    "covert_member": {OPEN_PAGE, PRIVATE_PAGE},
}


@pytest.mark.parametrize("who", sorted(CAN_FIND))
def test_results_totals_facets_and_snippets_hold_only_what_the_user_may_see(estate, search, who):
    outcome = search(_who(estate, who), "zebracrossing")
    allowed = CAN_FIND[who]

    assert set(titles(outcome)) == allowed
    assert outcome.total == len(allowed)
    counted = {facet.name: {v.label: v.count for v in facet.values} for facet in outcome.facets}
    assert sum(counted.get("kind", {}).values()) == len(allowed)
    communities = counted.get("community", {})
    assert ("Covert Tasking" in communities) == (PRIVATE_PAGE in allowed)
    assert "Regional Leads" not in communities
    assert communities.get("Roads Policing", 0) == len(allowed & {OPEN_PAGE, SENSITIVE_PAGE})
    snippets = " ".join(str(result.snippet) for result in outcome.results.items)
    for secret, page in (
        ("Falconcrest", SENSITIVE_PAGE),
        ("Kestrelwatch", PRIVATE_PAGE),
        ("Ospreyline", RESTRICTED_PAGE),
    ):
        assert (secret in snippets) == (page in allowed)


@pytest.mark.parametrize(
    ("who", "word", "page"),
    [
        ("outsider", "kestrelwatch", PRIVATE_PAGE),
        ("outsider", "falconcrest", SENSITIVE_PAGE),
        ("outsider", "ospreyline", RESTRICTED_PAGE),
        ("roads_member", "kestrelwatch", PRIVATE_PAGE),
        ("pending", "kestrelwatch", PRIVATE_PAGE),
    ],
)
def test_words_only_in_hidden_content_find_nothing_and_suggest_nothing(estate, search, who, word, page):
    user = _who(estate, who)
    exact = search(user, word)
    assert exact.total == 0
    assert titles(exact) == []
    assert exact.facets == []
    misspelt = search(user, word[:-2] + word[-1] + word[-2])  # the last two letters swapped
    assert misspelt.suggestion is None


def test_a_member_is_offered_a_respelling_that_finds_their_communitys_page(estate, search):
    outcome = search(estate.covert_member, "kestrelwacth")
    assert outcome.total == 0
    assert outcome.suggestion == "kestrelwatch"
    assert titles(search(estate.covert_member, outcome.suggestion)) == [PRIVATE_PAGE]


def test_choosing_a_community_the_user_cannot_read_finds_nothing_and_does_not_name_it(estate, search):
    outcome = search(estate.outsider, "zebracrossing", communities=frozenset({estate.covert.id}))
    assert outcome.total == 0
    assert titles(outcome) == []
    labels = [value.label for facet in outcome.facets for value in facet.values]
    assert "Covert Tasking" not in labels


def test_a_chosen_community_with_no_matches_stays_listed_so_it_can_be_unticked(estate, search):
    outcome = search(estate.covert_member, "roadside", communities=frozenset({estate.covert.id}))
    assert outcome.total == 0
    (community,) = [facet for facet in outcome.facets if facet.name == "community"]
    assert [(v.label, v.count, v.selected) for v in community.values] == [("Covert Tasking", 0, True)]


def test_my_communities_keeps_to_the_users_own(estate, search):
    everything = search(estate.covert_member, "zebracrossing")
    mine = search(estate.covert_member, "zebracrossing", mine=True)
    assert set(titles(everything)) == {OPEN_PAGE, PRIVATE_PAGE}
    assert titles(mine) == [PRIVATE_PAGE]
    assert search(estate.outsider, "zebracrossing", mine=True).total == 0


# --- every mutation shows on the next search -------------------------------------------------------


def test_a_removed_member_stops_finding_the_private_page_at_once(estate, search, session):
    assert PRIVATE_PAGE in titles(search(estate.covert_member, "kestrelwatch"))
    with transaction(session):
        session.execute(
            delete(Membership).where(
                Membership.user_id == estate.covert_member.id, Membership.community_id == estate.covert.id
            )
        )
    outcome = search(estate.covert_member, "kestrelwatch")
    assert outcome.total == 0
    assert titles(outcome) == []


def test_a_community_made_private_disappears_from_outsiders_searches(estate, search, session):
    assert titles(search(estate.outsider, "zebracrossing")) == [OPEN_PAGE]
    with transaction(session):
        session.execute(
            update(Community).where(Community.id == estate.roads.id).values(visibility=Visibility.PRIVATE)
        )
    outcome = search(estate.outsider, "zebracrossing")
    assert outcome.total == 0
    assert outcome.facets == []
    assert set(titles(search(estate.roads_member, "zebracrossing"))) == {OPEN_PAGE, SENSITIVE_PAGE}


def test_a_page_re_marked_sensitive_is_hidden_from_non_members(estate, search, wiki, session):
    page = wiki.fresh(estate.pages[OPEN_PAGE])
    moderator = session.get(User, page.created_by_id)
    with transaction(session):
        page = wiki.fresh(page)
        from polka.wiki import services

        services.save_edit(
            session,
            moderator,
            page,
            services.Edit(
                body="Zebracrossing checks, now sensitive.\n",
                marking=Marking.OFFICIAL_SENSITIVE,
                base_number=page.head_number,
            ),
        )
    assert search(estate.outsider, "zebracrossing").total == 0
    assert OPEN_PAGE in titles(search(estate.roads_member, "zebracrossing"))


def test_a_deleted_page_is_found_by_nobody_and_a_restored_one_comes_back(estate, search, wiki, session, make):
    manager = make.user("Mae Manager", two_factor=True)
    make.member(estate.roads, manager, Role.MANAGER)
    with transaction(session):
        pages.delete_page(session, session.merge(manager), wiki.fresh(estate.pages[OPEN_PAGE]))
    for who in ("outsider", "roads_member"):
        assert OPEN_PAGE not in titles(search(_who(estate, who), "zebracrossing"))
    with transaction(session):
        pages.restore_page(session, session.merge(manager), wiki.fresh(estate.pages[OPEN_PAGE]))
    assert titles(search(estate.outsider, "zebracrossing")) == [OPEN_PAGE]


def test_a_hit_the_index_still_holds_is_rechecked_before_it_is_shown(estate, search, session):
    # The database changes without the outbox (as if the index lagged behind): the index still says
    # OFFICIAL, but the wiki's own access rule is asked before the result is shown.
    with transaction(session):
        session.execute(
            update(WikiPage)
            .where(WikiPage.id == estate.pages[OPEN_PAGE].id)
            .values(marking=Marking.OFFICIAL_SENSITIVE)
        )
    outcome = search(estate.outsider, "zebracrossing")
    assert titles(outcome) == []
    assert "roadside" not in " ".join(str(r.snippet) for r in outcome.results.items)


# --- the page itself ----------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in_and_shown_nothing(estate, web):
    response = web.get("/search?q=zebracrossing")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    page = response.get_data(as_text=True)
    for title in EVERY_PAGE:
        assert title not in page


def test_the_results_page_of_an_outsider_names_nothing_hidden(estate, web, login):
    login(estate.outsider)
    response = web.get("/search?q=zebracrossing")
    page = response.get_data(as_text=True)
    assert OPEN_PAGE in page
    for hidden in (
        SENSITIVE_PAGE,
        PRIVATE_PAGE,
        RESTRICTED_PAGE,
        "Falconcrest",
        "Kestrelwatch",
        "Ospreyline",
    ):
        assert hidden not in page
    for community in ("Covert Tasking", "Regional Leads"):
        assert community not in page
    assert "1 result" in text(response)
