"""Quotes: part of another post carried into a reply, with its author and a link back.

In a post's text a quote is a block of lines::

    [quote=post:123]
    the words quoted
    [/quote]

The kept HTML holds the quoted words in a placeholder naming the post. When the post is shown, each
quote is filled in for its reader: the quoted post's author and a link to it when the reader may see
that post now, or nothing of it at all when they may not (the post was hidden or deleted since, or its
topic moved where the reader cannot follow). The quoted words are never in the quoting post's search
document, so no snippet can show them either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from markupsafe import escape
from sqlalchemy import Select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import IDS
from polka.errors import ValidationError
from polka.forum.kinds import post_url, visible_posts
from polka.forum.models import ForumPost
from polka.permissions import reader_params

#: How many quotes one post may carry.
MAX_QUOTES = 10
_OPEN = re.compile(r"\[quote=post:([1-9][0-9]{0,9})\]")
_CLOSE = "[/quote]"
#: A quote as kept in rendered HTML. ``figure`` is never let through from a writer's Markdown, so every
#: one in kept HTML was put there by ``wrap`` (and, quotes never nesting, closes at the first ``</figure>``).
_KEPT = re.compile(r'<figure class="polka-quote" data-quote="([0-9]+)">(.*?)</figure>', re.DOTALL)
UNAVAILABLE = "(quoted post not available)"
_UNAVAILABLE_HTML = f'<p class="govuk-body-s polka-quote polka-quote--unavailable">{UNAVAILABLE}</p>'


@dataclass(frozen=True)
class Part:
    """A run of a post's text: its own words (``quoted`` None) or a quote of post ``quoted``."""

    text: str
    quoted: int | None = None


def parts(body: str) -> list[Part]:
    """``body`` split into its own words and its quotes. A quote opens on a line of its own and closes
    at the next ``[/quote]`` line; one never closed is left as the words written."""
    result: list[Part] = []
    own: list[str] = []
    lines = body.split("\n")
    at = 0
    while at < len(lines):
        opening = _OPEN.fullmatch(lines[at].strip())
        close = next((i for i in range(at + 1, len(lines)) if lines[i].strip() == _CLOSE), None)
        if opening is None or close is None:
            own.append(lines[at])
            at += 1
            continue
        if own:
            result.append(Part("\n".join(own)))
            own = []
        result.append(Part("\n".join(lines[at + 1 : close]), int(opening[1])))
        at = close + 1
    if own:
        result.append(Part("\n".join(own)))
    return result


def quoted_ids(body: str) -> list[int]:
    return list(dict.fromkeys(part.quoted for part in parts(body) if part.quoted is not None))


def own_words(body: str) -> str:
    """The text without its quotes (what a quote of this post starts from)."""
    return "\n".join(part.text for part in parts(body) if part.quoted is None).strip("\n")


def quote_of(post_id: int, text: str) -> str:
    """The lines that quote ``text`` of post ``post_id``, ready to write a reply below."""
    return f"[quote=post:{post_id}]\n{text.strip()}\n[/quote]\n\n"


def render(body: str, render_part: Callable[[str, bool], str]) -> str:
    """The kept HTML of ``body``: each part rendered by ``render_part`` (its text, whether it is quoted;
    safe HTML back), quotes wrapped as placeholders naming the quoted post."""
    return "\n".join(
        render_part(part.text, False)
        if part.quoted is None
        else wrap(part.quoted, render_part(part.text, True))
        for part in parts(body)
    )


def wrap(post_id: int, inner_html: str) -> str:
    return f'<figure class="polka-quote" data-quote="{post_id}">{inner_html}</figure>'


def without_quotes(html: str) -> str:
    """Kept HTML with its quotes taken out (a post's own words, for its search document)."""
    return _KEPT.sub("", html)


def kept_ids(html: str) -> Iterator[int]:
    return (int(found[1]) for found in _KEPT.finditer(html))


@dataclass(frozen=True)
class Source:
    """A quoted post as one reader may see it."""

    author: str
    url: str


def sources(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Source]:
    """The quoted posts among ``ids`` that ``user`` may see now (published, undeleted, in a topic they
    may see), in one statement for a whole page."""
    return {
        row.post_id: Source(
            row.author_name or "A former member", post_url(row.community_slug, row.id, row.number)
        )
        for row in _visible(session, user, ids)
    }


def _visible(session: Session, user: User | None, ids: Sequence[int]) -> list[Any]:
    params = reader_params(user)
    if params is None or not ids:
        return []
    return list(session.execute(_visible_with_author(), {**params, IDS: list(ids)}))


@cache
def _visible_with_author() -> Select[Any]:
    return (
        visible_posts()
        .outerjoin(User, User.id == ForumPost.author_id)
        .add_columns(User.name.label("author_name"))
    )


def fill(html: str, shown: Mapping[int, Source]) -> str:
    """Kept HTML with each quote as this reader may see it (``shown`` from ``sources``)."""

    def one(found: re.Match[str]) -> str:
        source = shown.get(int(found[1]))
        if source is None:
            return _UNAVAILABLE_HTML
        return (
            f'<figure class="polka-quote" data-post="{int(found[1])}">'
            f'<figcaption class="govuk-body-s polka-quote__by">{escape(source.author)} wrote '
            f'(<a class="govuk-link" href="{escape(source.url)}">see the post</a>):</figcaption>'
            f"<blockquote>{found[2]}</blockquote></figure>"
        )

    return _KEPT.sub(one, html)


def check(session: Session, user: User, body: str) -> None:
    """Refuse a text quoting more than ``MAX_QUOTES`` posts, or a post its writer may not see."""
    ids = quoted_ids(body)
    if len(ids) > MAX_QUOTES:
        message = f"A post can quote at most {MAX_QUOTES} posts (this one quotes {len(ids)})"
        raise ValidationError(message, {"body": message})
    if not set(ids) <= {row.post_id for row in _visible(session, user, ids)}:
        message = (
            "Your message quotes a post that is not available to you (it may have been hidden or deleted). "
            "Remove that quote and post again."
        )
        raise ValidationError(message, {"body": message})
