"""The deleted posts of a community's blog, for its managers to restore, and of a person's own blog that
were open to everyone signed in, for them (and the administrators) to restore (the rules are in
``bin.py``)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from polka.accounts.web import signed_in
from polka.blog import access, bin
from polka.blog.blueprint import bp
from polka.blog.models import BlogPost, PostStatus
from polka.communities.web import community_for
from polka.content.mixins import RESTORE_DAYS
from polka.db import transaction
from polka.errors import ValidationError
from polka.http import db
from polka.people.services import get_profile
from polka.templating import uk_datetime


def _said(post: BlogPost) -> str:
    if post.status is PostStatus.PUBLISHED:
        return f"“{post.title}” is back on the blog."
    if post.status is PostStatus.SCHEDULED:
        return f"“{post.title}” is back, to be published at {uk_datetime(post.publish_at)}."
    if post.personal:
        return f"“{post.title}” is back as a draft: only its writer can see it."
    return f"“{post.title}” is back as a draft: only its writer and the community's moderators can see it."


@bp.get("/c/<slug>/blog/deleted")
def deleted(slug: str) -> Any:
    community = community_for(slug)
    return render_template(
        "blog/deleted.html",
        community=community,
        author=None,
        here={"slug": community.slug},
        posts=bin.deleted_posts(db(), signed_in(), community),
        restore_days=RESTORE_DAYS,
        section="communities",
        page_title=f"Deleted posts – {community.name}",
    )


@bp.get("/people/<int:user_id>/blog/deleted")
def deleted_open(user_id: int) -> Any:
    session, user = db(), signed_in()
    author = get_profile(session, user, user_id).person
    return render_template(
        "blog/deleted.html",
        community=None,
        author=author,
        here={"user_id": author.id},
        posts=bin.deleted_open_posts(session, user, author),
        restore_days=RESTORE_DAYS,
        section="people",
        page_title=f"Deleted posts – {author.name}’s blog",
    )


@bp.post("/c/<slug>/blog/deleted/<int:post>/restore")
@bp.post("/people/<int:user_id>/blog/deleted/<int:post>/restore")
def restore(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    session, user = db(), signed_in()
    community = community_for(slug) if slug is not None else None
    author = get_profile(session, user, user_id or 0).person if community is None else None
    here: dict[str, Any] = {"slug": community.slug} if community is not None else {"user_id": user_id}
    try:
        with transaction(session):
            if author is not None:
                found = bin.get_deleted_open_post(session, user, author, post)
            else:
                assert community is not None
                found = bin.get_deleted_post(session, user, community, post)
            bin.restore_post(session, user, found)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(url_for("blog.deleted" if slug else "blog.deleted_open", **here))
    flash(_said(found), "success")
    if access.may_see(user, found):  # a draft is hidden from a manager yet to set up two-factor
        return redirect(url_for("blog.post", **here, post=found.id))
    return redirect(url_for("blog.index" if slug else "blog.personal", **here))
