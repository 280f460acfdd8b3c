"""Organisations: the reference list, matching an email address to its organisation, and their upkeep.

The upkeep services (create, update, domains) are for site administrators; each checks that the
actor may administer the site and writes an audit entry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from polka.accounts.models import User
from polka.audit.services import record
from polka.errors import NotFound, ValidationError
from polka.organisations.data import KINDS, ORGANISATIONS, REGIONS
from polka.organisations.models import Organisation, OrganisationDomain
from polka.people.kinds import PERSON_KIND
from polka.permissions import SITE, Action, require
from polka.search.outbox import queue_changes
from polka.text import slugify

#: Domains far too broad to name one organisation (every force, every government department).
TOO_BROAD = frozenset(
    {"uk", "police.uk", "pnn.police.uk", "gov.uk", "gsi.gov.uk", "x.gsi.gov.uk", "co.uk", "org.uk", "ac.uk"}
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def suggest_organisation(session: Session, email: str) -> Organisation | None:
    """The organisation whose domain matches the email, the most specific domain first."""
    domain = email_domain(email)
    if not domain:
        return None
    candidates = []
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        candidates.append(".".join(parts[i:]))
    rows = session.execute(
        select(OrganisationDomain.domain, Organisation)
        .join(Organisation, Organisation.id == OrganisationDomain.organisation_id)
        .where(OrganisationDomain.domain.in_(candidates), Organisation.active.is_(True))
    ).all()
    by_domain = {row[0]: row[1] for row in rows}
    for candidate in candidates:
        if candidate in by_domain:
            return by_domain[candidate]
    return None


def sync_organisations(session: Session) -> int:
    """Add the reference organisations that are missing, with their domains; return how many were added.

    Organisations already present are left exactly as administrators edited them (name, region,
    domains added or removed), so running this again changes nothing.
    """
    slugs = set(session.scalars(select(Organisation.slug)))
    names = {name.lower() for name in session.scalars(select(Organisation.name))}
    known_domains = set(session.scalars(select(OrganisationDomain.domain)))
    added = 0
    for entry in ORGANISATIONS:
        if entry.slug in slugs or entry.name.lower() in names:
            continue
        org = Organisation(slug=entry.slug, name=entry.name, kind=entry.kind, region=entry.region)
        for domain in entry.domains:
            if domain not in known_domains:
                org.domains.append(OrganisationDomain(domain=domain))
                known_domains.add(domain)
        session.add(org)
        slugs.add(entry.slug)
        names.add(entry.name.lower())
        added += 1
    session.flush()
    return added


# Reading -----------------------------------------------------------------------------------------


def active_organisations(session: Session) -> list[Organisation]:
    """The organisations a user may choose, by name."""
    return list(
        session.scalars(select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name))
    )


def all_organisations(session: Session) -> list[Organisation]:
    """Every organisation by name, with its domains (the administrators' list shows them)."""
    query = select(Organisation).options(selectinload(Organisation.domains)).order_by(Organisation.name)
    return list(session.scalars(query))


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    users: int


def organisations_with_counts(session: Session, actor: User | None) -> list[OrganisationRow]:
    """Every organisation with how many accounts belong to it (administrators only)."""
    require(actor, Action.ADMINISTER, SITE)
    counts = dict(
        session.execute(
            select(User.organisation_id, func.count(User.id))
            .where(User.organisation_id.is_not(None))
            .group_by(User.organisation_id)
        ).all()
    )
    return [OrganisationRow(org, int(counts.get(org.id, 0))) for org in all_organisations(session)]


def get_organisation(session: Session, actor: User | None, organisation_id: int) -> Organisation:
    """One organisation for an administrator to edit (NotFound for unknown ids and non-administrators)."""
    require(actor, Action.ADMINISTER, SITE)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound()
    return org


# Upkeep ------------------------------------------------------------------------------------------


def _clean_details(name: str, kind: str, region: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the organisation's name"
    elif len(name) > 160:
        errors["name"] = "Name must be 160 characters or fewer"
    elif any(unicodedata.category(ch) == "Cc" for ch in name):
        errors["name"] = "Name must not contain control characters"
    if kind not in KINDS:
        errors["kind"] = "Choose a kind of organisation"
    if region not in REGIONS:
        errors["region"] = "Choose a region"
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    return name, kind, region


def _check_name_free(session: Session, name: str, org_id: int | None) -> None:
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if org_id is not None:
        query = query.where(Organisation.id != org_id)
    if session.scalar(query) is not None:
        message = f"There is already an organisation called {name}"
        raise ValidationError(message, {"name": message})


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name, max_length=70, fallback="organisation")
    slug, n = base, 2
    while session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_organisation(
    session: Session, actor: User | None, *, name: str, kind: str, region: str, active: bool = True
) -> Organisation:
    """Add an organisation (administrators only); audited."""
    require(actor, Action.ADMINISTER, SITE)
    name, kind, region = _clean_details(name, kind, region)
    _check_name_free(session, name, None)
    org = Organisation(slug=_unique_slug(session, name), name=name, kind=kind, region=region, active=active)
    session.add(org)
    session.flush()
    record(
        session,
        actor,
        "organisation.created",
        target_type="organisation",
        target_id=org.id,
        target_label=org.name,
        detail={"kind": kind, "region": region, "active": active},
    )
    return org


def update_organisation(
    session: Session,
    actor: User | None,
    org: Organisation,
    *,
    name: str,
    kind: str,
    region: str,
    active: bool,
) -> Organisation:
    """Change an organisation's name, kind, region or whether users may choose it; audited."""
    require(actor, Action.ADMINISTER, SITE)
    name, kind, region = _clean_details(name, kind, region)
    _check_name_free(session, name, org.id)
    changes = {
        field: {"from": getattr(org, field), "to": value}
        for field, value in (("name", name), ("kind", kind), ("region", region), ("active", active))
        if getattr(org, field) != value
    }
    if not changes:
        return org
    org.name, org.kind, org.region, org.active = name, kind, region, active
    session.flush()
    if "name" in changes or "region" in changes:  # its people are found by both
        queue_changes(session, PERSON_KIND, select(User.id).where(User.organisation_id == org.id))
    record(
        session,
        actor,
        "organisation.updated",
        target_type="organisation",
        target_id=org.id,
        target_label=org.name,
        detail=changes,
    )
    return org


def normalise_domain(value: str) -> str:
    """A domain as stored: lower case, no surrounding dots or an ``@``; ValidationError if not a hostname."""
    domain = (value or "").strip().lower().lstrip("@").strip(".")

    def fail(message: str) -> ValidationError:
        return ValidationError(message, {"domain": message})

    if not domain:
        raise fail("Enter an email domain, like force.police.uk")
    if len(domain) > 120:
        raise fail("Domain must be 120 characters or fewer")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise fail("Enter a valid domain, like force.police.uk (letters, digits, hyphens and dots)")
    if domain in TOO_BROAD:
        raise fail(f"{domain} is shared by many organisations: enter the organisation's own domain")
    return domain


def add_domain(session: Session, actor: User | None, org: Organisation, value: str) -> OrganisationDomain:
    """Give an organisation another email domain (unique across organisations); audited."""
    require(actor, Action.ADMINISTER, SITE)
    domain = normalise_domain(value)
    owner = session.scalar(
        select(Organisation).join(OrganisationDomain).where(OrganisationDomain.domain == domain)
    )
    if owner is not None:
        message = f"{domain} already belongs to {owner.name}"
        raise ValidationError(message, {"domain": message})
    row = OrganisationDomain(domain=domain)
    org.domains.append(row)
    session.flush()
    record(
        session,
        actor,
        "organisation.domain_added",
        target_type="organisation",
        target_id=org.id,
        target_label=org.name,
        detail={"domain": domain},
    )
    return row


def remove_domain(session: Session, actor: User | None, org: Organisation, domain_id: int) -> str:
    """Remove one of an organisation's domains (NotFound if it is not one of them); audited."""
    require(actor, Action.ADMINISTER, SITE)
    row = next((d for d in org.domains if d.id == domain_id), None)
    if row is None:
        raise NotFound()
    domain = row.domain
    org.domains.remove(row)
    session.flush()
    record(
        session,
        actor,
        "organisation.domain_removed",
        target_type="organisation",
        target_id=org.id,
        target_label=org.name,
        detail={"domain": domain},
    )
    return domain
