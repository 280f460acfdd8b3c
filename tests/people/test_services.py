"""People rules at the service level: the directory's filters, profiles, editing a profile."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.accounts.models import AccountStatus
from polka.audit.models import AuditEntry
from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.errors import NotFound, ValidationError
from polka.organisations.models import Organisation
from polka.people.services import (
    DirectoryQuery,
    ProfileChanges,
    get_profile,
    parse_expertise,
    person_communities,
    search_people,
    update_profile,
)


def org(session, slug):
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


@pytest.fixture
def people(make, session):
    """Three practitioners in different forces and regions, with profiles."""
    sandra = make.user("Sandra Okafor", email="sandra@met.police.uk")
    gareth = make.user("Gareth Hughes", email="gareth@gmp.police.uk")
    rhys = make.user("Rhys Evans", email="rhys@south-wales.police.uk")
    with transaction(session):
        update_profile(
            session,
            sandra,
            ProfileChanges(
                job_title="PNC user group chair",
                expertise="PNC, PNC auditing",
                organisation_id=org(session, "metropolitan-police").id,
            ),
        )
        update_profile(
            session,
            gareth,
            ProfileChanges(
                job_title="Regional coordinator",
                ask_me_about="Regional PNC meetings",
                expertise="Training",
                organisation_id=org(session, "greater-manchester-police").id,
            ),
        )
        update_profile(
            session,
            rhys,
            ProfileChanges(
                job_title="Analyst", expertise="ANPR", organisation_id=org(session, "south-wales-police").id
            ),
        )
    return {"sandra": sandra, "gareth": gareth, "rhys": rhys}


def names(page):
    return [p.name for p in page.items]


def test_directory_lists_everyone_active_by_name(session, people):
    viewer = people["rhys"]
    assert names(search_people(session, viewer, DirectoryQuery())) == [
        "Gareth Hughes",
        "Rhys Evans",
        "Sandra Okafor",
    ]


def test_directory_searches_by_part_of_a_name_ignoring_case(session, people):
    assert names(search_people(session, people["rhys"], DirectoryQuery(name="okaf"))) == ["Sandra Okafor"]


def test_directory_filters_by_organisation(session, people):
    query = DirectoryQuery(organisation_id=org(session, "greater-manchester-police").id)
    assert names(search_people(session, people["rhys"], query)) == ["Gareth Hughes"]


def test_directory_filters_by_the_region_of_the_organisation(session, people):
    assert names(search_people(session, people["rhys"], DirectoryQuery(region="Wales"))) == ["Rhys Evans"]


def test_directory_filters_by_expertise_tag(session, people):
    assert names(search_people(session, people["rhys"], DirectoryQuery(expertise="pnc audit"))) == [
        "Sandra Okafor"
    ]


def test_directory_free_text_searches_job_title_and_ask_me_about(session, people):
    viewer = people["rhys"]
    assert names(search_people(session, viewer, DirectoryQuery(text="chair"))) == ["Sandra Okafor"]
    assert names(search_people(session, viewer, DirectoryQuery(text="meetings"))) == ["Gareth Hughes"]


def test_directory_filters_combine(session, people):
    query = DirectoryQuery(text="coordinator", region="London")
    assert names(search_people(session, people["rhys"], query)) == []


def test_directory_treats_like_wildcards_literally(session, people):
    assert names(search_people(session, people["rhys"], DirectoryQuery(name="%"))) == []
    assert names(search_people(session, people["rhys"], DirectoryQuery(name="_"))) == []
    assert names(search_people(session, people["rhys"], DirectoryQuery(text="%"))) == []
    assert names(search_people(session, people["rhys"], DirectoryQuery(expertise="_"))) == []


@pytest.mark.parametrize("status", [AccountStatus.PENDING, AccountStatus.SUSPENDED, AccountStatus.REJECTED])
def test_directory_leaves_out_accounts_that_are_not_active(session, people, status):
    with transaction(session):
        people["gareth"].status = status
    assert "Gareth Hughes" not in names(search_people(session, people["rhys"], DirectoryQuery()))


def test_directory_pages_results(session, make, people):
    for n in range(3):
        make.user(f"Zed Person {n}")
    first = search_people(session, people["rhys"], DirectoryQuery(), page=1, per_page=4)
    second = search_people(session, people["rhys"], DirectoryQuery(), page=2, per_page=4)
    assert (first.total, first.pages, first.has_next, second.has_previous) == (6, 2, True, True)
    assert len(first.items) == 4
    assert names(second) == ["Zed Person 1", "Zed Person 2"]


def test_directory_page_out_of_range_shows_the_last_page(session, people):
    page = search_people(session, people["rhys"], DirectoryQuery(), page=99, per_page=2)
    assert page.page == 2


@pytest.mark.parametrize("status", [AccountStatus.PENDING, AccountStatus.SUSPENDED, AccountStatus.REJECTED])
def test_profile_of_an_inactive_account_is_not_found(session, people, status):
    with transaction(session):
        people["gareth"].status = status
    with pytest.raises(NotFound):
        get_profile(session, people["rhys"], people["gareth"].id)


def test_profile_of_an_active_account_is_found(session, people):
    assert get_profile(session, people["rhys"], people["gareth"].id).person is people["gareth"]


def test_profile_of_an_unknown_id_is_not_found(session, people):
    with pytest.raises(NotFound):
        get_profile(session, people["rhys"], 999_999)


@pytest.fixture
def memberships(make, people):
    """Sandra belongs to an open, a restricted and a private community; Rhys to none of them."""
    sandra = people["sandra"]
    open_ = make.community("Open Group")
    restricted = make.community("Restricted Group", visibility=Visibility.RESTRICTED)
    private = make.community("Private Group", visibility=Visibility.PRIVATE)
    for community in (open_, restricted, private):
        make.member(community, sandra, Role.MEMBER)
    return {"open": open_, "restricted": restricted, "private": private}


def test_profile_shows_only_communities_whose_members_the_viewer_may_see(session, people, memberships):
    shown = [c.name for c, _ in person_communities(session, people["rhys"], people["sandra"])]
    assert shown == ["Open Group"]


def test_profile_shows_a_private_community_to_a_fellow_member(session, make, people, memberships):
    make.member(memberships["private"], people["rhys"], Role.READER)
    shown = [c.name for c, _ in person_communities(session, people["rhys"], people["sandra"])]
    assert shown == ["Open Group", "Private Group"]


def test_profile_shows_the_person_all_their_own_communities(session, people, memberships):
    shown = [c.name for c, _ in person_communities(session, people["sandra"], people["sandra"])]
    assert shown == ["Open Group", "Private Group", "Restricted Group"]


def test_expertise_is_tidied_and_deduplicated_ignoring_case():
    assert parse_expertise(" PNC ,pnc,  data   quality, #ANPR,, ") == ["PNC", "data quality", "ANPR"]


def test_expertise_refuses_more_than_twenty_tags():
    with pytest.raises(ValidationError) as error:
        parse_expertise(",".join(f"tag {n}" for n in range(21)))
    assert "expertise" in error.value.field_errors


def test_expertise_refuses_an_overlong_tag():
    with pytest.raises(ValidationError):
        parse_expertise("x" * 61)


def test_expertise_accepts_a_tag_of_sixty_characters():
    assert parse_expertise("x" * 60) == ["x" * 60]


def test_update_profile_saves_fields_and_tags(session, people):
    rhys = people["rhys"]
    with transaction(session):
        update_profile(
            session,
            rhys,
            ProfileChanges(
                job_title="Senior analyst",
                phone="029 2022 2111",
                bio="Hello",
                expertise="ANPR, Data quality",
                organisation_id=rhys.organisation_id,
            ),
        )
    session.expire_all()
    assert (rhys.job_title, rhys.phone, rhys.bio) == ("Senior analyst", "029 2022 2111", "Hello")
    assert [e.tag for e in rhys.expertise] == ["ANPR", "Data quality"]


def test_update_profile_replaces_and_removes_tags(session, people):
    rhys = people["rhys"]
    with transaction(session):
        update_profile(
            session, rhys, ProfileChanges(expertise="Drones", organisation_id=rhys.organisation_id)
        )
    session.expire_all()
    assert [e.tag for e in rhys.expertise] == ["Drones"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("job_title", "x" * 121),
        ("phone", "1" * 41),
        ("ask_me_about", "x" * 301),
        ("bio", "x" * 10_001),
        ("job_title", "nul\x00byte"),
        ("phone", "call me maybe"),
    ],
)
def test_update_profile_refuses_bad_input(session, people, field, value):
    with pytest.raises(ValidationError) as error:
        update_profile(session, people["rhys"], ProfileChanges(**{field: value}))
    assert field in error.value.field_errors


def test_update_profile_refuses_an_unknown_organisation(session, people):
    with pytest.raises(ValidationError) as error:
        update_profile(session, people["rhys"], ProfileChanges(organisation_id=999_999))
    assert "organisation_id" in error.value.field_errors


def test_update_profile_refuses_an_inactive_organisation(session, people):
    essex = org(session, "essex-police")
    with transaction(session):
        essex.active = False
    with pytest.raises(ValidationError):
        update_profile(session, people["rhys"], ProfileChanges(organisation_id=essex.id))


def test_update_profile_keeps_a_current_organisation_that_became_inactive(session, people):
    rhys = people["rhys"]
    with transaction(session):
        rhys.organisation.active = False
    with transaction(session):
        update_profile(
            session, rhys, ProfileChanges(job_title="Analyst", organisation_id=rhys.organisation_id)
        )
    assert rhys.organisation is not None


def test_changing_organisation_is_audited(session, people):
    rhys = people["rhys"]
    with transaction(session):
        update_profile(session, rhys, ProfileChanges(organisation_id=org(session, "gwent-police").id))
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "profile.organisation_changed"))
    assert entry is not None
    assert entry.actor_id == rhys.id
    assert "South Wales Police" in entry.detail
    assert "Gwent Police" in entry.detail


def test_other_profile_changes_are_not_audited(session, people):
    rhys = people["rhys"]
    with transaction(session):
        update_profile(
            session, rhys, ProfileChanges(job_title="Lead analyst", organisation_id=rhys.organisation_id)
        )
    assert (
        session.scalar(select(AuditEntry).where(AuditEntry.action == "profile.organisation_changed")) is None
    )
