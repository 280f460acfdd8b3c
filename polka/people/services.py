"""People: the directory, profiles as another user sees them, and editing your own profile.

Only active accounts are people here: pending, suspended and rejected accounts are absent from the
directory and their profiles are 404. The communities shown on a profile go through the permission
policy, so a profile never reveals a community, or a membership, the viewer may not see.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import ColumnElement, Row, Select, bindparam, exists, select
from sqlalchemy.orm import Session

from polka.accounts.models import Expertise, User, active_account
from polka.audit.services import record
from polka.communities.models import Community, Membership, Role
from polka.db import contains_text
from polka.errors import NotFound, ValidationError
from polka.forms import has_control_characters
from polka.organisations.data import REGIONS
from polka.organisations.models import Organisation
from polka.pagination import Page, Paged, empty_page, paged_rows, paginate
from polka.people.kinds import PERSON_KIND
from polka.people.models import BioRendering
from polka.people.rendering import bio_html, keep_bio_html
from polka.permissions import is_active, readable_to_reader, reader_params
from polka.search.outbox import queue_change

PER_PAGE = 20
MAX_TAGS = 20
MAX_TAG_LENGTH = 60
MAX_BIO_LENGTH = 10_000
#: Column sizes of the profile fields on ``User``.
LIMITS = {"job_title": 120, "phone": 40, "ask_me_about": 300, "bio": MAX_BIO_LENGTH}
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{3,}(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def may_see_directory(viewer: User | None) -> bool:
    """Whether ``viewer`` may see the people directory: its pages, profiles and people in search."""
    return is_active(viewer)


def active_people() -> ColumnElement[bool]:
    """SQL: accounts that are people in the directory (active and verified)."""
    return active_account()


# The directory -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryQuery:
    """What someone looks for in the directory; empty values mean "any"."""

    name: str = ""
    text: str = ""  # words in the job title or "ask me about"
    expertise: str = ""
    organisation_id: int | None = None
    region: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.text or self.expertise or self.organisation_id or self.region)

    def as_query(self) -> dict[str, str]:
        """The search as URL query arguments (for paging links)."""
        values = {
            "name": self.name,
            "q": self.text,
            "expertise": self.expertise,
            "organisation": str(self.organisation_id) if self.organisation_id else "",
            "region": self.region,
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Listed:
    """A person as the directory lists them."""

    id: int
    name: str
    job_title: str
    #: their organisation's name and region (None: they name no organisation)
    organisation: str | None
    region: str | None
    #: their expertise tags, in order
    expertise: list[str]


def _directory_conditions(query: DirectoryQuery) -> list[ColumnElement[bool]]:
    """The directory's conditions for ``query``: the words typed in it as literals (an autoescaped
    LIKE needs them), its organisation and region (if any) as the bind parameters ``organisation_id``
    and ``region``."""
    conditions = [active_people()]
    if query.name:
        conditions.append(contains_text(User.name, query.name))
    if query.text:
        for word in query.text.split():
            conditions.append(contains_text(User.job_title, word) | contains_text(User.ask_me_about, word))
    if query.expertise:
        conditions.append(
            exists().where(Expertise.user_id == User.id, contains_text(Expertise.tag, query.expertise))
        )
    if query.organisation_id:
        conditions.append(User.organisation_id == bindparam("organisation_id"))
    if query.region:
        conditions.append(
            User.organisation_id.in_(
                select(Organisation.id).where(Organisation.region == bindparam("region"))
            )
        )
    return conditions


def search_people(
    session: Session, viewer: User | None, query: DirectoryQuery, *, page: int = 1, per_page: int = PER_PAGE
) -> Page[Listed]:
    """One page of the active people matching ``query``, by name (nothing for an inactive viewer)."""
    if not may_see_directory(viewer):
        return empty_page(per_page)
    typed = query.name or query.text or query.expertise
    people = (
        _directory(query) if typed else _directory_built_once(bool(query.organisation_id), bool(query.region))
    )
    params = {"organisation_id": query.organisation_id, "region": query.region}
    rows = paginate(session, people, page, per_page, params)
    expertise: dict[int, list[str]] = {row.id: [] for row in rows.items}
    if expertise:
        for user_id, tag in session.execute(_expertise_of(), {"ids": list(expertise)}):
            expertise[user_id].append(tag)
    return rows.map(lambda row: _listed(row, expertise[row.id]))


def _listed(row: Row[Any], expertise: list[str]) -> Listed:
    return Listed(row.id, row.name, row.job_title, row.organisation, row.region, expertise)


@cache
def _directory_built_once(organisation: bool, region: bool) -> Paged[Row[Any]]:
    """The directory without typed words, filtered or not by an organisation and a region (bound when
    it is read): built once for each of those four shapes."""
    stand_ins = DirectoryQuery(organisation_id=-1 if organisation else None, region="-" if region else "")
    return _directory(stand_ins)  # only whether they name an organisation and a region counts


def _directory(query: DirectoryQuery) -> Paged[Row[Any]]:
    """The columns the directory lists, of the people matching ``query``, by name."""
    return paged_rows(
        select(
            User.id,
            User.name,
            User.job_title,
            Organisation.name.label("organisation"),
            Organisation.region,
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(*_directory_conditions(query))
        .order_by(User.name, User.id)
    )


@cache
def _expertise_of() -> Select[int, str]:
    """The expertise tags of the people ``ids``, each person's in order."""
    return (
        select(Expertise.user_id, Expertise.tag)
        .where(Expertise.user_id.in_(bindparam("ids", expanding=True)))
        .order_by(Expertise.tag)
    )


@dataclass(frozen=True)
class DirectoryChoices:
    """What the directory's filters offer: the active organisations (id and name, by name) and the
    regions they are in (the known regions in their order, then any other)."""

    organisations: list[tuple[int, str]]
    regions: list[str]


def directory_choices(session: Session) -> DirectoryChoices:
    """The directory's filters, from the active organisations: one statement, built once."""
    rows = session.execute(_active_organisations()).all()
    used = {region for _, _, region in rows}
    regions = [r for r in REGIONS if r in used] + sorted(used - set(REGIONS))
    return DirectoryChoices([(org_id, name) for org_id, name, _ in rows], regions)


@cache
def _active_organisations() -> Select[int, str, str]:
    return (
        select(Organisation.id, Organisation.name, Organisation.region)
        .where(Organisation.active.is_(True))
        .order_by(Organisation.name)
    )


# Profiles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    person: User
    bio: Markup  # the bio as HTML


def get_profile(session: Session, viewer: User | None, user_id: int) -> Profile:
    """The profile of an active account, with its bio's kept HTML read in the same statement (NotFound
    for anyone else, and for an inactive viewer)."""
    if not may_see_directory(viewer):
        raise NotFound()
    row = session.execute(_profile(), {"user_id": user_id}).first()
    if row is None:
        raise NotFound()
    person, kept = row
    return Profile(person, bio_html(person, kept))


@cache
def _profile() -> Select[User, BioRendering]:
    """The active account ``user_id`` with its bio's kept HTML, if any: built once."""
    return (
        select(User, BioRendering)
        .outerjoin(BioRendering, BioRendering.user_id == User.id)
        .where(User.id == bindparam("user_id"), active_people())
    )


def person_communities(session: Session, viewer: User | None, person: User) -> list[tuple[Community, Role]]:
    """The communities ``person`` belongs to whose members the viewer may know about, with their role.

    Member lists are community content (``Action.READ``): a restricted community's members are for
    its members, and a private community does not exist for outsiders, so both stay off the profile.
    """
    params = reader_params(viewer)
    if params is None:
        return []
    rows = session.execute(_person_communities(), {**params, "person_id": person.id}).all()
    return [(community, role) for community, role in rows]


@cache
def _person_communities() -> Select[Community, Role]:
    """The communities of ``person_id`` whose content the ``READER`` may read, with their role: built
    once."""
    return (
        select(Community, Membership.role)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.user_id == bindparam("person_id"), readable_to_reader())
        .order_by(Community.name)
    )


def profile_is_incomplete(user: User) -> bool:
    """Whether the profile lacks what helps others find this person (a job title and expertise)."""
    return not user.job_title or not user.expertise


# Editing your profile ----------------------------------------------------------------------------


def parse_expertise(value: str) -> list[str]:
    """Comma-separated tags, tidied (spaces folded, a leading # dropped) and de-duplicated ignoring case."""
    tags: list[str] = []
    seen: set[str] = set()
    for raw in (value or "").split(","):
        tag = _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip().lstrip("#").strip()
        if not tag:
            continue
        if has_control_characters(tag):
            raise ValidationError(
                "Tags must not contain control characters",
                {"expertise": "Tags must not contain control characters"},
            )
        if len(tag) > MAX_TAG_LENGTH:
            message = f"Each tag must be {MAX_TAG_LENGTH} characters or fewer ({tag[:20]}… is longer)"
            raise ValidationError(message, {"expertise": message})
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        message = f"Enter {MAX_TAGS} tags or fewer"
        raise ValidationError(message, {"expertise": message})
    return tags


@dataclass(frozen=True)
class ProfileChanges:
    job_title: str = ""
    phone: str = ""
    bio: str = ""
    ask_me_about: str = ""
    expertise: str = ""  # comma-separated
    organisation_id: int | None = None


def _clean_text(changes: ProfileChanges) -> dict[str, str]:
    values = {
        "job_title": " ".join(changes.job_title.split()),
        "phone": changes.phone.strip(),
        "ask_me_about": " ".join(changes.ask_me_about.split()),
        "bio": changes.bio.replace("\r\n", "\n").strip(),
    }
    errors: dict[str, str] = {}
    labels = {"job_title": "Job title", "phone": "Phone", "ask_me_about": "Ask me about", "bio": "Bio"}
    for name, value in values.items():
        if has_control_characters(value, multiline=name == "bio"):
            errors[name] = f"{labels[name]} must not contain control characters"
        elif len(value) > LIMITS[name]:
            errors[name] = f"{labels[name]} must be {LIMITS[name]} characters or fewer"
    if "phone" not in errors and values["phone"] and not _PHONE.match(values["phone"]):
        errors["phone"] = "Enter a phone number using digits, spaces, brackets and + only, like 020 7230 1212"
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    return values


def _choose_organisation(session: Session, user: User, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    if user.organisation is not None and user.organisation.id == organisation_id:
        return user.organisation  # kept even if it has since been made inactive
    org = session.get(Organisation, organisation_id)
    if org is None or not org.active:
        message = "Choose your organisation from the list"
        raise ValidationError(message, {"organisation_id": message})
    return org


def update_profile(session: Session, user: User, changes: ProfileChanges) -> User:
    """Save the user's own profile; a change of organisation is audited."""
    if not is_active(user):
        raise NotFound()
    values = _clean_text(changes)
    tags = parse_expertise(changes.expertise)
    organisation = _choose_organisation(session, user, changes.organisation_id)
    bio_changed = values["bio"] != user.bio
    for name, value in values.items():
        setattr(user, name, value)
    kept = [e for e in user.expertise if e.tag in tags]
    kept_tags = {e.tag for e in kept}
    user.expertise = kept + [Expertise(tag=tag) for tag in tags if tag not in kept_tags]
    previous = user.organisation
    if (previous.id if previous else None) != (organisation.id if organisation else None):
        user.organisation = organisation
        record(
            session,
            user,
            "profile.organisation_changed",
            target_type="user",
            target_id=user.id,
            target_label=user.email,
            detail={
                "from": previous.name if previous else "",
                "to": organisation.name if organisation else "",
            },
        )
    session.flush()
    if bio_changed:
        keep_bio_html(session, user)
    queue_change(session, PERSON_KIND, user.id)
    return user
