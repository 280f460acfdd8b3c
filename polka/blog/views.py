"""The blog's reading pages: the index (all posts, one tag's, one month's) with the archive beside it,
a post with "more from this blog", and a post's history.

A post's pages have two addresses: in its community's blog (``/c/<slug>/blog/<post>…``), or, for a post
open to everyone signed in, in its author's own blog (``/people/<id>/blog/<post>…``); each view takes
whichever it is reached by, and ``kinds.post_place`` builds them.

Writing, publishing and the managers' settings are in ``writing_views.py``, on the same blueprint."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, url_for

from polka.accounts.web import current_user
from polka.blog import access, reads, rendering, services
from polka.blog.blueprint import bp
from polka.blog.forms import CommentForm
from polka.blog.kinds import BLOG_KIND, TAG_KIND, post_place
from polka.blog.models import BlogPost, Writers
from polka.blog.months import parse_month
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.downloads import DOWNLOAD_CSP
from polka.errors import NotFound
from polka.http import db, file_store
from polka.months import Month
from polka.subscriptions.services import is_following
from polka.subscriptions.web import follow_from_form
from polka.tags import TAG_MAX


@bp.app_template_global("blog_place")
def blog_place(post: BlogPost) -> dict[str, Any]:
    """The address arguments of a post's pages (``kinds.post_place``), for templates."""
    return post_place(post)


def tag_asked() -> str:
    """The tag a list is narrowed to (``?tag=``), as tags are kept: trimmed, lower-case."""
    return " ".join(request.args.get("tag", "").split()).lower()[:TAG_MAX]


def _index(community: Community, month: Month | None) -> Any:
    session, user = db(), current_user()
    tag = tag_asked()
    asked = reads.IndexQuery(request.args.get("page", 1, type=int) or 1, tag, month)
    chosen = access.writers(session, community)
    heading = f"Posts from {month.label}" if month else (f"Posts tagged “{tag}”" if tag else "Blog")
    followed = reads.tag_named(session, community, tag) if tag else None
    kind, object_id = (TAG_KIND, followed.id) if followed else (BLOG_KIND, community.id)
    return render_template(
        "blog/index.html",
        community=community,
        posts=reads.index(session, user, community, asked),
        unpublished=reads.unpublished(session, user, community),
        months=reads.archive(session, user, community),
        tag=tag,
        followed_tag=followed,
        following=is_following(session, user, kind, object_id) if not tag or followed else False,
        month=month,
        heading=heading,
        may_write=access.offers_write(user, community, chosen),
        section="communities",
        page_title=f"{heading} – {community.name}",
    )


@bp.get("/c/<slug>/blog/")
def index(slug: str) -> Any:
    return _index(community_for(slug), None)


@bp.get("/c/<slug>/blog/<int:year>/<int:month>/")
def month(slug: str, year: int, month: int) -> Any:
    community = community_for(slug)
    found = parse_month(year, month)
    if found is None:
        raise NotFound()
    return _index(community, found)


def find_post(post_id: int, slug: str | None, user_id: int | None) -> BlogPost:
    """The post at this address (a community's blog, or a person's for a post open to everyone signed
    in), as the policy lets the current user see it."""
    if slug is None:
        return access.get_open_post(db(), current_user(), user_id or 0, post_id)
    return access.get_post(db(), current_user(), community_for(slug), post_id)


def post_screen(found: BlogPost, form: CommentForm | None = None, *, status: int = 200) -> Any:
    """A post with its comments (the page of them asked for), and a comment form: ``form`` holds what
    was typed into a refused comment, and ``status`` says why it was refused."""
    session, user = db(), current_user()
    community = found.community
    chosen = access.writers(session, community) if community is not None else Writers.MEMBERS
    thread = reads.thread(session, user, found, request.args.get("comments", 1, type=int) or 1)
    readable = [comment for comment in thread.every if comment.id not in thread.withheld]
    html, comment_html = rendering.shown_html(session, user, found, readable)
    form = form or CommentForm(parent=request.args.get("reply_to", type=int))
    replying_to = next((c for c in thread.comments if c.id == form.parent.data), None)
    return render_template(
        "blog/post.html",
        community=community,
        here=post_place(found),
        post=found,
        html=html,
        thread=thread,
        comment_html=comment_html,
        form=form,
        replying_to=replying_to,
        comment_refusal=access.comment_refusal(user, found),
        may_close=access.may_close_comments(user, found),
        may_report=lambda comment: access.may_report(user, comment),
        more=reads.more_from(session, user, found) if found.is_published else [],
        may_edit=access.offers_edit(user, found, chosen),
        section="communities" if community is not None else "people",
        page_title=f"{found.title} – {blog_name(found)}",
    ), status


def blog_name(post: BlogPost) -> str:
    """The blog a post belongs to, as a page's title names it."""
    if post.community is None or post.personal:
        return f"{post.created_by.name if post.created_by else 'A former member'}’s blog"
    return f"{post.community.name} blog"


@bp.get("/c/<slug>/blog/<int:post>")
@bp.get("/people/<int:user_id>/blog/<int:post>")
def post(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    return post_screen(find_post(post, slug, user_id))


@bp.get("/c/<slug>/blog/<int:post>/history")
@bp.get("/people/<int:user_id>/blog/<int:post>/history")
def history(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    session = db()
    found = find_post(post, slug, user_id)
    return render_template(
        "blog/history.html",
        community=found.community,
        here=post_place(found),
        post=found,
        revisions=services.history(session, found),
        section="communities" if found.community is not None else "people",
        page_title=f"History – {found.title}",
    )


@bp.post("/c/<slug>/blog/follow")
def follow_blog(slug: str) -> Any:
    community = community_for(slug)
    return follow_from_form(BLOG_KIND, community.id, url_for("blog.index", slug=community.slug))


@bp.post("/c/<slug>/blog/tags/<int:tag>/follow")
def follow_tag(slug: str, tag: int) -> Any:
    community = community_for(slug)
    found = reads.tag_of(db(), community, tag)
    return follow_from_form(TAG_KIND, found.id, url_for("blog.index", slug=community.slug, tag=found.name))


@bp.get("/c/<slug>/blog/<int:post>/cover")
@bp.get("/people/<int:user_id>/blog/<int:post>/cover")
def cover(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    """The post's cover image, for whoever may see the post: POLKA's own re-encoding, as its type, never
    sniffed as anything else, checked again by the browser on every view (``no-cache`` with an ETag)."""
    found = find_post(post, slug, user_id)
    if found.cover_sha256 is None:
        raise NotFound()
    with file_store().open_file(found.cover_sha256) as stored:  # small: a re-encoded picture
        response = Response(stored.read(), mimetype=found.cover_type)
    response.set_etag(found.cover_sha256)
    response.make_conditional(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response
