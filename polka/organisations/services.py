"""Organisations: the reference list, and matching an email address to its organisation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.organisations.data import ORGANISATIONS
from polka.organisations.models import Organisation, OrganisationDomain


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
    """Add the reference organisations and domains that are missing; return how many were added.

    Existing rows are left as administrators edited them.
    """
    existing = {org.slug: org for org in session.scalars(select(Organisation))}
    known_domains = set(session.scalars(select(OrganisationDomain.domain)))
    added = 0
    for entry in ORGANISATIONS:
        org = existing.get(entry.slug)
        if org is None:
            org = Organisation(slug=entry.slug, name=entry.name, kind=entry.kind, region=entry.region)
            session.add(org)
            added += 1
        for domain in entry.domains:
            if domain not in known_domains:
                org.domains.append(OrganisationDomain(domain=domain))
                known_domains.add(domain)
    session.flush()
    return added
