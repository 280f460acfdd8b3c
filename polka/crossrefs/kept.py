"""Text written outside the wiki (a forum post, a blog post), rendered once and kept as HTML, then shown
to each reader with its links filled in for them.

What the kept HTML holds depends only on the text: ``[[doc:42]]`` is kept as a placeholder link to the
object (``crossrefs.views.object_path``) and ``[[Page title]]`` as a placeholder naming the title
(``shown_links.title_path``). When it is shown, ``show_kept`` resolves every placeholder of every
rendering on the page at once — one look-up per kind and one for the titles — and each reader sees the
current title of what they may see and nothing of what they may not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from markupsafe import Markup
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import resolve_all, resolve_titles
from polka.crossrefs.services import parse_target
from polka.crossrefs.shown_links import fill_object_links, fill_title_links, linked_titles, title_path
from polka.crossrefs.views import object_path

Key = TypeVar("Key")


@dataclass(frozen=True)
class Rendered:
    """A text rendered to be kept: its HTML with placeholders, and what it points at."""

    html: str
    #: (kind name, id) of each other feature's object the text links to, in order
    objects: tuple[tuple[str, int], ...]
    #: the handles of the people the text mentions in its own words (not in what it quotes)
    mentions: tuple[str, ...] = ()


def outside_href(target: str) -> str:
    """``[[doc:42]]`` leads to the object, ``[[Page title]]`` to the page of that title in the text's
    community, each filled in for the reader when shown (a reader who may not see it gets the words)."""
    linked = parse_target(target)
    return object_path(*linked) if linked is not None else title_path(target)


def linked_objects(targets: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """The objects (kind name, id) among ``[[…]]`` targets as written, each once, in order."""
    return tuple(dict.fromkeys(linked for linked in map(parse_target, targets) if linked is not None))


def show_kept(
    session: Session,
    user: User | None,
    community_id: int,
    kept: Mapping[Key, tuple[str, Sequence[tuple[str, int]]]],
    prepare: Callable[[str], str] = lambda html: html,
) -> dict[Key, Markup]:
    """Each kept rendering (its HTML and the objects it links to), written in community
    ``community_id``, as ``user`` may see it; ``prepare`` fills in what a feature keeps of its own
    (a forum post's quotes) first."""
    wanted = {link for _, objects in kept.values() for link in objects}
    shown = resolve_all(session, user, wanted) if wanted else {}
    titled = {title for html, _ in kept.values() for title in linked_titles(html)}
    pages = resolve_titles(session, user, community_id, titled)
    return {
        key: fill_title_links(fill_object_links(prepare(html), shown), pages)
        for key, (html, _) in kept.items()
    }
