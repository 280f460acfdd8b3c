"""Pages acting on one post: editing it (with its history), deleting one's own, accepting a question's
answer and marking a post helpful. Each answers at the post's topic and number. And the people a
writer may mention, as they type."""

from __future__ import annotations

import difflib
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for

from polka import mentions
from polka.accounts.web import current_user, signed_in
from polka.answers import json_error, json_only
from polka.communities.web import community_for
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.forum import access, posts, rendering, services
from polka.forum.blueprint import bp
from polka.forum.forms import ReplyForm
from polka.forum.kinds import post_url
from polka.forum.models import ForumPost, ForumTopic
from polka.forum.views import topic_screen
from polka.http import db
from polka.ids import parse_id
from polka.markings import Marking, parse_marking
from polka.permissions import Action, require


def _post_for(slug: str, topic_id: int, number: int) -> tuple[ForumTopic, ForumPost]:
    community_for(slug)
    session, user = db(), current_user()
    topic = access.get_topic(session, user, topic_id)
    return topic, access.get_post(session, user, topic, number)


def _edit_screen(
    topic: ForumTopic, post: ForumPost, form: ReplyForm, *, preview: Any = None, status: int = 200
) -> Any:
    return render_template(
        "forum/edit_post.html",
        community=topic.community,
        topic=topic,
        post=post,
        form=form,
        preview=preview,
        section="communities",
        page_title=f"Edit a post – {topic.title}",
    ), status


@bp.route("/t/<int:topic>/posts/<int:number>/edit", methods=["GET", "POST"])
def edit_post(slug: str, topic: int, number: int) -> Any:
    found, post = _post_for(slug, topic, number)
    session, user = db(), signed_in()
    posts.require_edit(user, post)
    if request.method == "GET":
        return _edit_screen(found, post, ReplyForm(data={"body": post.body}))
    form = ReplyForm()
    if not form.validate():
        return _edit_screen(found, post, form, status=400)
    try:
        if request.form.get("action") == "preview":
            text = services.check_post(session, user, found.community, found.marking, form.body.data or "")
            return _edit_screen(
                found, post, form, preview=rendering.preview(session, user, found.community_id, text)
            )
        with transaction(session):
            changed = posts.edit_post(session, user, post, form.body.data or "")
    except ValidationError as error:
        show_errors(form, error)
        return _edit_screen(found, post, form, status=400)
    flash("Your changes have been saved." if changed else "Nothing was changed.", "success")
    return redirect(post_url(found.community.slug, found.id, post.number))


@bp.get("/t/<int:topic>/posts/<int:number>/history")
def post_history(slug: str, topic: int, number: int) -> Any:
    found, post = _post_for(slug, topic, number)
    if post.is_deleted:
        flash("This post was deleted by its author: its history went with it.", "success")
        return redirect(post_url(found.community.slug, found.id, post.number))
    edits = posts.history(db(), post)
    # Each edit as the change it made: from the text it replaced to the text that followed it.
    after = [post.body, *(edit.body_before for edit in edits)]
    changes = [
        (edit, list(difflib.ndiff(edit.body_before.splitlines(), newer.splitlines())))
        for edit, newer in zip(edits, after, strict=False)
    ]
    return render_template(
        "forum/post_history.html",
        community=found.community,
        topic=found,
        post=post,
        changes=[(edit, [line for line in lines if not line.startswith("?")]) for edit, lines in changes],
        section="communities",
        page_title=f"Edits of a post – {found.title}",
    )


@bp.post("/t/<int:topic>/posts/<int:number>/delete")
def delete_post(slug: str, topic: int, number: int) -> Any:
    found, post = _post_for(slug, topic, number)
    session = db()
    with transaction(session):
        posts.delete_own_post(session, signed_in(), post)
    flash("Your post has been deleted.", "success")
    return redirect(post_url(found.community.slug, found.id, post.number))


@bp.post("/t/<int:topic>/accept")
def accept(slug: str, topic: int) -> Any:
    community_for(slug)
    session, user = db(), signed_in()
    found = access.get_topic(session, user, topic)
    number = request.form.get("post", type=int)
    post = access.get_post(session, user, found, number) if number else None
    try:
        with transaction(session):
            posts.accept_answer(session, user, found, post)
    except ValidationError as error:
        return topic_screen(found, ReplyForm(), status=400, error=error)
    flash(
        "The answer is accepted: it shows under the question." if post else "No answer is accepted now.",
        "success",
    )
    return redirect(url_for("forum.topic", slug=found.community.slug, topic=found.id))


@bp.post("/t/<int:topic>/posts/<int:number>/helpful")
def helpful(slug: str, topic: int, number: int) -> Any:
    found, post = _post_for(slug, topic, number)
    session = db()
    with transaction(session):
        posts.mark_helpful(session, signed_in(), post, helpful=request.form.get("helpful") != "no")
    return redirect(post_url(found.community.slug, found.id, post.number))


@bp.get("/people")
@json_only
def mentionable(slug: str) -> Any:
    """People to mention, for what was typed after an ``@``: only those who may read the topic
    (``?topic=<id>``), or a new topic of the marking chosen (``?marking=``) in this community."""
    community = community_for(slug)
    session, user = db(), signed_in()
    topic_id = parse_id(request.args.get("topic"))
    if topic_id is not None:
        topic = access.get_topic(session, user, topic_id)
        where, marking = topic.community, topic.marking
    else:
        require(user, Action.READ, community)
        where = community
        try:
            marking = parse_marking(request.args.get("marking") or Marking.OFFICIAL.value)
        except ValidationError as error:
            return json_error(400, str(error))
    people = mentions.suggestions(session, where, marking, request.args.get("q", ""))
    return jsonify(
        people=[{"handle": p.handle, "name": p.name, "organisation": p.organisation} for p in people]
    )
