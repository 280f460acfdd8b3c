"""People as a content kind (``people.person``) and as search documents: every person in the directory
(an active, verified account), found by name, job title, organisation, region, expertise and "ask me
about", by whoever may see the directory (``Audience.DIRECTORY``), so a newcomer searching "PNC" finds
the people who know it even without reading the PNC community.

Every change a search could notice queues the person's document (``PERSON_KIND``) in its transaction:
a new or activated, suspended, rejected or reactivated account, a saved profile, a renamed or moved
organisation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam, false, select
from sqlalchemy.orm import Session, selectinload

from polka.accounts.models import User
from polka.content.kinds import IDS, Kind, Shown
from polka.markings import Marking
from polka.organisations.models import Organisation
from polka.people.kinds import PERSON_KIND
from polka.people.services import active_people, may_see_directory
from polka.search.documents import Audience, SearchDocument
from polka.search.registry import ids_in_batches


class PeopleSearch:
    kind = PERSON_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        people = session.scalars(
            select(User).where(User.id.in_(ids), active_people()).options(selectinload(User.expertise))
        )
        return {person.id: _document(person) for person in people}

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, User.id, active_people())

    def in_community(self, community_id: int) -> Select[Any]:
        return select(User.id).where(false())  # a person is no community's item


def _document(person: User) -> SearchDocument:
    tags = tuple(expertise.tag for expertise in person.expertise)
    organisation = person.organisation
    return SearchDocument(
        kind=PERSON_KIND,
        object_id=person.id,
        community_id=0,
        marking=Marking.OFFICIAL.value,
        sensitive=False,
        title=person.name,
        body="\n".join(text for text in (person.job_title, ", ".join(tags), person.ask_me_about) if text),
        created_at=person.created_at,
        updated_at=person.created_at,
        organisation_id=person.organisation_id,
        tags=tags,
        context="\n".join((organisation.name, organisation.region)) if organisation is not None else "",
        audience=Audience.DIRECTORY,
    )


def resolve_people(session: Session, viewer: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The people among ``ids`` in the directory, for a viewer who may see it."""
    if not may_see_directory(viewer):
        return {}
    rows = session.execute(_directory_people(), {IDS: list(ids)})
    return {
        row.id: Shown(
            kind=PERSON_KIND,
            id=row.id,
            label="Person",
            title=row.name,
            url=url_for("people.profile", user_id=row.id),
            marking=Marking.OFFICIAL,
            community_id=0,
            community_name=row.organisation_name or "",
            updated_at=row.created_at,
        )
        for row in rows
    }


@cache
def _directory_people() -> Select[int, str, datetime, str]:
    """The people among ``IDS`` in the directory, with their organisation's name: built once."""
    return (
        select(User.id, User.name, User.created_at, Organisation.name.label("organisation_name"))
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(bindparam(IDS, expanding=True)), active_people())
    )


PERSON = Kind(name=PERSON_KIND, label="Person", model=User, resolve=resolve_people)
