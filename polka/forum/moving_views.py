"""Moderators' pages for moving a topic, merging it into another, and splitting replies off it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import signed_in
from polka.communities.web import community_for
from polka.db import transaction
from polka.errors import NotFound, ValidationError
from polka.forms import show_errors
from polka.forum import access, moving, reads, rendering
from polka.forum.blueprint import bp
from polka.forum.forms import MergeForm, MoveForm, SplitForm
from polka.forum.models import ForumCategory, ForumTopic
from polka.http import db
from polka.ids import parse_id
from polka.permissions import Action


def _moderated(slug: str, topic_id: int) -> ForumTopic:
    community_for(slug, Action.MODERATE)
    return access.get_topic(db(), signed_in(), topic_id)


def _category(form_value: str | None, choices: list[ForumCategory]) -> ForumCategory:
    chosen = parse_id(form_value)
    for category in choices:
        if category.id == chosen:
            return category
    raise ValidationError("Choose a category from the list", {"category": "Choose a category from the list"})


def _at_topic(topic: ForumTopic) -> Any:
    return redirect(url_for("forum.topic", slug=topic.community.slug, topic=topic.id))


def _screen(template: str, topic: ForumTopic, form: Any, *, status: int = 200, **context: Any) -> Any:
    return render_template(
        f"forum/{template}.html",
        community=topic.community,
        topic=topic,
        form=form,
        section="communities",
        **context,
    ), status


@bp.route("/t/<int:topic>/move", methods=["GET", "POST"])
def move(slug: str, topic: int) -> Any:
    found = _moderated(slug, topic)
    session, user = db(), signed_in()
    choices = moving.targets(session, user)
    form = MoveForm(data={"category": str(found.category_id)} if request.method == "GET" else None)
    shown: dict[str, Any] = {"choices": choices, "page_title": f"Move a topic – {found.title}"}
    if request.method == "GET":
        return _screen("move", found, form, **shown)
    try:
        with transaction(session):
            moving.move_topic(session, user, found, _category(form.category.data, choices))
    except ValidationError as error:
        show_errors(form, error)
        return _screen("move", found, form, status=400, **shown)
    flash(f"The topic has been moved to {found.category.title} in {found.community.name}.", "success")
    return _at_topic(found)


@bp.route("/t/<int:topic>/merge", methods=["GET", "POST"])
def merge(slug: str, topic: int) -> Any:
    found = _moderated(slug, topic)
    session, user = db(), signed_in()
    form = MergeForm()
    shown: dict[str, Any] = {"page_title": f"Merge a topic – {found.title}"}
    if request.method == "GET":
        return _screen("merge", found, form, **shown)
    try:
        target_id = _topic_named(form.target.data or "")
        try:
            target = access.get_topic(session, user, target_id)
        except NotFound:
            raise ValidationError(
                "No topic you can see has that number", {"target": "No topic you can see has that number"}
            ) from None
        with transaction(session):
            moving.merge_topics(session, user, found, target)
    except ValidationError as error:
        session.rollback()
        show_errors(form, error)
        return _screen("merge", found, form, status=400, **shown)
    flash(f"The topic has been merged into “{target.title}”: its posts follow that topic's.", "success")
    return _at_topic(target)


def _topic_named(written: str) -> int:
    """A topic's number, typed as it is or as the topic's address (``…/forum/t/42``)."""
    number = parse_id(written.strip().rstrip("/").rsplit("/", 1)[-1].split("#")[0].split("?")[0])
    if number is None:
        message = "Enter the number of the topic to merge into, or its address"
        raise ValidationError(message, {"target": message})
    return number


@bp.route("/t/<int:topic>/split", methods=["GET", "POST"])
def split(slug: str, topic: int) -> Any:
    found = _moderated(slug, topic)
    session, user = db(), signed_in()
    choices = [
        category for category in moving.targets(session, user) if category.community_id == found.community_id
    ]
    page = reads.posts(session, user, found, request.args.get("page", 1, type=int) or 1)
    form = SplitForm(data={"category": str(found.category_id)} if request.method == "GET" else None)
    shown: dict[str, Any] = {
        "choices": choices,
        "posts": page,
        "excerpts": {post.id: rendering.own_words(post) for post in page.posts},
        "page_title": f"Split a topic – {found.title}",
    }
    if request.method == "GET":
        return _screen("split", found, form, **shown, chosen=set())
    chosen = [number for number in (parse_id(value) for value in request.form.getlist("posts")) if number]
    try:
        with transaction(session):
            new = moving.split_topic(
                session, user, found, chosen, form.title.data or "", _category(form.category.data, choices)
            )
    except ValidationError as error:
        show_errors(form, error)
        return _screen("split", found, form, status=400, **shown, chosen=set(chosen))
    flash(
        f"{len(chosen)} {'reply has' if len(chosen) == 1 else 'replies have'} been moved to a new topic.",
        "success",
    )
    return _at_topic(new)
