"""A person's own blog: ``/people/<id>/blog/`` lists their posts as each reader may see them (each went
out into one of the author's communities, and is seen as that community's content is, or to everyone
signed in), and its author writes new ones there, choosing where each goes out. A post's own page, its
changes and its comments are the community blog's (``/c/<slug>/blog/<id>``), or for a post open to
everyone, the person's (``/people/<id>/blog/<id>``, in ``views.py`` beside the community's)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from polka.accounts.web import current_user, signed_in
from polka.blog import reads
from polka.blog.blueprint import bp
from polka.blog.forms import PostForm
from polka.blog.kinds import PERSON_BLOG_KIND
from polka.blog.writing_views import screen, submit
from polka.errors import Forbidden, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.people.services import get_profile
from polka.subscriptions.services import is_following
from polka.subscriptions.web import follow_from_form


@bp.get("/people/<int:user_id>/blog/")
def personal(user_id: int) -> Any:
    session, viewer = db(), current_user()
    author = get_profile(session, viewer, user_id).person
    posts = reads.personal(session, viewer, author, request.args.get("page", 1, type=int) or 1)
    is_me = viewer is not None and viewer.id == author.id
    return render_template(
        "blog/personal.html",
        author=author,
        posts=posts,
        is_me=is_me,
        following=not is_me and is_following(session, viewer, PERSON_BLOG_KIND, author.id),
        section="people",
        page_title=f"{author.name}’s blog",
    )


@bp.post("/people/<int:user_id>/blog/follow")
def follow_personal(user_id: int) -> Any:
    """Follow a person's blog (or stop following it): what is new in it, as the follower may see it."""
    author = get_profile(db(), current_user(), user_id).person
    return follow_from_form(PERSON_BLOG_KIND, author.id, url_for("blog.personal", user_id=author.id))


#: The choice of "who can read it" that opens a post to everyone signed in (no community has id 0).
EVERYONE_CHOICE = 0


@bp.route("/people/<int:user_id>/blog/new", methods=["GET", "POST"])
def new_personal_post(user_id: int) -> Any:
    """Write a post of one's own blog (nobody writes in another's)."""
    session, user = db(), signed_in()
    if user.id != user_id:
        get_profile(session, user, user_id)  # someone who may not see the person is told nothing more
        raise Forbidden("You write only in your own blog.")
    audiences = reads.audiences(user)
    form = PostForm()
    form.community.choices = [
        *((community.id, community.name) for community in audiences),
        (EVERYONE_CHOICE, "Everyone signed in to POLKA (OFFICIAL only)"),
    ]
    if request.method == "GET":
        return screen(None, form, None, author=user)
    if form.community.data == EVERYONE_CHOICE:
        return submit(None, form, None, personal=True)
    chosen = next((c for c in audiences if c.id == form.community.data), None)
    if chosen is None:
        show_errors(form, ValidationError("Choose who can read it", {"community": "Choose who can read it"}))
        return screen(None, form, None, author=user, status=400)
    return submit(chosen, form, None, personal=True)
