"""A blog's Atom feed, and one per tag: the newest posts the reader may see, for a signed-in browser or
a feed reader with its owner's key (``polka.feeds.web``). An OFFICIAL-SENSITIVE post keeps its place
but not its title, text or address (``polka.feeds.atom``)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from polka.accounts.models import User
from polka.blog import reads, rendering
from polka.blog.blueprint import bp
from polka.blog.views import tag_asked
from polka.communities.services import get_community
from polka.feeds.atom import FEED_ENTRIES, Entry, Feed, atom_response, tag_uri
from polka.feeds.web import absolute_url, feed_view, self_url
from polka.http import db, settings
from polka.markings import Marking
from polka.permissions import Action


@bp.get("/feed.atom")
@feed_view
def feed(slug: str, reader: User) -> Any:
    """The blog's newest posts (``?tag=``: of one tag) as Atom."""
    session = db()
    community = get_community(session, reader, slug, Action.READ)
    tag = tag_asked()
    posts = reads.newest(session, reader, community, tag, FEED_ENTRIES)
    html = rendering.shown_posts(
        session, reader, community.id, [p for p in posts if p.marking is Marking.OFFICIAL]
    )
    base_url = settings().base_url
    blog_url = absolute_url(url_for("blog.index", slug=community.slug, tag=tag or None))
    entries = [
        Entry(
            id=tag_uri(base_url, post.created_at, f"blog/post/{post.id}"),
            title=post.title,
            updated=post.published_at or post.updated_at,
            author=post.created_by.name if post.created_by else "A former member",
            url=absolute_url(url_for("blog.post", slug=community.slug, post=post.id)),
            marking=post.marking,
            withheld_url=blog_url,
            summary=post.excerpt,
            html=html.get(post.id),
            noun="blog post",
        )
        for post in posts
    ]
    title = f"“{tag}” in the {community.name} blog" if tag else f"{community.name} blog"
    return atom_response(
        Feed(
            id=tag_uri(
                base_url, community.created_at, f"blog/{community.id}" + (f"/tag/{tag}" if tag else "")
            ),
            title=f"{title} – POLKA",
            updated=entries[0].updated if entries else community.created_at,
            self_url=self_url("blog.feed", slug=community.slug, tag=tag or None),
            html_url=blog_url,
            entries=entries,
        )
    )
