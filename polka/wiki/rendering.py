"""Rendering revisions to HTML, cached per revision, and the link table behind "what links here".

The cache (``WikiRendering``) holds what depends only on the revision's text: the sanitised HTML, its
headings and the slugs it links to. Whether a linked page exists, and what a reader may see of a
linked document (its current title, or nothing), is decided when the page is shown, so creating,
deleting or renaming never makes a cached rendering stale. Saves render and store at once;
a reader meeting a missing or outdated cache (rendered by an older wiki renderer or an older
``polka.markup``: ``cache_version``) renders in memory (a GET never writes), and ``polka wiki rerender``
rebuilds every cache.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from markupsafe import Markup
from sqlalchemy import CompoundSelect, Integer, String, bindparam, delete, inspect, select, union
from sqlalchemy.orm import NO_VALUE, Session

from polka import markup
from polka.accounts.models import User
from polka.communities.models import Community
from polka.crossrefs.services import parse_target, set_links
from polka.crossrefs.shown_links import show_object_links
from polka.crossrefs.views import object_path
from polka.markup import Heading, mark_missing_links, render_document
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import WikiLink, WikiPage, WikiRedirect, WikiRendering, WikiRevision
from polka.wiki.slugs import slug_for

#: Bump when the wiki's own rendering changes: older cached renderings are then ignored and rebuilt.
#: 3: links to other features' objects are kept under their kind's name (``docs.document``, not ``doc``).
RENDERER_VERSION = 3
#: Long pages get a table of contents when they have at least this many section headings.
TOC_MIN_HEADINGS = 3


def cache_version() -> int:
    """The version a cached rendering is stored with: it changes when the wiki's rendering
    (``RENDERER_VERSION``) or ``polka.markup``'s (``MARKDOWN_VERSION``: a sanitiser fix, say) does.

    Both only ever rise, so their sum is new whenever either does; less one, so renderings cached before
    ``MARKDOWN_VERSION`` (which started at 1) existed keep their version. Read when called, not imported.
    """
    return RENDERER_VERSION + markup.MARKDOWN_VERSION - 1


def page_path(community: Community, slug: str) -> str:
    """A page's address as written into cached HTML (a ``[[link]]``, which may lead to no page yet) and
    found there again by ``mark_missing_links``; a string, since ``polka wiki rerender`` renders outside
    any request, where ``url_for`` cannot build an address."""
    return f"/c/{community.slug}/wiki/{slug}"


def new_page_path(community: Community, title: str) -> str:
    return f"/c/{community.slug}/wiki/new?title={quote(title, safe='')}"


@dataclass(frozen=True)
class Rendering:
    """What the cache holds for one revision."""

    html: str
    headings: tuple[Heading, ...]
    #: (slug, title as written) for each wiki link, in order
    links: tuple[tuple[str, str], ...]
    #: (kind name, id) for each link to another feature's object (``[[doc:42]]``), in order
    objects: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class RenderedPage:
    html: Markup
    headings: tuple[Heading, ...]

    @property
    def toc(self) -> tuple[Heading, ...]:
        """Section headings for a table of contents, when the page is long enough to need one."""
        sections = tuple(h for h in self.headings if h.level in (2, 3))
        return sections if len(sections) >= TOC_MIN_HEADINGS else ()


def _href(community: Community, target: str) -> str:
    """``[[doc:42]]`` leads to the object (if the reader may see it); anything else to a page."""
    linked = parse_target(target)
    if linked is not None:
        return object_path(*linked)
    return page_path(community, slug_for(target))


def render_body(community: Community, body: str) -> Rendering:
    document = render_document(body, lambda target: _href(community, target))
    links: list[tuple[str, str]] = []
    objects: list[tuple[str, int]] = []
    for target in document.links:
        linked = parse_target(target)
        if linked is not None:
            objects.append(linked)
        else:
            links.append((slug_for(target), target))
    return Rendering(
        html=document.html, headings=document.headings, links=tuple(links), objects=tuple(objects)
    )


def kept_rendering(revision_id: int, rendering: Rendering) -> WikiRendering:
    """The row that keeps ``rendering`` of revision ``revision_id`` (by today's renderer)."""
    return WikiRendering(
        revision_id=revision_id,
        renderer_version=cache_version(),
        html=rendering.html,
        headings=json.dumps([[h.level, h.text, h.anchor] for h in rendering.headings]),
        links=json.dumps(
            {
                "pages": [list(link) for link in rendering.links],
                "objects": [list(o) for o in rendering.objects],
            }
        ),
    )


def _from_row(row: WikiRendering) -> Rendering:
    links = json.loads(row.links)
    return Rendering(
        html=row.html,
        headings=tuple(Heading(level, text, anchor) for level, text, anchor in json.loads(row.headings)),
        links=tuple((slug, title) for slug, title in links["pages"]),
        objects=tuple((kind, int(object_id)) for kind, object_id in links["objects"]),
    )


def store_rendering(session: Session, revision: WikiRevision, community: Community) -> Rendering:
    """Render a revision and keep the result (inside a write transaction)."""
    rendering = render_body(community, revision.body)
    session.merge(kept_rendering(revision.id, rendering))
    session.flush()
    return rendering


def rendering_of(session: Session, revision: WikiRevision, community: Community) -> Rendering:
    """The cached rendering of a revision, or a fresh one (not stored) when the cache has none.

    A read that loaded the revision with its rendering (``reads.current_and_mine``) has already asked:
    its answer, a row or none, is used as it is rather than asked again."""
    loaded = inspect(revision).attrs.rendering.loaded_value
    row = session.get(WikiRendering, revision.id) if loaded is NO_VALUE else loaded
    if row is not None and row.renderer_version == cache_version():
        return _from_row(row)
    return render_body(community, revision.body)


def existing_slugs(session: Session, community: Community, slugs: set[str]) -> set[str]:
    """Which of these slugs lead somewhere: a live page or a redirect to one."""
    if not slugs:
        return set()
    return set(session.scalars(_leading_somewhere(), {"community_id": community.id, "slugs": list(slugs)}))


@cache
def _leading_somewhere() -> CompoundSelect[str]:
    """Which of ``slugs`` in community ``community_id`` are a live page's or a redirect's to one: built
    once, so a request only binds its values."""
    community_id = bindparam("community_id", type_=Integer)
    slugs = bindparam("slugs", type_=String, expanding=True)
    live = WikiPage.deleted_at.is_(None)
    pages = select(WikiPage.slug).where(WikiPage.community_id == community_id, WikiPage.slug.in_(slugs), live)
    redirects = (
        select(WikiRedirect.slug)
        .join(WikiPage, WikiPage.id == WikiRedirect.page_id)
        .where(WikiRedirect.community_id == community_id, WikiRedirect.slug.in_(slugs), live)
    )
    return union(pages, redirects)


def present(session: Session, user: User | None, community: Community, rendering: Rendering) -> RenderedPage:
    """The rendering ready for ``user``: links to pages not written yet offer to create them, and links
    to other features' objects show their current title, or nothing of them if ``user`` may not see them."""
    found = existing_slugs(session, community, {slug for slug, _ in rendering.links})
    missing = {
        page_path(community, slug): new_page_path(community, title)
        for slug, title in rendering.links
        if slug not in found
    }
    html = show_object_links(session, user, mark_missing_links(rendering.html, missing), rendering.objects)
    return RenderedPage(html=html, headings=rendering.headings)


def show_revision(
    session: Session, user: User | None, revision: WikiRevision, community: Community
) -> RenderedPage:
    return present(session, user, community, rendering_of(session, revision, community))


def update_links(session: Session, page: WikiPage, rendering: Rendering) -> None:
    """Make the link tables say what the page's current revision links to: other pages (for "what links
    here") and other features' objects (for a document's "where used")."""
    session.execute(delete(WikiLink).where(WikiLink.page_id == page.id))
    for slug in dict.fromkeys(slug for slug, _ in rendering.links):
        session.add(WikiLink(page_id=page.id, target_slug=slug, community_id=page.community_id))
    session.flush()
    set_links(session, PAGE_KIND, page.id, rendering.objects)


def rerender_all(session: Session) -> int:
    """Rebuild every cached rendering and the link table from the revisions; return how many."""
    session.execute(delete(WikiRendering))
    count = 0
    for page in session.scalars(select(WikiPage)):
        for revision in session.scalars(select(WikiRevision).where(WikiRevision.page_id == page.id)):
            rendering = store_rendering(session, revision, page.community)
            if revision.number is not None and revision.number == page.head_number:
                update_links(session, page, rendering)
            count += 1
    return count
