"""Comments under a post: writing one (or a reply), deleting one's own, and closing a post's comments.
A refused comment comes back on the post's page with what was typed and why."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from polka.accounts.web import signed_in
from polka.blog import access, comments
from polka.blog.blueprint import bp
from polka.blog.forms import CommentForm
from polka.blog.kinds import post_place
from polka.blog.views import find_post, post_screen
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import db


@bp.post("/c/<slug>/blog/<int:post>/comments")
@bp.post("/people/<int:user_id>/blog/<int:post>/comments")
def comment(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    session, user = db(), signed_in()
    found = find_post(post, slug, user_id)
    form = CommentForm()
    if not form.validate():
        return post_screen(found, form, status=400)
    try:
        with transaction(session):
            added = comments.add_comment(session, user, found, form.body.data or "", form.parent.data)
    except ValidationError as error:
        show_errors(form, error)
        return post_screen(found, form, status=400)
    if added.held_reason:
        flash(f"Your comment waits for a moderator: {added.held_reason}", "success")
    else:
        flash("Your comment has been posted.", "success")
    return redirect(url_for("blog.post", **post_place(found), post=found.id, _anchor=f"comment-{added.id}"))


@bp.post("/c/<slug>/blog/<int:post>/comments/<int:comment>/delete")
@bp.post("/people/<int:user_id>/blog/<int:post>/comments/<int:comment>/delete")
def delete_comment(post: int, comment: int, slug: str | None = None, user_id: int | None = None) -> Any:
    session, user = db(), signed_in()
    found = find_post(post, slug, user_id)
    target = access.get_comment(session, user, found, comment)
    with transaction(session):
        comments.delete_own(session, user, target)
    flash("Your comment has been deleted.", "success")
    return redirect(url_for("blog.post", **post_place(found), post=found.id, _anchor="comments"))


@bp.post("/c/<slug>/blog/<int:post>/comments/closed")
@bp.post("/people/<int:user_id>/blog/<int:post>/comments/closed")
def close_comments(post: int, slug: str | None = None, user_id: int | None = None) -> Any:
    session, user = db(), signed_in()
    found = find_post(post, slug, user_id)
    closed = request.form.get("closed") == "yes"
    with transaction(session):
        comments.set_closed(session, user, found, closed)
    flash(
        "Comments on this post are closed." if closed else "Comments on this post are open again.", "success"
    )
    return redirect(url_for("blog.post", **post_place(found), post=found.id, _anchor="comments"))
