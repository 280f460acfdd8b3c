"""Reference data: the police forces and national bodies of the United Kingdom, with email domains."""

from __future__ import annotations

from typing import NamedTuple


class OrganisationEntry(NamedTuple):
    slug: str
    name: str
    kind: str
    region: str
    domains: tuple[str, ...]


ORGANISATIONS: tuple[OrganisationEntry, ...] = (
    OrganisationEntry("metropolitan-police", "Metropolitan Police Service", "territorial force", "London", ("met.police.uk",)),
    OrganisationEntry("college-of-policing", "College of Policing", "national body", "National", ("college.police.uk",)),
)
