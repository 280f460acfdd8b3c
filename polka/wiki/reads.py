"""What the wiki's pages show: history, recent changes, the page tree, breadcrumbs, subpages,
backlinks and templates — every list filtered by the permission policy in SQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, contains_eager, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.pagination import Page, page_count, paginate
from polka.permissions import Action, reader_params, require, visible_to_reader
from polka.wiki import access
from polka.wiki.models import RevisionStatus, WikiLink, WikiPage, WikiRedirect, WikiRevision
from polka.wiki.pages import MAX_DEPTH

HISTORY_PER_PAGE = 50
CHANGES_PER_PAGE = 50
FEED_ENTRIES = 50


@dataclass(frozen=True)
class HistoryEntry:
    revision: WikiRevision
    #: bytes added (positive) or removed (negative) compared with the revision before
    size_change: int


def history(session: Session, user: User | None, page: WikiPage, page_number: int = 1) -> Page[HistoryEntry]:
    """A page's published revisions, newest first, each with its size change."""
    if not access.may_view(session, user, page):
        require(user, Action.VIEW, page)
    # paginate()'s count, clamp and slice, with statements built once
    params = {"page_id": page.id}
    total = int(session.scalar(_history_count(), params) or 0)
    page_number = min(max(1, page_number), page_count(total, HISTORY_PER_PAGE))
    revisions = Page(
        list(
            session.scalars(
                _history(),
                {**params, "limit": HISTORY_PER_PAGE, "offset": (page_number - 1) * HISTORY_PER_PAGE},
            )
        ),
        page_number,
        HISTORY_PER_PAGE,
        total,
    )
    sizes = size_changes(session, revisions.items)
    return revisions.map(lambda r: HistoryEntry(r, sizes[r.id]))


def _published_of_page() -> ColumnElement[bool]:
    """SQL: the published revisions of page ``page_id``."""
    return and_(WikiRevision.page_id == bindparam("page_id"), WikiRevision.status == RevisionStatus.APPROVED)


@cache
def _history_count() -> Select[int]:
    """How many published revisions page ``page_id`` has: built once, so a request only binds its values."""
    return select(func.count()).select_from(WikiRevision).where(_published_of_page())


@cache
def _history() -> Select[WikiRevision]:
    """The ``limit`` published revisions of page ``page_id`` after the first ``offset``, newest first,
    with who wrote and who approved each: built once."""
    return (
        select(WikiRevision)
        .where(_published_of_page())
        .options(joinedload(WikiRevision.author), joinedload(WikiRevision.reviewed_by))
        .order_by(WikiRevision.number.desc())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


def size_changes(session: Session, revisions: list[WikiRevision]) -> dict[int, int]:
    """Bytes added or removed by each revision (by id) compared with the one before it on its page."""
    page_ids = {r.page_id for r in revisions}
    numbers = {r.number - 1 for r in revisions if r.number is not None and r.number > 1}
    before: dict[tuple[int, int], int] = {}
    if numbers:
        rows = session.execute(_sizes(), {"page_ids": list(page_ids), "numbers": list(numbers)})
        before = {(page_id, number): size for page_id, number, size in rows if number is not None}
    return {r.id: r.size - before.get((r.page_id, (r.number or 1) - 1), 0) for r in revisions}


@cache
def _sizes() -> Select[int, int | None, int]:
    """The sizes of the revisions numbered ``numbers`` of the pages ``page_ids``: built once."""
    return select(WikiRevision.page_id, WikiRevision.number, WikiRevision.size).where(
        WikiRevision.page_id.in_(bindparam("page_ids", expanding=True)),
        WikiRevision.number.in_(bindparam("numbers", expanding=True)),
    )


def current_and_mine(
    session: Session, user: User | None, page: WikiPage
) -> tuple[WikiRevision | None, WikiRevision | None]:
    """The page's current revision and the user's own pending edit, with their cached renderings,
    in one round trip (the page view's hot path)."""
    rows = session.scalars(
        _current_and_mine(),
        {"page_id": page.id, "head": page.head_number, "me": user.id if user is not None else None},
    ).all()
    current = next((r for r in rows if r.number is not None and r.number == page.head_number), None)
    pending = next((r for r in rows if r.status is RevisionStatus.PENDING), None)
    return current, pending


@cache
def _current_and_mine() -> Select[WikiRevision]:
    """Revision ``head`` of page ``page_id`` and the pending edit of it by ``me`` (None: no one's), each
    with its cached rendering and author: built once, so a request only binds its values."""
    mine = and_(WikiRevision.author_id == bindparam("me"), WikiRevision.status == RevisionStatus.PENDING)
    # The renderings hang on their revisions (not only in the session's weak identity map), so
    # rendering them later finds them without asking again; the page names each author.
    return (
        select(WikiRevision)
        .outerjoin(WikiRevision.rendering)
        .where(
            WikiRevision.page_id == bindparam("page_id"), or_(WikiRevision.number == bindparam("head"), mine)
        )
        .options(contains_eager(WikiRevision.rendering), joinedload(WikiRevision.author))
    )


def proposed_revisions(session: Session, user: User, page: WikiPage) -> list[WikiRevision]:
    """Unpublished edits of a page the user may see: all of them for moderators, else their own."""
    everyone = access.can_moderate(user, page)
    return list(session.scalars(_proposed(everyone), {"page_id": page.id, "me": user.id}))


@cache
def _proposed(everyone: bool) -> Select[WikiRevision]:
    """The unpublished edits of page ``page_id`` (only those ``me`` wrote unless ``everyone``), newest
    first, with who wrote and who reviewed each: built once for each of the two."""
    query = (
        select(WikiRevision)
        .where(WikiRevision.page_id == bindparam("page_id"), WikiRevision.status != RevisionStatus.APPROVED)
        .options(joinedload(WikiRevision.author), joinedload(WikiRevision.reviewed_by))
        .order_by(WikiRevision.created_at.desc(), WikiRevision.id.desc())
    )
    return query if everyone else query.where(WikiRevision.author_id == bindparam("me"))


def recent_changes_query(user: User | None, community: Community) -> Select[WikiRevision]:
    return (
        select(WikiRevision)
        .join(WikiPage, WikiPage.id == WikiRevision.page_id)
        .where(
            WikiPage.community_id == community.id,
            WikiRevision.status == RevisionStatus.APPROVED,
            access.live_pages(user),
        )
        .options(joinedload(WikiRevision.page), joinedload(WikiRevision.author))
        .order_by(WikiRevision.created_at.desc(), WikiRevision.id.desc())
    )


def recent_changes(
    session: Session, user: User | None, community: Community, page_number: int = 1
) -> Page[WikiRevision]:
    """Published revisions across the community's pages the user may see, newest first."""
    return paginate(session, recent_changes_query(user, community), page_number, CHANGES_PER_PAGE)


def feed_entries(session: Session, user: User | None, community: Community) -> list[WikiRevision]:
    return list(session.scalars(recent_changes_query(user, community).limit(FEED_ENTRIES)))


@dataclass
class TreeNode:
    page_id: int
    title: str
    slug: str
    updated_at: datetime
    children: list[TreeNode] = field(default_factory=list)


def page_tree(session: Session, user: User | None, community: Community) -> list[TreeNode]:
    """Every page the user may see, as a tree by parent (a page whose parent they cannot see is a root)."""
    rows = session.execute(
        select(WikiPage.id, WikiPage.title, WikiPage.slug, WikiPage.updated_at, WikiPage.parent_id)
        .where(WikiPage.community_id == community.id, access.live_pages(user))
        .order_by(WikiPage.title)
    ).all()
    nodes = {row.id: TreeNode(row.id, row.title, row.slug, row.updated_at) for row in rows}
    children: dict[int | None, list[TreeNode]] = defaultdict(list)
    for row in rows:
        parent = row.parent_id if row.parent_id in nodes else None
        children[parent].append(nodes[row.id])
    for page_id, node in nodes.items():
        node.children = children.get(page_id, [])
    return children.get(None, [])


def ancestors(session: Session, user: User | None, page: WikiPage) -> list[WikiPage]:
    """The page's parents from the top down, as far as the user may see them (breadcrumbs)."""
    chain: list[WikiPage] = []
    parent = page.parent
    while parent is not None and len(chain) < MAX_DEPTH:
        if not access.may_view(session, user, parent):
            break
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))


def subpages(session: Session, user: User | None, page: WikiPage) -> list[WikiPage]:
    query = (
        select(WikiPage)
        .where(WikiPage.parent_id == page.id, access.live_pages(user))
        .order_by(WikiPage.title)
    )
    return list(session.scalars(query))


#: A page listed beside another: ``id``, ``slug``, ``title``, ``is_child``, ``links_here``.
Neighbour = Row[int, str, str, bool, bool]


@dataclass(frozen=True)
class Neighbours:
    """The pages a page's view lists beside it, as rows of ``id``, ``slug`` and ``title``: its subpages
    and the pages linking to it."""

    subpages: list[Neighbour]
    #: pages whose current text links here, by this title or an old one
    backlinks: list[Neighbour]


def neighbours(session: Session, user: User | None, page: WikiPage) -> Neighbours:
    """The page's subpages and backlinks the user may see, each by title, in one statement (both read
    the same pages through the same permission filter; a page may be in both lists)."""
    params = reader_params(user)
    if params is None:
        return Neighbours(subpages=[], backlinks=[])
    rows = session.execute(
        _neighbours(),
        {**params, "page_id": page.id, "page_slug": page.slug, "community_id": page.community_id},
    ).all()
    return Neighbours(
        subpages=[row for row in rows if row.is_child],
        backlinks=[row for row in rows if row.links_here],
    )


@cache
def _neighbours() -> Select[int, str, str, bool, bool]:
    """The live pages the ``READER`` may see that are children of page ``page_id`` or link to it (in
    ``community_id``, by its slug ``page_slug`` or an old one), by title, saying which: built once."""
    page_id = bindparam("page_id", type_=Integer)
    addresses = union_all(
        select(bindparam("page_slug", type_=String)),
        select(WikiRedirect.slug).where(WikiRedirect.page_id == page_id),
    )
    linking = select(WikiLink.page_id).where(
        WikiLink.community_id == bindparam("community_id"), WikiLink.target_slug.in_(addresses)
    )
    is_child = WikiPage.parent_id == page_id
    links_here = and_(WikiPage.id != page_id, WikiPage.id.in_(linking))
    return (
        select(
            WikiPage.id,
            WikiPage.slug,
            WikiPage.title,
            is_child.label("is_child"),
            links_here.label("links_here"),
        )
        .where(or_(is_child, links_here), visible_to_reader(WikiPage), access.published_pages())
        .order_by(WikiPage.title)
    )


def templates(session: Session, user: User | None, community: Community) -> list[WikiPage]:
    query = (
        select(WikiPage)
        .where(WikiPage.community_id == community.id, WikiPage.is_template.is_(True), access.live_pages(user))
        .order_by(WikiPage.title)
    )
    return list(session.scalars(query))


def parent_choices(
    session: Session, user: User | None, community: Community, page: WikiPage | None = None
) -> list[tuple[int, str]]:
    """Pages that may be chosen as a parent, indented by depth (excluding the page and its subpages)."""
    choices: list[tuple[int, str]] = []

    def walk(nodes: list[TreeNode], depth: int) -> None:
        for node in nodes:
            if page is not None and node.page_id == page.id:
                continue
            choices.append((node.page_id, "— " * depth + node.title))
            walk(node.children, depth + 1)

    walk(page_tree(session, user, community), 0)
    return choices


def chosen_parent(session: Session, page_id: int | None) -> WikiPage | None:
    """The page a form chose as a parent, by id, or None (the service checks that it may be one)."""
    return session.get(WikiPage, page_id) if page_id is not None else None


def published_as(
    session: Session, user: User | None, page: WikiPage, revision_id: int
) -> WikiRevision | None:
    """The numbered revision an unpublished edit of ``page`` became when it was approved, or None when it
    was not; ``NotFound`` when the user may not see that revision."""
    published = session.get(WikiRevision, revision_id)
    if published is None or published.page_id != page.id or published.number is None:
        return None
    return access.get_revision(session, user, page, published.number)
