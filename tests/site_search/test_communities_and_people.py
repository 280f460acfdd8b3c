"""Communities and people are searchable (issue 14), through the same policy: a community by whoever may
see it exists (a private one by its members only; a restricted one by everyone, while its content stays
its members'), a person by whoever may see the directory. A newcomer searching "PNC" meets the
community and its experts without reading a word of its content."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from polka.accounts import services as accounts
from polka.accounts.models import User
from polka.communities.models import Community, Role, Visibility
from polka.communities.services import update_settings
from polka.db import transaction
from polka.people.services import ProfileChanges, update_profile
from polka.site_search.results import Outcome
from tests.conftest import Factory, Login
from tests.site_search.conftest import Search, WikiFactory
from tests.support import Web, text


@dataclass
class Town:
    pnc: Community  # restricted: anyone may find it, only members read it
    covert: Community  # private
    expert: User  # a PNC member who knows PNC auditing
    newcomer: User  # in no community
    covert_member: User


@pytest.fixture
def town(make: Factory, wiki: WikiFactory, session: Session) -> Town:
    pnc = make.community(
        "PNC Operators",
        visibility=Visibility.RESTRICTED,
        summary="Operators of the Police National Computer",
        description="Audit tips, **transaction codes** and the working manual.",
        region="North West",
    )
    covert = make.community("Covert Tasking", visibility=Visibility.PRIVATE, summary="Handlers and tasking")
    expert = make.member(pnc, make.user("Priya Shah", email="priya.shah@met.police.uk"))
    with transaction(session):
        update_profile(
            session,
            session.merge(expert),
            ProfileChanges(
                job_title="PNC bureau supervisor",
                expertise="PNC auditing, ANPR",
                ask_me_about="Transaction codes and audit trails",
                bio="",
                phone="",
                organisation_id=expert.organisation_id,
            ),
        )
    wiki.page(pnc, "Working manual", "Run the PNC checks with a reason code.\n", author=expert)
    covert_member = make.member(covert, make.user("Cat Morgan"))
    wiki.page(covert, "Handler meetings", "Kestrelwatch tasking notes.\n", author=covert_member)
    return Town(pnc, covert, expert, make.user("Nia Newcomer"), covert_member)


def found(outcome: Outcome) -> set[tuple[str, str]]:
    return {(result.kind_label, result.title) for result in outcome.results.items}


def test_a_newcomer_finds_the_community_and_its_expert_but_not_its_content(
    town: Town, search: Search
) -> None:
    outcome = search(town.newcomer, "PNC")
    assert found(outcome) == {("Community", "PNC Operators"), ("Person", "Priya Shah")}
    assert outcome.total == 2
    counted = {facet.name: {v.label: v.count for v in facet.values} for facet in outcome.facets}
    assert counted["kind"] == {"Community": 1, "Person": 1}
    assert "Working manual" not in str(outcome)


def test_a_member_finds_the_content_too(town: Town, search: Search) -> None:
    assert found(search(town.expert, "PNC")) == {
        ("Community", "PNC Operators"),
        ("Person", "Priya Shah"),
        ("Wiki page", "Working manual"),
    }


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("police national computer", {("Community", "PNC Operators")}),  # its summary
        (
            "transaction codes",
            {("Community", "PNC Operators"), ("Person", "Priya Shah")},
        ),  # description, ask me
        ("north west operators", {("Community", "PNC Operators")}),  # its region
        ("anpr", {("Person", "Priya Shah")}),  # expertise
        ("bureau supervisor", {("Person", "Priya Shah")}),  # job title
        ("priya", {("Person", "Priya Shah")}),  # name
    ],
)
def test_communities_and_people_are_found_by_what_describes_them(
    town: Town, search: Search, words: str, expected: set[tuple[str, str]]
) -> None:
    assert {hit for hit in found(search(town.newcomer, words)) if hit[0] != "Wiki page"} >= expected
    complete = {(r.kind_label, r.title) for r in search(town.newcomer, words).results.items if not r.missing}
    assert complete == expected


def test_a_private_community_is_found_by_its_members_only(town: Town, search: Search) -> None:
    assert found(search(town.newcomer, "covert tasking")) == set()
    assert search(town.newcomer, "covert tasking").facets == []
    assert found(search(town.covert_member, "covert tasking")) == {
        ("Community", "Covert Tasking"),
        ("Wiki page", "Handler meetings"),  # where it lives names it
    }


def test_nobody_signed_out_or_inactive_finds_communities_or_people(
    town: Town, search: Search, make: Factory, session: Session
) -> None:
    assert search(None, "PNC").total == 0
    admin = make.admin()
    with transaction(session):
        accounts.suspend_user(session, session.merge(admin), session.merge(town.newcomer), "Left the service")
    assert search(town.newcomer, "PNC").total == 0


def test_a_suspended_person_leaves_search_and_a_reactivated_one_returns(
    town: Town, search: Search, make: Factory, session: Session
) -> None:
    admin = make.admin()
    with transaction(session):
        accounts.suspend_user(session, session.merge(admin), session.merge(town.expert), "Left the service")
    outcome = search(town.newcomer, "anpr")
    assert (found(outcome), outcome.total) == (set(), 0)
    with transaction(session):
        accounts.reactivate_user(session, session.merge(admin), session.merge(town.expert))
    assert found(search(town.newcomer, "anpr")) == {("Person", "Priya Shah")}


def test_a_community_is_found_by_its_new_settings_at_once(
    town: Town, search: Search, make: Factory, session: Session
) -> None:
    manager = make.user("Mina Manager", two_factor=True)
    make.member(town.pnc, manager, Role.MANAGER)
    with transaction(session):
        pnc = session.merge(town.pnc)
        update_settings(
            session,
            session.merge(manager),
            pnc,
            name=pnc.name,
            summary="Keepers of the national database of records",
            description=pnc.description,
            visibility=pnc.visibility,
            marking_ceiling=pnc.marking_ceiling,
            region=pnc.region,
            parent_id=pnc.parent_id,
        )
    assert found(search(town.newcomer, "keepers")) == {("Community", "PNC Operators")}
    assert ("Community", "PNC Operators") not in found(search(town.newcomer, "police national computer"))


def test_the_results_page_shows_a_person_with_their_organisation_and_no_date(
    town: Town, web: Web, login: Login
) -> None:
    login(town.newcomer)
    response = web.get("/search?q=anpr")
    page = response.get_data(as_text=True)
    assert "Person" in text(response)
    assert "Metropolitan Police" in text(response)  # the organisation of a met.police.uk address
    assert f'to=/people/{town.expert.id}"' in page  # through the search log's "opened" note
    assert "Updated" not in text(response).split("Priya Shah", 1)[1][:200]
