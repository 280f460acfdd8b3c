"""Organisations: the reference data, matching email domains, syncing, and administrators' upkeep."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from polka.audit.models import AuditEntry
from polka.db import transaction
from polka.errors import NotFound, ValidationError
from polka.organisations import services
from polka.organisations.data import (
    ENGLAND_AND_WALES_REGIONS,
    KINDS,
    ORGANISATIONS,
    REGIONS,
    TERRITORIAL_FORCES,
)
from polka.organisations.models import Organisation, OrganisationDomain

# The reference data ------------------------------------------------------------------------------


def test_there_are_43_territorial_forces_in_england_and_wales():
    assert len(TERRITORIAL_FORCES) == 43
    assert {f.region for f in TERRITORIAL_FORCES} == set(ENGLAND_AND_WALES_REGIONS)


@pytest.mark.parametrize(
    ("region", "count"),
    [
        ("North East", 3),
        ("Yorkshire and the Humber", 4),
        ("North West", 5),
        ("East Midlands", 5),
        ("West Midlands", 4),
        ("Eastern", 6),
        ("South East", 5),
        ("South West", 5),
        ("London", 2),
        ("Wales", 4),
    ],
)
def test_each_region_has_its_forces(region, count):
    assert Counter(f.region for f in TERRITORIAL_FORCES)[region] == count


@pytest.mark.parametrize(
    "name",
    [
        "Police Scotland",
        "Police Service of Northern Ireland",
        "British Transport Police",
        "National Crime Agency",
        "College of Policing",
        "Home Office",
        "Ministry of Defence Police",
        "Civil Nuclear Constabulary",
        "National Police Chiefs' Council",
        "Counter Terrorism Policing",
        "ACRO Criminal Records Office",
    ],
)
def test_national_organisations_are_listed(name):
    assert name in {o.name for o in ORGANISATIONS}


def test_slugs_names_and_domains_are_unique():
    domains = [d for o in ORGANISATIONS for d in o.domains]
    assert len({o.slug for o in ORGANISATIONS}) == len(ORGANISATIONS)
    assert len({o.name for o in ORGANISATIONS}) == len(ORGANISATIONS)
    assert len(set(domains)) == len(domains)


def test_every_entry_has_a_known_kind_region_and_a_valid_domain():
    for entry in ORGANISATIONS:
        assert entry.kind in KINDS
        assert entry.region in REGIONS
        assert entry.domains, entry.name
        for domain in entry.domains:
            assert services.normalise_domain(domain) == domain


# Suggesting an organisation from an email address ------------------------------------------------


@pytest.mark.parametrize(
    ("email", "slug"),
    [
        ("a.person@met.police.uk", "metropolitan-police"),
        ("a.person@met.pnn.police.uk", "metropolitan-police"),
        ("A.Person@GMP.Police.UK", "greater-manchester-police"),
        ("someone@merseyside.police.uk", "merseyside-police"),
        ("someone@scotland.police.uk", "police-scotland"),
        ("someone@psni.police.uk", "psni"),
        ("someone@btp.police.uk", "british-transport-police"),
        ("someone@nca.gov.uk", "national-crime-agency"),
        ("someone@college.police.uk", "college-of-policing"),
        ("someone@homeoffice.gov.uk", "home-office"),
        ("someone@cheshire.pnn.police.uk", "cheshire-constabulary"),
    ],
)
def test_suggests_the_organisation_of_an_email_domain(session, app, email, slug):
    org = services.suggest_organisation(session, email)
    assert org is not None
    assert org.slug == slug


def test_suggests_for_a_subdomain(session, app):
    org = services.suggest_organisation(session, "analyst@intel.kent.police.uk")
    assert org is not None
    assert org.slug == "kent-police"


def test_most_specific_domain_wins(session, app):
    with transaction(session):
        unit = Organisation(slug="met-unit", name="Met Special Unit", kind="national unit", region="London")
        unit.domains.append(OrganisationDomain(domain="unit.met.police.uk"))
        session.add(unit)
    assert services.suggest_organisation(session, "x@unit.met.police.uk").slug == "met-unit"
    assert services.suggest_organisation(session, "x@other.met.police.uk").slug == "metropolitan-police"


@pytest.mark.parametrize("email", ["x@police.uk", "x@pnn.police.uk", "x@example.com", "no-at-sign", "x@"])
def test_suggests_nothing_for_unknown_or_shared_domains(session, app, email):
    assert services.suggest_organisation(session, email) is None


def test_suggests_nothing_for_an_inactive_organisation(session, app):
    met = session.scalar(select(Organisation).where(Organisation.slug == "metropolitan-police"))
    with transaction(session):
        met.active = False
    assert services.suggest_organisation(session, "x@met.police.uk") is None


def test_suffix_that_is_not_a_whole_label_does_not_match(session, app):
    assert services.suggest_organisation(session, "x@notmet.police.uk") is None


# Syncing the reference list ----------------------------------------------------------------------


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_sync_loaded_every_reference_organisation(session, app):
    # The app fixture syncs once, as the migration / demo command does.
    assert count(session, Organisation) == len(ORGANISATIONS)
    assert count(session, OrganisationDomain) == sum(len(o.domains) for o in ORGANISATIONS)


def test_sync_again_adds_nothing(session, app):
    with transaction(session):
        assert services.sync_organisations(session) == 0
    assert count(session, Organisation) == len(ORGANISATIONS)


def test_sync_keeps_administrators_edits(session, app):
    met = session.scalar(select(Organisation).where(Organisation.slug == "metropolitan-police"))
    with transaction(session):
        met.name = "The Met"
        met.region = "National"
        met.domains = [d for d in met.domains if d.domain != "met.pnn.police.uk"]
    with transaction(session):
        services.sync_organisations(session)
    session.expire_all()
    assert met.name == "The Met"
    assert met.region == "National"
    assert [d.domain for d in met.domains] == ["met.police.uk"]


def test_sync_restores_a_deleted_reference_organisation(session, app):
    gwent = session.scalar(select(Organisation).where(Organisation.slug == "gwent-police"))
    with transaction(session):
        session.delete(gwent)
    with transaction(session):
        assert services.sync_organisations(session) == 1
    assert services.suggest_organisation(session, "x@gwent.police.uk").name == "Gwent Police"


# Administrators' upkeep --------------------------------------------------------------------------


def test_upkeep_is_for_administrators_only(session, make):
    user = make.user()
    met = session.scalar(select(Organisation).where(Organisation.slug == "metropolitan-police"))
    with pytest.raises(NotFound):
        services.get_organisation(session, user, met.id)
    with pytest.raises(NotFound):
        services.add_domain(session, user, met, "new.met.police.uk")


def test_get_organisation_of_an_unknown_id_is_not_found(session, make):
    with pytest.raises(NotFound):
        services.get_organisation(session, make.admin(), 999_999)


def test_organisations_with_counts_counts_users(session, make):
    admin = make.admin()
    make.user(email="one@kent.police.uk")
    make.user(email="two@kent.police.uk")
    rows = {row.organisation.slug: row.users for row in services.organisations_with_counts(session, admin)}
    assert rows["kent-police"] == 2
    assert rows["essex-police"] == 0


def test_update_organisation_changes_and_audits(session, make):
    admin = make.admin()
    essex = session.scalar(select(Organisation).where(Organisation.slug == "essex-police"))
    with transaction(session):
        services.update_organisation(
            session,
            admin,
            essex,
            name="Essex Police Service",
            kind="territorial force",
            region="Eastern",
            active=False,
        )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.updated"))
    assert (essex.name, essex.active) == ("Essex Police Service", False)
    assert entry.actor_id == admin.id
    assert entry.target_id == str(essex.id)
    assert "Essex Police Service" in entry.detail


def test_update_organisation_with_no_change_is_not_audited(session, make):
    admin = make.admin()
    essex = session.scalar(select(Organisation).where(Organisation.slug == "essex-police"))
    with transaction(session):
        services.update_organisation(
            session, admin, essex, name=essex.name, kind=essex.kind, region=essex.region, active=True
        )
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.updated")) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 161}, "name"),
        ({"name": "Kent Police"}, "name"),
        ({"name": "kent police"}, "name"),
        ({"name": "nul\x00"}, "name"),
        ({"kind": "gang"}, "kind"),
        ({"region": "Atlantis"}, "region"),
    ],
)
def test_update_organisation_refuses_bad_details(session, make, changes, field):
    admin = make.admin()
    essex = session.scalar(select(Organisation).where(Organisation.slug == "essex-police"))
    details = {"name": essex.name, "kind": essex.kind, "region": essex.region, "active": True, **changes}
    with pytest.raises(ValidationError) as error:
        services.update_organisation(session, admin, essex, **details)
    assert field in error.value.field_errors


def test_create_organisation_gives_a_unique_slug_and_audits(session, make):
    admin = make.admin()
    with transaction(session):
        org = services.create_organisation(
            session, admin, name="Police Scotland Unit", kind="national unit", region="Scotland"
        )
    assert org.slug == "police-scotland-unit"
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.created")) is not None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("New.Kent.Police.UK", "new.kent.police.uk"),
        ("  @xn--bcher-kva.police.uk. ", "xn--bcher-kva.police.uk"),
    ],
)
def test_add_domain_stores_it_lower_case(session, make, typed, stored):
    admin = make.admin()
    kent = session.scalar(select(Organisation).where(Organisation.slug == "kent-police"))
    with transaction(session):
        services.add_domain(session, admin, kent, typed)
    assert stored in [d.domain for d in kent.domains]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.domain_added"))
    assert stored in entry.detail


@pytest.mark.parametrize(
    "value",
    [
        "",
        "kent",
        "has space.police.uk",
        "-bad.police.uk",
        "bad-.police.uk",
        "under_score.police.uk",
        "a..b.police.uk",
        "nul\x00.police.uk",
        "1.2.3.4",
        ("a" * 64) + ".police.uk",
        ("abc." * 40) + "uk",
        "police.uk",
        "gov.uk",
        "pnn.police.uk",
        "user@",
    ],
)
def test_add_domain_refuses_what_is_not_a_sensible_hostname(session, make, value):
    admin = make.admin()
    kent = session.scalar(select(Organisation).where(Organisation.slug == "kent-police"))
    with pytest.raises(ValidationError) as error:
        services.add_domain(session, admin, kent, value)
    assert "domain" in error.value.field_errors


def test_add_domain_refuses_one_that_another_organisation_has(session, make):
    admin = make.admin()
    kent = session.scalar(select(Organisation).where(Organisation.slug == "kent-police"))
    with pytest.raises(ValidationError) as error:
        services.add_domain(session, admin, kent, "MET.police.uk")
    assert "Metropolitan Police Service" in error.value.field_errors["domain"]


def test_remove_domain_removes_it_and_audits(session, make):
    admin = make.admin()
    kent = session.scalar(select(Organisation).where(Organisation.slug == "kent-police"))
    pnn = next(d for d in kent.domains if d.domain == "kent.pnn.police.uk")
    with transaction(session):
        services.remove_domain(session, admin, kent, pnn.id)
    assert services.suggest_organisation(session, "x@kent.pnn.police.uk") is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.domain_removed"))
    assert "kent.pnn.police.uk" in entry.detail


def test_remove_domain_of_another_organisation_is_not_found(session, make):
    admin = make.admin()
    kent = session.scalar(select(Organisation).where(Organisation.slug == "kent-police"))
    met_domain = session.scalar(
        select(OrganisationDomain).where(OrganisationDomain.domain == "met.police.uk")
    )
    with pytest.raises(NotFound):
        services.remove_domain(session, admin, kent, met_domain.id)
