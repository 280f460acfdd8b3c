"""What the editor's pickers offer a writer: this community's pages, and other features' objects
(documents), among those the writer may see, each with the Markdown that links to it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.kinds import kind_linked_as, kinds
from polka.db import contains_text, starts_with_text
from polka.errors import ValidationError
from polka.forms import has_control_characters
from polka.markings import Marking
from polka.wiki import access
from polka.wiki.models import WikiPage
from polka.wiki.slugs import slug_for

#: What the picker calls this community's wiki pages; other kinds go by their link name (``doc``).
PAGE = "page"
MAX_WORDS = 100
MAX_CHOICES = 10


@dataclass(frozen=True)
class Choice:
    """One thing the writer may link to: what it is called, where it lives, and the link to insert."""

    id: int
    title: str
    detail: str
    insert: str


@dataclass(frozen=True)
class Choices:
    kind: str
    words: str
    items: tuple[Choice, ...]
    #: whether more match than are listed (the writer should type more)
    more: bool


def _label(title: str) -> str:
    """A title as a link's shown text: brackets would end the link, line breaks cannot be in one."""
    return " ".join(title.replace("[", "(").replace("]", ")").split())


def page_link(page: WikiPage) -> str:
    """``[[Title]]`` when the title leads to the page, else ``[[slug|Title]]`` (a slug leads to itself)."""
    title = " ".join(page.title.split())
    if not any(mark in title for mark in "[]|") and slug_for(title) == page.slug:
        return f"[[{title}]]"
    return f"[[{page.slug}|{_label(title)}]]"


def _detail(place: str, marking: str) -> str:
    sensitive = marking == Marking.OFFICIAL_SENSITIVE.value
    return " · ".join(part for part in (place, marking if sensitive else "") if part)


def _findable() -> set[str]:
    """The link names of the kinds a writer can look up by title (``doc``)."""
    return {kind.link_name for kind in kinds() if kind.link_name and kind.find is not None}


def _check(kind: str, words: str) -> str:
    offered = sorted({PAGE, *_findable()})
    if kind not in offered:
        raise ValidationError(f"Say what to look for: kind must be one of {', '.join(offered)}.")
    if has_control_characters(words):
        raise ValidationError("The search words contain characters that cannot be used.")
    words = " ".join(words.split())
    if len(words) > MAX_WORDS:
        raise ValidationError(f"The search words are too long: at most {MAX_WORDS} characters.")
    return words


def _pages(session: Session, user: User, community: Community, words: str) -> list[Choice]:
    query = (
        select(WikiPage)
        .where(
            WikiPage.community_id == community.id,
            access.live_pages(user),
            contains_text(WikiPage.title, words),
        )
        .order_by(case((starts_with_text(WikiPage.title, words), 0), else_=1), WikiPage.title)
        .limit(MAX_CHOICES + 1)
    )
    return [
        Choice(id=page.id, title=page.title, detail=_detail("", page.marking.value), insert=page_link(page))
        for page in session.scalars(query)
    ]


def _objects(session: Session, user: User, link_name: str, words: str) -> list[Choice]:
    kind = kind_linked_as(link_name)
    if kind is None or kind.find is None:
        return []
    return [
        Choice(
            id=shown.id,
            title=shown.title,
            detail=_detail(shown.community_name, shown.marking.value),
            insert=f"[[{link_name}:{shown.id}|{_label(shown.title)}]]",
        )
        for shown in kind.find(session, user, words, MAX_CHOICES + 1)
    ]


def choices(session: Session, user: User, community: Community, kind: str, words: str) -> Choices:
    """What matches ``words`` among the pages of ``community`` (``kind`` "page") or the objects of
    another kind that ``user`` may see; ``ValidationError`` for an unknown kind or unusable words."""
    words = _check(kind, words)
    found: list[Choice] = []
    if words:
        found = (
            _pages(session, user, community, words) if kind == PAGE else _objects(session, user, kind, words)
        )
    return Choices(kind=kind, words=words, items=tuple(found[:MAX_CHOICES]), more=len(found) > MAX_CHOICES)
