"""The forum's reading and writing pages: the categories, a category's topics, the community's latest
topics, a topic with its replies, starting a topic and replying (with a preview before posting).

Managing categories is in ``manage_views.py``, on the same blueprint (``blueprint.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import current_user, signed_in
from polka.communities.web import community_for
from polka.db import transaction, transaction_after_reads
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forms import show_errors
from polka.forum import access, moving, polls, progress, quotes, reads, rendering, services
from polka.forum.blueprint import bp
from polka.forum.forms import MARKING_HINTS, DecisionForm, ReplyForm, TagsForm, TopicForm
from polka.forum.kinds import CATEGORY_KIND, FORUM_KIND, POSTS_PER_PAGE, TOPIC_KIND, post_url
from polka.forum.models import ForumCategory, ForumTopic, PostStatus
from polka.forum.posts import EDIT_GRACE
from polka.forum.reads import TopicFilter, TopicQuery, TopicSort
from polka.http import db
from polka.ids import parse_id
from polka.markings import parse_marking
from polka.permissions import Action, can
from polka.subscriptions.services import is_following
from polka.subscriptions.web import follow_from_form
from polka.tags import TAG_MAX


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _choice(enum: Any, name: str) -> Any:
    value = request.args.get(name, "")
    return enum(value) if value in {member.value for member in enum} else next(iter(enum))


def _tag() -> str:
    """The tag a list is narrowed to (``?tag=``), as tags are kept: trimmed, lower-case."""
    return " ".join(request.args.get("tag", "").split()).lower()[:TAG_MAX]


@bp.get("/")
def index(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), current_user()
    return render_template(
        "forum/index.html",
        community=community,
        categories=reads.categories(session, user, community),
        following=is_following(session, user, FORUM_KIND, community.id),
        may_manage=access.may_manage(user, community),
        section="communities",
        page_title=f"Forum – {community.name}",
    )


@bp.get("/latest")
def latest(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), current_user()
    sort, shown, tag = _choice(TopicSort, "sort"), _choice(TopicFilter, "show"), _tag()
    topics = reads.latest(session, user, community, TopicQuery(sort, shown, _page_number(), tag))
    return render_template(
        "forum/latest.html",
        community=community,
        topics=topics,
        listed=progress.listed(session, user, topics.items) if user is not None else {},
        sort=sort,
        shown=shown,
        tag=tag,
        section="communities",
        page_title=f"Latest topics – {community.name}",
    )


@bp.get("/<category>/")
def category(slug: str, category: str) -> Any:
    community = community_for(slug)
    session, user = db(), current_user()
    found = access.get_category(session, user, community, category)
    sort, shown, tag = _choice(TopicSort, "sort"), _choice(TopicFilter, "show"), _tag()
    topics = reads.topics(session, user, found, TopicQuery(sort, shown, _page_number(), tag))
    return render_template(
        "forum/category.html",
        community=community,
        category=found,
        topics=topics,
        listed=progress.listed(session, user, topics.items) if user is not None else {},
        following=is_following(session, user, CATEGORY_KIND, found.id),
        sort=sort,
        shown=shown,
        tag=tag,
        may_start=access.offers_start_topic(user, found),
        section="communities",
        page_title=f"{found.title} – {community.name} forum",
    )


def _newtopic_screen(
    category: ForumCategory, form: TopicForm, *, preview: Any = None, status: int = 200
) -> Any:
    return render_template(
        "forum/new_topic.html",
        community=category.community,
        category=category,
        form=form,
        marking_hints=MARKING_HINTS,
        preview=preview,
        section="communities",
        page_title=f"New topic – {category.title}",
    ), status


@bp.route("/<category>/new", methods=["GET", "POST"])
def new_topic(slug: str, category: str) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    found = access.get_category(session, user, community, category)
    access.require_start_topic(user, found)
    if request.method == "GET":
        return _newtopic_screen(found, TopicForm())
    form = TopicForm()
    if not form.validate():
        return _newtopic_screen(found, form, status=400)
    try:
        marking = parse_marking(form.marking.data)
        if request.form.get("action") == "preview":
            services.check_topic_title(form.title.data or "")
            text = services.check_post(session, user, community, marking, form.body.data or "", "the topic")
            return _newtopic_screen(found, form, preview=rendering.preview(session, user, community.id, text))
        with transaction(session):
            topic = services.start_topic(
                session,
                user,
                found,
                title=form.title.data or "",
                body=form.body.data or "",
                marking=marking,
                is_question=bool(form.is_question.data),
                tags=form.tags.data or "",
            )
    except ValidationError as error:
        show_errors(form, error)
        return _newtopic_screen(found, form, status=400)
    opening = topic.waiting
    flash(
        f"Your topic “{topic.title}” waits for a moderator's approval; only you and the moderators see it until then."
        if opening
        else f"Your topic “{topic.title}” has been posted.",
        "success",
    )
    if form.with_poll.data and polls.may_add_poll(user, topic):
        return redirect(url_for("forum.new_poll", slug=community.slug, topic=topic.id))
    return redirect(url_for("forum.topic", slug=community.slug, topic=topic.id))


def topic_screen(
    topic: ForumTopic,
    form: ReplyForm,
    *,
    preview: Any = None,
    status: int = 200,
    lock_error: ValidationError | None = None,
    lock_reason: str = "",
    error: ValidationError | None = None,
    poll_error: str | None = None,
    chosen: frozenset[int] = frozenset(),
    decision_form: DecisionForm | None = None,
    tags_form: TagsForm | None = None,
    mark_new: bool = False,
) -> Any:
    """A topic's page (the page of posts asked for) with the reply form, and any refusal to show (a
    vote refused comes back with what was ``chosen``, a decision refused in its ``decision_form``);
    with ``mark_new``, the posts after those the reader had been shown are marked new since their last
    visit."""
    session, user = db(), current_user()
    shown = reads.posts(session, user, topic, _page_number())
    accepted = reads.accepted_answer(session, user, topic)
    refusal = access.reply_refusal(user, topic) if user is not None else None
    may_contribute = can(user, Action.CONTRIBUTE, topic.community)
    state = progress.reader_state(session, user, topic) if user is not None else None
    silenced = state.silenced if state is not None else None
    return render_template(
        "forum/topic.html",
        community=topic.community,
        topic=topic,
        posts=shown,
        # the accepted answer's links are resolved with the page's, in the same look-up
        html=rendering.shown_html(
            session, user, topic.community_id, [*shown.posts, *([accepted] if accepted else [])]
        ),
        form=form,
        preview=preview,
        reply_refusal=refusal,
        may_quote=user is not None and refusal is None and silenced is None,
        may_edit=lambda post: access.may_edit_post(user, post, grace=EDIT_GRACE),
        may_report=lambda post: access.may_report(user, post),
        may_moderate=access.offers_moderation(user, topic.community),
        lock_error=lock_error,
        lock_reason=lock_reason,
        error=error,
        silenced=silenced,
        slow_mode_choices=services.SLOW_MODE_MINUTES,
        accepted=accepted,
        accepted_url=post_url(topic.community.slug, topic.id, accepted.number) if accepted else None,
        helpful=reads.helpful_marks(session, user, shown.posts),
        may_accept=user is not None
        and topic.is_question
        and (topic.created_by_id == user.id or access.may_moderate(user, topic.community)),
        may_delete=lambda post: user is not None and post.author_id == user.id and not post.is_deleted,
        poll=polls.poll_view(session, user, topic),
        poll_error=poll_error,
        chosen=chosen,
        may_vote=may_contribute,
        not_voting=polls.not_voting(user, topic) if not may_contribute else "",
        may_add_poll=polls.may_add_poll(user, topic),
        may_close_poll=lambda poll: polls.may_close(user, poll, topic),
        decision_form=decision_form or DecisionForm(data={"decision": topic.decision}),
        tags_form=tags_form or TagsForm(data={"tags": ", ".join(topic.tag_list)}),
        may_tag=can(user, Action.EDIT, topic),
        following=state is not None and state.following,
        # this visit makes a first-time reader one of its readers (recorded once the page is read)
        readers=state.readers + (state.last_read is None) if state is not None else 0,
        since=state.last_read if state is not None and mark_new else None,
        section="communities",
        page_title=f"{topic.title} – {topic.community.name} forum",
    ), status


@bp.get("/t/<int:topic>")
def topic(slug: str, topic: int) -> Any:
    community = community_for(slug)
    try:
        found = access.get_topic(db(), current_user(), topic)
    except NotFound:  # a topic merged into another leads there, for whoever may see that one
        merged = moving.merged_target(db(), current_user(), topic)
        if merged is None:
            raise
        return redirect(url_for("forum.topic", slug=merged.community.slug, topic=merged.id), 301)
    if found.community_id != community.id:  # moved since the address was written
        return redirect(url_for("forum.topic", slug=found.community.slug, topic=found.id), 301)
    session, user = db(), current_user()
    page = topic_screen(found, ReplyForm(data={"body": _quoting(found)}), mark_new=True)
    if user is not None:  # how far they have read now: the last post of the page they were shown
        shown_up_to = min(max(1, _page_number()) * POSTS_PER_PAGE, found.next_number - 1)
        with transaction_after_reads(session):
            progress.visit(session, user, found, shown_up_to)
    return page


def _quoting(topic: ForumTopic) -> str:
    """A reply's text to start from when the reader chose to quote a post (``?quote=<number>``): the
    post's own words in a quote (the reader trims it to the part they answer)."""
    number = parse_id(request.args.get("quote"))
    if number is None:
        return ""
    try:
        post = access.get_post(db(), current_user(), topic, number)
    except NotFound:
        return ""
    return quotes.quote_of(post.id, quotes.own_words(post.body)) if post.is_shown else ""


@bp.post("/t/<int:topic>/reply")
def reply(slug: str, topic: int) -> Any:
    community_for(slug)
    session, user = db(), signed_in()
    # The topic as it is now, wherever it has moved: the reply is checked against that.
    found = access.get_topic(session, user, topic)
    form = ReplyForm()
    if not form.validate():
        return topic_screen(found, form, status=400)
    try:
        if request.form.get("action") == "preview":
            text = services.check_post(session, user, found.community, found.marking, form.body.data or "")
            return topic_screen(
                found, form, preview=rendering.preview(session, user, found.community_id, text)
            )
        with transaction(session):
            post = services.reply(session, user, found, form.body.data or "")
    except ValidationError as error:
        show_errors(form, error)
        return topic_screen(found, form, status=400)
    except (Conflict, Forbidden) as error:  # locked, moved, slow mode, silenced: the text stays theirs
        session.rollback()
        form.form_errors.append(str(error))
        status = 409 if isinstance(error, Conflict) else 403
        return topic_screen(access.get_topic(session, user, found.id), form, status=status)
    flash(
        "Your reply waits for a moderator's approval; only you and the moderators see it until then."
        if post.status is PostStatus.WAITING
        else "Your reply has been posted.",
        "success",
    )
    return redirect(post_url(found.community.slug, found.id, post.number))


def _moderated_topic(slug: str, topic_id: int) -> ForumTopic:
    community_for(slug, Action.MODERATE)
    return access.get_topic(db(), signed_in(), topic_id)


@bp.post("/t/<int:topic>/lock")
def lock(slug: str, topic: int) -> Any:
    found = _moderated_topic(slug, topic)
    session, user = db(), signed_in()
    locked = request.form.get("locked") != "no"
    reason = request.form.get("reason", "")
    try:
        with transaction(session):
            services.lock_topic(session, user, found, locked=locked, reason=reason)
    except ValidationError as error:
        return topic_screen(found, ReplyForm(), status=400, lock_error=error, lock_reason=reason)
    flash("The topic is locked." if locked else "The topic is open for replies again.", "success")
    return redirect(url_for("forum.topic", slug=found.community.slug, topic=found.id))


@bp.post("/t/<int:topic>/pin")
def pin(slug: str, topic: int) -> Any:
    found = _moderated_topic(slug, topic)
    session = db()
    pinned = request.form.get("pinned") != "no"
    with transaction(session):
        services.pin_topic(session, signed_in(), found, pinned=pinned)
    flash(
        "The topic is pinned to the top of its category." if pinned else "The topic is no longer pinned.",
        "success",
    )
    return redirect(url_for("forum.topic", slug=found.community.slug, topic=found.id))


@bp.post("/t/<int:topic>/slow")
def slow_mode(slug: str, topic: int) -> Any:
    found = _moderated_topic(slug, topic)
    session = db()
    minutes = request.form.get("minutes", type=int)
    try:
        with transaction(session):
            services.set_slow_mode(session, signed_in(), found, minutes if minutes is not None else -1)
    except ValidationError as error:
        return topic_screen(found, ReplyForm(), status=400, error=error)
    flash(
        f"Slow mode: one post per member every {minutes} minutes." if minutes else "Slow mode is off.",
        "success",
    )
    return redirect(url_for("forum.topic", slug=found.community.slug, topic=found.id))


@bp.post("/t/<int:topic>/marking")
def raise_marking(slug: str, topic: int) -> Any:
    found = _moderated_topic(slug, topic)
    session = db()
    try:
        with transaction(session):
            services.raise_marking(
                session, signed_in(), found, parse_marking(request.form.get("marking", ""))
            )
    except ValidationError as error:
        return topic_screen(found, ReplyForm(), status=400, error=error)
    flash(f"The topic and every post in it are now {found.marking.value}.", "success")
    return redirect(url_for("forum.topic", slug=found.community.slug, topic=found.id))


@bp.post("/follow")
def follow_forum(slug: str) -> Any:
    community = community_for(slug)
    return follow_from_form(FORUM_KIND, community.id, url_for("forum.index", slug=community.slug))


@bp.post("/<category>/follow")
def follow_category(slug: str, category: str) -> Any:
    community = community_for(slug)
    found = access.get_category(db(), signed_in(), community, category)
    return follow_from_form(
        CATEGORY_KIND, found.id, url_for("forum.category", slug=community.slug, category=found.slug)
    )


@bp.post("/t/<int:topic>/follow")
def follow_topic(slug: str, topic: int) -> Any:
    community_for(slug)
    found = access.get_topic(db(), signed_in(), topic)
    return follow_from_form(
        TOPIC_KIND, found.id, url_for("forum.topic", slug=found.community.slug, topic=found.id)
    )


def topic_form_post(
    topic: ForumTopic, form: Any, act: Callable[[], object], done: Callable[[], str], shown_as: str
) -> Any:
    """A small form of the topic page (its tags, its decision): checked and done in one transaction, or
    the topic page again with the form's errors and what was typed (passed to ``topic_screen`` as
    ``shown_as``)."""
    session = db()
    if form.validate():
        try:
            with transaction(session):
                act()
        except ValidationError as error:
            show_errors(form, error)
        else:
            flash(done(), "success")
            return redirect(url_for("forum.topic", slug=topic.community.slug, topic=topic.id))
    return topic_screen(topic, ReplyForm(), status=400, **{shown_as: form})


@bp.post("/t/<int:topic>/tags")
def tags(slug: str, topic: int) -> Any:
    community_for(slug)
    session, user = db(), signed_in()
    found = access.get_topic(session, user, topic)
    form = TagsForm()
    return topic_form_post(
        found,
        form,
        lambda: services.set_tags(session, user, found, form.tags.data or ""),
        lambda: "The topic's tags are saved.",
        "tags_form",
    )
