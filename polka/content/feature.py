"""The feature manifest: everything a feature package plugs into POLKA, declared once as typed data.

Each feature package holds ``feature.py`` with ``FEATURE = Feature(...)``; the composition layer lists
them once (``polka.features.FEATURES``) and drives every registry from that list: the blueprints, the
content kinds, search, drafts, moderation, the ceiling check, the worker's jobs and housekeeping, the
CLI, the demo data, garbage collection of stored files and the community home page. Nothing is found by scanning
folders and nothing registers itself on import, so mypy and the architecture test see every part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import ModuleType

import click
from flask import Blueprint
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.content import AboveCeilingCounter
from polka.communities.models import Community
from polka.config import Settings
from polka.content.asking import AskedSource
from polka.content.deletion import Purger
from polka.content.filing import Filer
from polka.content.kinds import Kind
from polka.content.pages import PageWriter
from polka.content.waiting import Provider
from polka.content.writings import WritingsSource
from polka.drafts.services import DraftKind
from polka.jobs.runner import Handler
from polka.markings import Marking
from polka.moderation.registry import ModeratedKind
from polka.permissions import Action, can
from polka.search.registry import SearchAdapter
from polka.storage import FileStore


@dataclass(frozen=True)
class Routes:
    """A blueprint and the modules that add their routes to it (importing a module adds its routes)."""

    blueprint: Blueprint
    modules: tuple[ModuleType, ...]


@dataclass(frozen=True)
class Housekeeping:
    """Upkeep the worker runs at most once per ``interval`` in one transaction (``run`` flushes)."""

    #: as the worker's log names it: "empty the document bins"
    name: str
    interval: timedelta
    run: Callable[[Session], object]


@dataclass(frozen=True)
class JobHandler:
    """A kind of background job and how to build its handler from the app's settings and file store."""

    kind: str
    build: Callable[[Settings, FileStore], Handler]


@dataclass(frozen=True)
class Purge:
    """How a feature removes for good its deleted items of one kind past the restore window (the worker's
    one daily purge, ``polka.content.deletion``)."""

    #: the kind's name: "wiki.page"
    kind: str
    run: Purger


@dataclass(frozen=True)
class WaitingQueue:
    """Something a feature keeps waiting for people (see ``polka.content.waiting``)."""

    #: "wiki.edits"
    name: str
    provider: Provider


@dataclass(frozen=True)
class CeilingCounter:
    """How many of a community's items are marked above a ceiling (see ``polka.communities.content``)."""

    #: what the refusal names them: "wiki pages"
    label: str
    count: AboveCeilingCounter


@dataclass(frozen=True)
class DemoWorld:
    """What a feature's demo loader writes into: the demo's people and communities, by key."""

    session: Session
    files: FileStore
    people: Mapping[str, User]
    communities: Mapping[str, Community]


#: Writes a feature's demo content (the caller commits).
DemoLoader = Callable[[DemoWorld], None]
#: Every stored file (its sha256) the feature's rows refer to, for the file store's collector.
FileReferences = Callable[[Session], set[str]]


def community_readers(user: User | None, community: Community) -> bool:
    """Whoever may read the community's content."""
    return can(user, Action.READ, community)


@dataclass(frozen=True)
class Glimpse:
    """One line a feature shows under its link on a community's home page: the next meeting, say."""

    title: str
    url: str
    #: after the title: "Tuesday 8 December, 10:00"
    detail: str = ""
    #: shown with its marking when that is above OFFICIAL
    marking: Marking = Marking.OFFICIAL


#: What a feature shows of a community under its link, for a reader who may read the community: at
#: most a few lines, in at most two statements (the home page is held to the statement budget).
Glimpses = Callable[[Session, User, Community], list[Glimpse]]


@dataclass(frozen=True)
class HomeSection:
    """A short list a feature shows on a signed-in user's home page: their next meetings, say."""

    heading: str
    items: list[Glimpse]
    #: said when there are no items (no section at all when empty and this is "")
    empty: str = ""
    #: a link under the items: (text, address)
    more: tuple[str, str] | None = None


#: What a feature shows a signed-in user on their home page, in at most two statements a section (the
#: home page is held to the statement budget).
HomeSections = Callable[[Session, User], list[HomeSection]]


@dataclass(frozen=True)
class CommunityLink:
    """A feature's entry on a community's home page and in its navigation."""

    label: str
    #: an endpoint taking the community's ``slug``
    endpoint: str
    #: what is there, after the link: "pages, manuals and case studies"
    description: str
    #: whether this user is shown the link
    shown_to: Callable[[User | None, Community], bool] = community_readers
    #: what the home page shows under the link, for a signed-in reader
    glimpses: Glimpses | None = None


@dataclass(frozen=True)
class PersonLink:
    """A feature's entry on a person's profile: their own blog, say."""

    #: the link's words, for someone else's profile and for one's own: ("Blog", "Your blog")
    label: str
    own_label: str
    #: an endpoint taking the person's ``user_id``
    endpoint: str


@dataclass(frozen=True)
class Feature:
    """One feature package, as the rest of POLKA sees it."""

    #: the package's name (``wiki``), which is also its blueprint's name and its tables' prefix
    name: str
    #: as users read it: "Wiki"
    label: str
    routes: Routes
    #: the modules declaring its tables (imported for ``Base.metadata``: Alembic, tests, ``polka db``)
    models: tuple[ModuleType, ...]
    kinds: tuple[Kind, ...] = ()
    search: tuple[SearchAdapter, ...] = ()
    drafts: tuple[DraftKind, ...] = ()
    ceiling_counters: tuple[CeilingCounter, ...] = ()
    cli: click.Group | None = None
    housekeeping: tuple[Housekeeping, ...] = ()
    jobs: tuple[JobHandler, ...] = ()
    demo: DemoLoader | None = None
    stored_files: tuple[FileReferences, ...] = ()
    community_link: CommunityLink | None = None
    waiting: tuple[WaitingQueue, ...] = ()
    purges: tuple[Purge, ...] = ()
    #: the kinds of its items people can report to the moderators (``polka.moderation``)
    moderated: tuple[ModeratedKind, ...] = ()
    #: how it keeps a paper another feature was given (``polka.content.filing``): the library's
    filer: Filer | None = None
    #: how it writes a page another feature made (``polka.content.pages``): the wiki's
    page_writer: PageWriter | None = None
    #: what it shows on a signed-in user's home page
    home: HomeSections | None = None
    #: its entry on each person's profile
    person_link: PersonLink | None = None
    #: what its people wrote in the communities, for the community insights (``polka.content.writings``)
    writings: tuple[WritingsSource, ...] = ()
    #: what is asked in the communities and waits for answers, for the insights (``polka.content.asking``)
    asked: tuple[AskedSource, ...] = ()

    def __post_init__(self) -> None:
        if self.routes.blueprint.name != self.name:
            raise ValueError(f"the {self.name} feature's blueprint is named {self.routes.blueprint.name!r}")
        for kind in self.kinds:
            if not kind.name.startswith(f"{self.name}."):
                raise ValueError(f"the {self.name} feature's kinds are named {self.name}.…, not {kind.name}")
