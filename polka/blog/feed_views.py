"""A blog's Atom feed — a community's, one of its tags', or a person's own — : the newest posts the
reader may see, for a signed-in browser or a feed reader with its owner's key (``polka.feeds.web``). An
OFFICIAL-SENSITIVE post keeps its place but not its title, text or address (``polka.feeds.atom``)."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.blog import reads, rendering
from polka.blog.blueprint import bp
from polka.blog.kinds import post_place
from polka.blog.models import BlogPost
from polka.blog.views import tag_asked
from polka.communities.services import get_community
from polka.feeds.atom import FEED_ENTRIES, Entry, Feed, atom_response, tag_uri
from polka.feeds.web import absolute_url, feed_view, self_url
from polka.http import db, settings
from polka.markings import Marking
from polka.people.services import get_profile
from polka.permissions import Action


def _texts(session: Session, reader: User, posts: list[BlogPost]) -> dict[int, Markup]:
    """The OFFICIAL posts' HTML as the reader may see it, their links looked up a community at a time."""
    official = sorted((p for p in posts if p.marking is Marking.OFFICIAL), key=lambda p: p.community_id or 0)
    texts: dict[int, Markup] = {}
    for community_id, group in groupby(official, key=lambda p: p.community_id or 0):
        texts.update(rendering.shown_posts(session, reader, community_id, list(group)))
    return texts


def _feed(
    session: Session,
    reader: User,
    posts: list[BlogPost],
    *,
    title: str,
    html_url: str,
    specific: str,
    minted: datetime,
    self: str,
) -> Any:
    base_url = settings().base_url
    texts = _texts(session, reader, posts)
    entries = [
        Entry(
            id=tag_uri(base_url, post.created_at, f"blog/post/{post.id}"),
            title=post.title,
            updated=post.published_at or post.updated_at,
            author=post.created_by.name if post.created_by else "A former member",
            url=absolute_url(url_for("blog.post", **post_place(post), post=post.id)),
            marking=post.marking,
            withheld_url=html_url,
            summary=post.excerpt,
            html=texts.get(post.id),
            noun="blog post",
        )
        for post in posts
    ]
    return atom_response(
        Feed(
            id=tag_uri(base_url, minted, specific),
            title=f"{title} – POLKA",
            updated=entries[0].updated if entries else minted,
            self_url=self,
            html_url=html_url,
            entries=entries,
        )
    )


@bp.get("/c/<slug>/blog/feed.atom")
@feed_view
def feed(slug: str, reader: User) -> Any:
    """The community blog's newest posts (``?tag=``: of one tag) as Atom."""
    session = db()
    community = get_community(session, reader, slug, Action.READ)
    tag = tag_asked()
    return _feed(
        session,
        reader,
        reads.newest(session, reader, community, tag, FEED_ENTRIES),
        title=f"“{tag}” in the {community.name} blog" if tag else f"{community.name} blog",
        html_url=absolute_url(url_for("blog.index", slug=community.slug, tag=tag or None)),
        specific=f"blog/{community.id}" + (f"/tag/{tag}" if tag else ""),
        minted=community.created_at,
        self=self_url("blog.feed", slug=community.slug, tag=tag or None),
    )


@bp.get("/people/<int:user_id>/blog/feed.atom")
@feed_view
def personal_feed(user_id: int, reader: User) -> Any:
    """A person's own blog's newest posts the reader may see, as Atom."""
    session = db()
    author = get_profile(session, reader, user_id).person
    return _feed(
        session,
        reader,
        reads.personal_newest(session, reader, author, FEED_ENTRIES),
        title=f"{author.name}’s blog",
        html_url=absolute_url(url_for("blog.personal", user_id=author.id)),
        specific=f"blog/person/{author.id}",
        minted=author.created_at,
        self=self_url("blog.personal_feed", user_id=author.id),
    )
