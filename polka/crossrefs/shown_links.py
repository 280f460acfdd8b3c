"""Links to other features' objects in rendered HTML, shown as the reader may see them.

A wiki page's HTML is rendered once and shared by every reader, so ``[[doc:42]]`` is cached as a link
to ``/o/doc/42`` whose text is ``doc:42``: a placeholder. When the page is shown, ``show_object_links``
resolves every such link for this reader in one query per kind (``polka.content.kinds``) and fills in
the object's current title, or, for an object the reader may not see (or that does not exist), leaves
nothing of it: a link given its own words (``[[doc:42|the rota]]``) keeps only those words, unlinked;
a bare one becomes the same neutral words whatever the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import Shown, kind_linked_as, resolve_all
from polka.markup import link_html, rewrite_wikilinks

#: What ``crossrefs.views.object_path`` writes: the kind's link name and the object's id.
_OBJECT_PATH = re.compile(r"/o/([a-z]{1,20})/([1-9][0-9]{0,9})")
#: What a reader sees for a bare link to an object they may not see (or that is gone).
UNAVAILABLE = "(linked item not available)"
_UNAVAILABLE_HTML = f'<span class="polka-wikilink--unavailable">{UNAVAILABLE}</span>'


def show_object_links(
    session: Session, user: User | None, html: str, targets: Iterable[tuple[str, int]]
) -> Markup:
    """``html`` (a cached rendering) with its links to ``targets`` (kind name, id) filled in for ``user``."""
    wanted = set(targets)
    if not wanted:
        return Markup(html)  # noqa: S704 - sanitised when it was rendered
    return fill_object_links(html, resolve_all(session, user, wanted))


def fill_object_links(html: str, shown: Mapping[tuple[str, int], Shown]) -> Markup:
    """``html`` (a cached rendering) with its links to other objects filled in from ``shown`` (what
    ``resolve_all`` gave one reader): a page of several renderings resolves their links at once."""

    def fill(attributes: dict[str, str], inner_html: str) -> str | None:
        found = _OBJECT_PATH.fullmatch(attributes.get("href", ""))
        if found is None:
            return None
        link_name, object_id = found[1], int(found[2])
        bare = inner_html == f"{link_name}:{object_id}"  # [[doc:42]]: the text is the placeholder
        kind = kind_linked_as(link_name)
        item = shown.get((kind.name, object_id)) if kind is not None else None
        if item is None:
            return _UNAVAILABLE_HTML if bare else inner_html
        return link_html(attributes, str(escape(item.title)) if bare else inner_html)

    return rewrite_wikilinks(html, fill)


#: Where a ``[[Title]]`` written outside the wiki (a forum post) points in kept HTML: the title as
#: written, filled in for each reader with the page of that title in the text's community.
_TITLE_PATH = re.compile(r"/o/title/([^/?#\"\s<>]+)")


def title_path(title: str) -> str:
    """The placeholder a ``[[Title]]`` is kept as (see ``fill_title_links``)."""
    return f"/o/title/{quote(title, safe='')}"


def linked_titles(html: str) -> set[str]:
    """The titles a kept HTML's ``[[Title]]`` links name."""
    return {unquote(found[1]) for found in _TITLE_PATH.finditer(html)}


def fill_title_links(html: str, shown: Mapping[str, Shown]) -> Markup:
    """Kept HTML with each ``[[Title]]`` link leading to the page ``shown`` has for its title (from
    ``content.kinds.resolve_titles``), or left as its words, unlinked, where there is none the reader
    may see."""

    def fill(attributes: dict[str, str], inner_html: str) -> str | None:
        found = _TITLE_PATH.fullmatch(attributes.get("href", ""))
        if found is None:
            return None
        item = shown.get(unquote(found[1]))
        return inner_html if item is None else link_html({**attributes, "href": item.url}, inner_html)

    return rewrite_wikilinks(html, fill)
