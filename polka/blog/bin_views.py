"""The deleted posts of a community's blog, for its managers to restore (the rules are in ``bin.py``)."""

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
        posts=bin.deleted_posts(db(), signed_in(), community),
        restore_days=RESTORE_DAYS,
        section="communities",
        page_title=f"Deleted posts – {community.name}",
    )


@bp.post("/c/<slug>/blog/deleted/<int:post>/restore")
def restore(slug: str, post: int) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    try:
        with transaction(session):
            found = bin.get_deleted_post(session, user, community, post)
            bin.restore_post(session, user, found)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(url_for("blog.deleted", slug=community.slug))
    flash(_said(found), "success")
    if access.may_see(user, found):  # a draft is hidden from a manager yet to set up two-factor
        return redirect(url_for("blog.post", slug=community.slug, post=found.id))
    return redirect(url_for("blog.index", slug=community.slug))
