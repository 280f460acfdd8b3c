"""The differential test of content kinds: for every registered kind, random users (every account
state, every role, outsiders, site administrators) and random objects and changes (moved, re-marked,
deleted, restored, membership removed, community made private or closed), every way POLKA decides what a
user sees of an object agrees — the policy's ``can(user, VIEW, x)`` (for a live object), its SQL
filter ``visible_filter``, the kind's resolver, ``resolve_all``, and the search page's re-check of its
hits — and what is shown is the object as it is now (its title and community).

A new kind joins by a line in ``FACTORIES`` (the test fails for a registered kind without one); a new
way of showing objects joins by a line in ``READERS``. The activity stream (which the personal feed
reads) is held to the policy too, for the events that happened where the reader may read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import ColumnElement, and_, false, select, true
from sqlalchemy.orm import Session

from polka.accounts.models import AccountStatus, User
from polka.activity.models import Activity
from polka.activity.stream import Scope, read_stream
from polka.blog.models import BlogComment, BlogPost, BlogTag, CommentStatus
from polka.blog.models import PostStatus as BlogStatus
from polka.communities.models import Community
from polka.content.kinds import Kind, kind_named, kinds, resolve_all
from polka.content.waiting import provider
from polka.db import utcnow
from polka.docs.models import Document, DocumentStatus, Folder
from polka.events.models import Event
from polka.forum.models import ForumCategory, ForumPost, ForumTopic, PostStatus
from polka.live.models import LiveAnswer, LiveQuestion, LiveSession
from polka.live.models import Status as QuestionStatus
from polka.markings import Marking
from polka.people.services import active_people, may_see_directory
from polka.permissions import Action, can, community_ids_offering, is_active, readable_filter, visible_filter
from polka.search.backend import Hit
from polka.site_search.service import recheck
from polka.wiki.models import WikiPage
from tests.permissions.test_differential import (
    PROFILE,
    USERS,
    build,
    community_index,
    mutate,
    mutation,
    world,
)


@dataclass(frozen=True)
class Factory:
    """How the test makes and changes objects of one kind."""

    #: a new object in ``community`` with ``marking``, numbered ``n`` (None: the kind's objects are
    #: the communities themselves)
    make: Callable[[Community, Marking, int], Any] | None
    #: SQL and Python: whether an object is live (not deleted, published), apart from who looks
    live_sql: Callable[[], ColumnElement[bool]]
    live: Callable[[Any], bool]
    title: Callable[[Any], str]
    #: the policy's answer for one object (``can(user, VIEW, x)`` for marked content)
    policy: Callable[[User | None, Any], bool] = lambda user, o: can(user, Action.VIEW, o)
    #: the policy's SQL filter for the kind's rows
    sql: Callable[[User | None, Any], ColumnElement[bool]] = visible_filter
    #: whether objects of the kind carry their own marking and can be deleted and restored
    marked: bool = True
    #: the community an object is shown in (0: none, as for a person)
    community_id: Callable[[Any], int] = lambda o: o.id if isinstance(o, Community) else o.community_id
    #: whether its objects have events in the activity stream
    has_activity: bool = True
    #: what the object changes (re-marked, moved, deleted) through: itself, or for a forum post its topic
    changed: Callable[[Any], Any] = lambda o: o
    #: whether what it changes through may be outside any community (open to everyone signed in)
    may_be_open: bool = False


def _page(community: Community, marking: Marking, n: int) -> WikiPage:
    return WikiPage(community=community, slug=f"page-{n}", title=f"Page {n}", marking=marking, head_number=1)


def _document(community: Community, marking: Marking, n: int) -> Document:
    return Document(
        community=community,
        title=f"Document {n}",
        marking=marking,
        status=DocumentStatus.DRAFT,
        head_number=1,
        size=1,
        family="text",
    )


def _folder(community: Community, marking: Marking, n: int) -> Folder:
    return Folder(community=community, name=f"Folder {n}")


def _topic(community: Community, marking: Marking, n: int) -> ForumTopic:
    category = ForumCategory(community=community, slug=f"category-{n}", title=f"Category {n}")
    return ForumTopic(community=community, category=category, title=f"Topic {n}", marking=marking)


def _post(community: Community, marking: Marking, n: int) -> ForumPost:
    """The opening post of a new topic: it is seen as its topic is (changes go through the topic)."""
    return ForumPost(topic=_topic(community, marking, n), number=1, body=f"Post {n}")


def _event(community: Community, marking: Marking, n: int) -> Event:
    start = datetime(2027, 4, 13, 10, 0)
    return Event(
        community=community,
        title=f"Event {n}",
        marking=marking,
        start_at=start,
        end_at=start + timedelta(hours=2),
        last_start_at=start,
        first_start_utc=datetime(2027, 4, 13, 9, 0, tzinfo=UTC),
        last_end_utc=datetime(2027, 4, 13, 11, 0, tzinfo=UTC),
    )


def _blog_post(community: Community, marking: Marking, n: int) -> BlogPost:
    """A published post, a draft or a scheduled one in turn: the last two are shown by no resolver, list,
    search or activity (the blog's own pages show them to their writers). Every fourth is outside any
    community, open to everyone signed in."""
    status = (BlogStatus.PUBLISHED, BlogStatus.DRAFT, BlogStatus.SCHEDULED)[n % 3]
    published = status is BlogStatus.PUBLISHED
    return BlogPost(
        community=None if n % 4 == 3 else community,
        title=f"Blog post {n}",
        marking=marking,
        status=status,
        published_at=utcnow() if published else None,
        publish_at=None if published else utcnow() + timedelta(days=1),
    )


def _live_blog_post(post: BlogPost) -> bool:
    return post.deleted_at is None and post.status is BlogStatus.PUBLISHED


def _blog_comment(community: Community, marking: Marking, n: int) -> BlogComment:
    """A comment on a new published post: seen as its post is (changes go through the post); every
    third waits for a moderator, and is shown by no resolver; every fourth post is open to everyone."""
    post = BlogPost(
        community=None if n % 4 == 3 else community,
        title=f"Commented post {n}",
        marking=marking,
        status=BlogStatus.PUBLISHED,
        published_at=utcnow(),
    )
    status = CommentStatus.WAITING if n % 3 == 2 else CommentStatus.PUBLISHED
    return BlogComment(post=post, body=f"Comment {n}", status=status)


def _live_session(community: Community, marking: Marking, n: int) -> LiveSession:
    opens = datetime(2027, 4, 13, 9, 0, tzinfo=UTC)
    return LiveSession(
        community=community,
        title=f"Session {n}",
        marking=marking,
        opens_at=opens,
        closes_at=opens + timedelta(hours=1),
    )


#: What becomes of each question in turn: only an approved one is shown by a resolver.
_QUESTION_STATES = (
    QuestionStatus.APPROVED,
    QuestionStatus.WAITING,
    QuestionStatus.REJECTED,
    QuestionStatus.MERGED,
)


def _question(community: Community, marking: Marking, n: int) -> LiveQuestion:
    """A question in a new session, approved, waiting, rejected or merged in turn: seen as its session
    is while approved (changes go through the session)."""
    status = _QUESTION_STATES[n % len(_QUESTION_STATES)]
    return LiveQuestion(
        live_session=_live_session(community, marking, n), body=f"Question {n}", status=status
    )


def _answer(community: Community, marking: Marking, n: int) -> LiveAnswer:
    """An answer to a new question, shown while its question is approved."""
    return LiveAnswer(
        question=_question(community, marking, n), body=f"Answer {n}", html=f"<p>Answer {n}</p>"
    )


def _live_session_sql() -> ColumnElement[bool]:
    return LiveSession.deleted_at.is_(None)


def _question_shown(question: LiveQuestion) -> bool:
    return question.status is QuestionStatus.APPROVED and question.live_session.deleted_at is None


def _live_comment(comment: BlogComment) -> bool:
    return comment.is_shown and _live_blog_post(comment.post)


def _live_post_sql() -> ColumnElement[bool]:
    return and_(
        ForumPost.status == PostStatus.PUBLISHED,
        ForumPost.deleted_at.is_(None),
        ForumPost.topic_id.in_(
            select(ForumTopic.id).where(ForumTopic.deleted_at.is_(None), ForumTopic.waiting.is_(False))
        ),
    )


def _part(word: str) -> Factory:
    """A community's feature as a whole (its blog, calendar or forum, to follow) is seen by whoever may
    read the community, titled "<community> <word>"."""
    return Factory(
        None,
        true,
        lambda community: True,
        lambda community: f"{community.name} {word}",
        policy=lambda user, community: can(user, Action.READ, community),
        sql=lambda user, model: readable_filter(user),
        has_activity=False,
    )


FACTORIES: dict[str, Factory] = {
    "wiki.page": Factory(
        _page,
        lambda: and_(WikiPage.deleted_at.is_(None), WikiPage.head_number > 0),
        lambda page: page.deleted_at is None and page.head_number > 0,
        lambda page: page.title,
    ),
    "docs.document": Factory(
        _document,
        lambda: and_(Document.deleted_at.is_(None), Document.head_number > 0),
        lambda document: document.deleted_at is None and document.head_number > 0,
        lambda document: document.title,
    ),
    "events.event": Factory(
        _event,
        lambda: Event.deleted_at.is_(None),
        lambda event: event.deleted_at is None,
        lambda event: event.title,
    ),
    # A blog post is seen by the policy once published; its drafts are for the blog's own pages only.
    # One open to everyone signed in is shown in community 0 (none).
    "blog.post": Factory(
        _blog_post,
        lambda: and_(BlogPost.deleted_at.is_(None), BlogPost.status == BlogStatus.PUBLISHED),
        _live_blog_post,
        lambda post: post.title,
        community_id=lambda post: post.community_id or 0,
        may_be_open=True,
    ),
    # A comment is seen by whoever may see its post, while both are published and undeleted.
    "blog.comment": Factory(
        _blog_comment,
        lambda: and_(
            BlogComment.status == CommentStatus.PUBLISHED,
            BlogComment.deleted_at.is_(None),
            BlogComment.post_id.in_(
                select(BlogPost.id).where(
                    BlogPost.deleted_at.is_(None), BlogPost.status == BlogStatus.PUBLISHED
                )
            ),
        ),
        _live_comment,
        lambda comment: comment.post.title,
        policy=lambda user, comment: can(user, Action.VIEW, comment.post),
        sql=lambda user, model: BlogComment.post_id.in_(
            select(BlogPost.id).where(visible_filter(user, BlogPost))
        ),
        community_id=lambda comment: comment.post.community_id or 0,
        changed=lambda comment: comment.post,
        may_be_open=True,
    ),
    # A community's blog as a whole (to follow) is its community, seen by whoever may read it.
    "blog.blog": _part("blog"),
    "live.session": Factory(
        _live_session,
        _live_session_sql,
        lambda live: live.deleted_at is None,
        lambda live: live.title,
    ),
    # An approved question is seen by whoever may see its session; waiting, rejected and merged ones
    # by nobody here (the session's own pages show them to their author and the moderators).
    "live.question": Factory(
        _question,
        lambda: and_(
            LiveQuestion.status == QuestionStatus.APPROVED,
            LiveQuestion.session_id.in_(select(LiveSession.id).where(_live_session_sql())),
        ),
        _question_shown,
        lambda question: question.live_session.title,
        policy=lambda user, question: can(user, Action.VIEW, question.live_session),
        sql=lambda user, model: LiveQuestion.session_id.in_(
            select(LiveSession.id).where(visible_filter(user, LiveSession))
        ),
        community_id=lambda question: question.live_session.community_id,
        changed=lambda question: question.live_session,
    ),
    # An answer is seen while its question is.
    "live.answer": Factory(
        _answer,
        lambda: LiveAnswer.question_id.in_(
            select(LiveQuestion.id)
            .join(LiveSession, LiveSession.id == LiveQuestion.session_id)
            .where(LiveQuestion.status == QuestionStatus.APPROVED, _live_session_sql())
        ),
        lambda answer: _question_shown(answer.question),
        lambda answer: answer.question.live_session.title,
        policy=lambda user, answer: can(user, Action.VIEW, answer.question.live_session),
        sql=lambda user, model: LiveAnswer.question_id.in_(
            select(LiveQuestion.id).where(
                LiveQuestion.session_id.in_(select(LiveSession.id).where(visible_filter(user, LiveSession)))
            )
        ),
        community_id=lambda answer: answer.question.live_session.community_id,
        changed=lambda answer: answer.question.live_session,
    ),
    # A blog's tag is seen by whoever may read its blog; it has no marking of its own and no bin.
    "blog.tag": Factory(
        lambda community, marking, n: BlogTag(community=community, name=f"tag {n}"),
        true,
        lambda tag: True,
        lambda tag: f"“{tag.name}” in the {tag.community.name} blog",
        policy=lambda user, tag: can(user, Action.READ, tag.community),
        sql=lambda user, model: model.community_id.in_(select(Community.id).where(readable_filter(user))),
        marked=False,
        has_activity=False,
    ),
    "communities.community": Factory(None, true, lambda community: True, lambda community: community.name),
    # A folder is seen by whoever may read its library; it has no marking of its own and no bin.
    "docs.folder": Factory(
        _folder,
        true,
        lambda folder: True,
        lambda folder: folder.name,
        policy=lambda user, folder: can(user, Action.READ, folder.community),
        sql=lambda user, model: model.community_id.in_(select(Community.id).where(readable_filter(user))),
        marked=False,
    ),
    # A topic whose opening post waits for approval is shown by no resolver (lists show it to its author).
    "forum.topic": Factory(
        _topic,
        lambda: and_(ForumTopic.deleted_at.is_(None), ForumTopic.waiting.is_(False)),
        lambda topic: topic.deleted_at is None and not topic.waiting,
        lambda topic: topic.title,
    ),
    # A post is seen by whoever may see its topic, while it is published and neither is deleted.
    "forum.post": Factory(
        _post,
        _live_post_sql,
        lambda post: post.is_shown and post.topic.deleted_at is None and not post.topic.waiting,
        lambda post: post.topic.title,
        policy=lambda user, post: can(user, Action.VIEW, post.topic),
        sql=lambda user, model: ForumPost.topic_id.in_(
            select(ForumTopic.id).where(visible_filter(user, ForumTopic))
        ),
        community_id=lambda post: post.topic.community_id,
        changed=lambda post: post.topic,
    ),
    # A category is seen by whoever may read its forum; it has no marking of its own and no bin.
    "forum.category": Factory(
        lambda community, marking, n: ForumCategory(
            community=community, slug=f"category-{n}", title=f"Category {n}"
        ),
        true,
        lambda category: True,
        lambda category: category.title,
        policy=lambda user, category: can(user, Action.READ, category.community),
        sql=lambda user, model: model.community_id.in_(select(Community.id).where(readable_filter(user))),
        marked=False,
        has_activity=False,
    ),
    # A community's forum as a whole (to follow) is its community, seen by whoever may read it.
    "events.calendar": _part("calendar"),
    "forum.forum": _part("forum"),
    # A person is seen by whoever may see the directory, while their account is active and verified.
    "people.person": Factory(
        None,
        active_people,
        lambda person: person.status is AccountStatus.ACTIVE and person.email_verified_at is not None,
        lambda person: person.name,
        policy=lambda viewer, person: may_see_directory(viewer),
        sql=lambda viewer, model: true() if may_see_directory(viewer) else false(),
        marked=False,
        community_id=lambda person: 0,
        has_activity=False,
    ),
    # A person's own blog as a whole (to follow) is seen by whoever may see them in the directory.
    "blog.person": Factory(
        None,
        active_people,
        lambda person: person.status is AccountStatus.ACTIVE and person.email_verified_at is not None,
        lambda person: f"{person.name}’s blog",
        policy=lambda viewer, person: may_see_directory(viewer),
        sql=lambda viewer, model: true() if may_see_directory(viewer) else false(),
        marked=False,
        community_id=lambda person: 0,
        has_activity=False,
    ),
}


def _queue(name: str) -> Factory:
    """A community's queue of something waiting (a waiting provider's, ``polka.content.waiting``) is seen
    by those whose role in the community offers the provider's action, titled by the community."""

    def offered_to(user: User | None) -> list[int]:
        found = provider(name)
        assert found is not None, name
        return community_ids_offering(user, found.offered) if user is not None and is_active(user) else []

    return Factory(
        None,
        true,
        lambda community: True,
        lambda community: community.name,
        policy=lambda user, community: community.id in offered_to(user),
        sql=lambda user, model: model.id.in_(offered_to(user)),
        has_activity=False,
    )


FACTORIES.update(
    {
        name: _queue(name)
        for name in (
            "communities.join_requests",
            "moderation.reports",
            "forum.held",
            "blog.held",
            "live.held",
            "wiki.edits",
            "docs.documents",
        )
    }
)


@dataclass(frozen=True)
class Look:
    """One user looking at every object of one kind."""

    session: Session
    user: User | None
    kind: Kind
    factory: Factory
    objects: Sequence[Any]


def _by_policy(look: Look) -> set[int]:
    return {o.id for o in look.objects if look.factory.live(o) and look.factory.policy(look.user, o)}


def _by_sql(look: Look) -> set[int]:
    model = look.kind.model
    query = select(model.id).where(look.factory.sql(look.user, model), look.factory.live_sql())
    return set(look.session.scalars(query))


def _by_resolver(look: Look) -> set[int]:
    return set(look.kind.resolve(look.session, look.user, [o.id for o in look.objects]))


def _by_resolve_all(look: Look) -> set[int]:
    shown = resolve_all(look.session, look.user, [(look.kind.name, o.id) for o in look.objects])
    return {object_id for _, object_id in shown}


def _by_search(look: Look) -> set[int]:
    hits = [Hit(look.kind.name, o.id, 1.0, "") for o in look.objects]
    return {object_id for _, object_id in recheck(look.session, look.user, hits)}


#: Every way an object leaves POLKA for a user, each held to the policy (``_by_policy``).
READERS: dict[str, Callable[[Look], set[int]]] = {
    "SQL filter": _by_sql,
    "resolver": _by_resolver,
    "resolve_all": _by_resolve_all,
    "search re-check": _by_search,
}

object_plan = st.lists(st.tuples(community_index, st.sampled_from(list(Marking))), min_size=1, max_size=5)
object_change = st.one_of(
    st.tuples(st.just("re-mark object"), st.integers(0, 20), st.sampled_from(list(Marking))),
    st.tuples(st.just("move object"), st.integers(0, 20), community_index),
    st.tuples(st.just("open object"), st.integers(0, 20)),
    st.tuples(st.just("delete object"), st.integers(0, 20)),
    st.tuples(st.just("restore object"), st.integers(0, 20)),
)


def test_every_registered_kind_has_a_factory(app: Flask) -> None:
    missing = sorted({kind.name for kind in kinds()} - set(FACTORIES))
    assert not missing, f"add these kinds to FACTORIES in {__name__}: {missing}"


def _objects(session: Session, kind: Kind) -> list[Any]:
    return list(session.scalars(select(kind.model).order_by(kind.model.id)))


def _change(session: Session, kind: Kind, communities: list[Community], step: tuple[Any, ...]) -> None:
    if FACTORIES[kind.name].make is None:
        return  # the communities themselves change through the shared mutations
    what, index, *args = step
    if what != "move object" and not FACTORIES[kind.name].marked:
        return  # nothing to re-mark, delete or restore
    if what == "open object" and not FACTORIES[kind.name].may_be_open:
        return  # always in a community
    objects = _objects(session, kind)
    target = FACTORIES[kind.name].changed(objects[index % len(objects)])
    if what == "re-mark object":
        target.marking = args[0]
    elif what == "move object":
        target.community = communities[args[0] % len(communities)]
    elif what == "open object":
        target.community = None
    elif what == "delete object":
        target.deleted_at = utcnow()
    else:
        target.deleted_at = None
    session.flush()


def _by_activity(look: Look) -> set[int]:
    """The objects whose event the reader's stream of everything they may read shows."""
    page = read_stream(look.session, look.user, scope=Scope.ALL, limit=100)
    return {entry.target.id for entry in page.entries if entry.target.kind == look.kind.name}


def _in_activity(look: Look, expected: set[int]) -> set[int]:
    """What the activity stream must show: the objects the policy shows whose event happened in a
    community the reader may read (an event is a fact of where it happened: an object since moved out of
    a community the reader cannot read does not bring that community's events with it)."""
    happened_in = dict(
        look.session.execute(
            select(Activity.target_id, Activity.community_id).where(Activity.target_kind == look.kind.name)
        ).all()
    )
    return {
        object_id
        for object_id in expected
        if happened_in[object_id] is None  # outside any community: for everyone signed in, as expected is
        or can(look.user, Action.READ, look.session.get(Community, happened_in[object_id]))
    }


def _record_events(session: Session, kind: Kind) -> None:
    """One event for each object, in the community it was made in (for a community, itself)."""
    if not FACTORIES[kind.name].has_activity:
        return
    for target in _objects(session, kind):
        changed = FACTORIES[kind.name].changed(target)
        community = changed if isinstance(changed, Community) else changed.community
        session.add(Activity(verb="created", community=community, target_kind=kind.name, target_id=target.id))
    session.flush()


def _assert_readers_agree(app: Flask, session: Session, kind: Kind, users: list[User], where: str) -> None:
    factory = FACTORIES[kind.name]
    objects = _objects(session, kind)
    with app.test_request_context("/"):
        for user in [*users, None]:
            look = Look(session, user, kind, factory, objects)
            who = f"{where}: {kind.name}, user {user.id if user else 'anonymous'}"
            expected = _by_policy(look)
            for name, reader in READERS.items():
                assert reader(look) == expected, f"{who}, {name}"
            if factory.has_activity:
                assert _by_activity(look) == _in_activity(look, expected), f"{who}, activity stream"
            shown = kind.resolve(session, user, [o.id for o in objects])
            for target in objects:
                if target.id in shown:  # shown as it is now: its current title and community
                    item = shown[target.id]
                    assert (item.title, item.community_id) == (
                        factory.title(target),
                        factory.community_id(target),
                    ), who


@PROFILE
@given(
    plan=world,
    objects=object_plan,
    admin=st.booleans(),
    steps=st.lists(st.one_of(object_change, mutation), max_size=6),
)
@pytest.mark.parametrize("kind_name", sorted(FACTORIES))
def test_every_reader_agrees_with_the_policy_after_random_changes(
    app, make, session, kind_name, plan, objects, admin, steps
):
    users = getattr(session, "_differential_users", None)
    if users is None:
        users = [make.user(f"Person {n}") for n in range(USERS)]
        session._differential_users = users
    session.rollback()
    try:
        kind = kind_named(kind_name)
        assert kind is not None
        users = [session.get(User, u.id) for u in users]
        communities = build(session, users, plan)
        users[0].status = AccountStatus.ACTIVE  # someone is always signed in and able to read
        users[0].email_verified_at = users[0].created_at
        users[1].is_admin = admin  # sometimes a site administrator
        factory = FACTORIES[kind_name]
        if factory.make is not None:
            for n, (c, marking) in enumerate(objects):
                session.add(factory.make(communities[c % len(communities)], marking, n))
            session.flush()
        _record_events(session, kind)
        _assert_readers_agree(app, session, kind, users, "as built")
        for n, step in enumerate(steps):
            if step[0].endswith(" object"):
                _change(session, kind, communities, step)
            else:  # memberships, roles, visibility, community status, suspended accounts
                mutate(session, users, communities, step)
            session.expire_all()
            _assert_readers_agree(app, session, kind, users, f"after {step} (step {n})")
    finally:
        session.rollback()
