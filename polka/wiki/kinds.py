"""The wiki's content kinds: how any part of POLKA shows a wiki page to a user (see polka.content.kinds)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import IDS, Kind, Shown, shown_columns
from polka.permissions import reader_params, visible_to_reader
from polka.wiki import access
from polka.wiki.models import WikiPage
from polka.wiki.slugs import slug_for


def resolve_pages(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The published, undeleted pages among ``ids`` that ``user`` may see, as they are now."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_pages(), {**params, IDS: list(ids)})
    return {
        row.id: Shown.of_row(
            PAGE_KIND, "Wiki page", url_for("wiki.view_page", slug=row.community_slug, page=row.slug), row
        )
        for row in rows
    }


@cache
def _visible_pages() -> Select[Any]:
    """The columns a page is shown with, of the live pages among ``IDS`` the ``READER`` may see: built
    once for every reader, so a request only binds its values."""
    return (
        shown_columns(WikiPage)
        .add_columns(WikiPage.slug)
        .where(
            WikiPage.id.in_(bindparam(IDS, expanding=True)),
            visible_to_reader(WikiPage),
            access.published_pages(),
        )
    )


def resolve_titles(
    session: Session, user: User | None, community_id: int, titles: Sequence[str]
) -> dict[str, Shown]:
    """The published pages of community ``community_id`` that ``[[Title]]`` links name and ``user``
    may see, by the title as written (a title finds its page by its slug, as in the wiki itself)."""
    params = reader_params(user)
    if params is None or not titles:
        return {}
    slugs = {slug_for(title): title for title in titles}
    rows = session.execute(
        _visible_titled(), {**params, "community_id": community_id, "slugs": sorted(slugs)}
    )
    return {
        slugs[row.slug]: Shown.of_row(
            PAGE_KIND, "Wiki page", url_for("wiki.view_page", slug=row.community_slug, page=row.slug), row
        )
        for row in rows
    }


@cache
def _visible_titled() -> Select[Any]:
    return (
        shown_columns(WikiPage)
        .add_columns(WikiPage.slug)
        .where(
            WikiPage.community_id == bindparam("community_id"),
            WikiPage.slug.in_(bindparam("slugs", expanding=True)),
            visible_to_reader(WikiPage),
            access.published_pages(),
        )
    )


PAGE_KIND = "wiki.page"
#: A file attached to a page: named in the audit log; not (yet) shown anywhere through a resolver.
ATTACHMENT_KIND = "wiki.attachment"


def changes_since(shown: Shown, revision: int) -> str:
    """What changed in a page after revision ``revision``, up to its current one."""
    return f"{shown.url}/diff?from={revision}"


PAGE = Kind(
    name=PAGE_KIND,
    label="Wiki page",
    model=WikiPage,
    resolve=resolve_pages,
    by_title=resolve_titles,
    changes_since=changes_since,
)
