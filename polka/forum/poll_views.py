"""Pages for a topic's poll (adding it, voting, closing it) and its recorded decision. A vote or a
decision refused is shown on the topic page, with what was chosen or typed kept."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import signed_in
from polka.communities.web import community_for
from polka.db import transaction
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forms import show_errors
from polka.forum import access, polls
from polka.forum.blueprint import bp
from polka.forum.forms import DecisionForm, PollForm, ReplyForm
from polka.forum.models import ForumPoll, ForumTopic, PollResults
from polka.forum.views import topic_form_post, topic_screen
from polka.http import db
from polka.ids import parse_id
from polka.permissions import Action, require


def _topic(slug: str, topic_id: int) -> ForumTopic:
    community_for(slug)
    return access.get_topic(db(), signed_in(), topic_id)


def _poll_of(topic: ForumTopic) -> ForumPoll:
    poll = polls.poll_of(db(), topic)
    if poll is None:
        raise NotFound()
    return poll


def _at_poll(topic: ForumTopic) -> Any:
    return redirect(url_for("forum.topic", slug=topic.community.slug, topic=topic.id, _anchor="poll"))


def _poll_screen(topic: ForumTopic, form: PollForm, status: int = 200) -> Any:
    return render_template(
        "forum/new_poll.html",
        community=topic.community,
        topic=topic,
        form=form,
        section="communities",
        page_title=f"Add a poll – {topic.title}",
    ), status


@bp.route("/t/<int:topic>/poll", methods=["GET", "POST"])
def new_poll(slug: str, topic: int) -> Any:
    found = _topic(slug, topic)
    session, user = db(), signed_in()
    if not polls.may_add_poll(user, found):
        raise Forbidden("Only the person who started the topic or a moderator can add a poll to it.")
    if polls.poll_of(session, found) is not None:
        flash("This topic already has a poll.", "info")
        return _at_poll(found)
    form = PollForm()
    if request.method == "GET":
        return _poll_screen(found, form)
    if not form.validate():
        return _poll_screen(found, form, 400)
    try:
        fields = polls.PollFields(
            question=form.question.data or "",
            options=form.options.data or "",
            multiple=bool(form.multiple.data),
            named=form.named.data == "named",
            results=PollResults(form.results.data),
            closes_at=polls.parse_closing(form.closes_at.data),
        )
        with transaction(session):
            polls.create_poll(session, user, found, fields)
    except ValidationError as error:
        show_errors(form, error)
        return _poll_screen(found, form, 400)
    except Conflict as error:
        session.rollback()
        form.form_errors.append(str(error))
        return _poll_screen(found, form, 409)
    flash("The poll has been added to the topic.", "success")
    return _at_poll(found)


@bp.post("/t/<int:topic>/poll/vote")
def vote(slug: str, topic: int) -> Any:
    found = _topic(slug, topic)
    session, user = db(), signed_in()
    poll = _poll_of(found)
    # something that is no option's id is refused as "not one of this poll's options"
    chosen = [parse_id(value) or 0 for value in request.form.getlist("option")]
    try:
        with transaction(session):
            polls.vote(session, user, found, poll, chosen)
    except (ValidationError, Conflict, Forbidden) as error:
        session.rollback()
        status = 400 if isinstance(error, ValidationError) else 409 if isinstance(error, Conflict) else 403
        return topic_screen(
            access.get_topic(session, user, found.id),
            ReplyForm(),
            status=status,
            poll_error=str(error),
            chosen=frozenset(chosen),
        )
    flash("Your vote has been counted.", "success")
    return _at_poll(found)


@bp.post("/t/<int:topic>/poll/close")
def close_poll(slug: str, topic: int) -> Any:
    found = _topic(slug, topic)
    session, user = db(), signed_in()
    poll = _poll_of(found)
    with transaction(session):
        polls.close_poll(session, user, found, poll)
    flash("The poll is closed: everyone who can read the topic sees the results.", "success")
    return _at_poll(found)


@bp.post("/t/<int:topic>/decision")
def decision(slug: str, topic: int) -> Any:
    found = _topic(slug, topic)
    session, user = db(), signed_in()
    require(user, Action.MODERATE, found.community)
    form = DecisionForm()
    return topic_form_post(
        found,
        form,
        lambda: polls.record_decision(session, user, found, form.decision.data or ""),
        lambda: (
            "The decision is shown at the top of the topic."
            if found.decision
            else "The decision has been taken away."
        ),
        "decision_form",
    )
