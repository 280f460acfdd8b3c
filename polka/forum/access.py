"""Reaching the forum's categories, topics and posts through the permission policy, and what each role
may do in them. Every "may this user…" question about the forum is answered here, for views, templates
and services alike.

- The forum is read by whoever may read its community's content; a topic is seen by whoever the policy
  lets see it (its community and marking), while it is not deleted.
- A post is seen by every reader of its topic once published; a post waiting for a moderator or hidden
  by one is seen by its author and the community's moderators only. A post deleted by its author stays
  in the thread as a stub without its text.
- Members start topics in open categories; in an announcement category only moderators start them
  and members reply; in a read-only or archived category only moderators post. Nobody but a moderator
  replies in a locked topic.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, or_, select, true
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import Forbidden, NotFound
from polka.forum.models import CategoryMode, ForumCategory, ForumPost, ForumTopic, PostStatus
from polka.markings import Marking
from polka.permissions import Action, can, is_member, offers, require


def may_read(user: User | None, community: Community) -> bool:
    return can(user, Action.READ, community)


def may_moderate(user: User | None, community: Community) -> bool:
    return can(user, Action.MODERATE, community)


def may_manage(user: User | None, community: Community) -> bool:
    return can(user, Action.MANAGE, community)


def may_start_topic(user: User | None, category: ForumCategory) -> bool:
    """Whether ``user`` may start a topic in ``category``."""
    if category.is_archived:
        return False
    if category.mode is CategoryMode.OPEN:
        return can(user, Action.CONTRIBUTE, category.community)
    return may_moderate(user, category.community)


def offers_start_topic(user: User | None, category: ForumCategory) -> bool:
    """Whether pages offer ``user`` "New topic" (a moderator lacking only two-factor set-up is offered it)."""
    if category.is_archived:
        return False
    if category.mode is CategoryMode.OPEN:
        return can(user, Action.CONTRIBUTE, category.community)
    return offers(user, Action.MODERATE, category.community)


def require_start_topic(user: User | None, category: ForumCategory) -> None:
    """Raise unless ``user`` may start a topic in ``category``, saying why (the policy's refusals are
    audited)."""
    if may_start_topic(user, category):
        return
    community = category.community
    require(user, Action.READ, community)
    if category.is_archived:
        raise Forbidden("This category is archived: nobody starts topics in it.")
    if category.mode is CategoryMode.OPEN:
        require(user, Action.CONTRIBUTE, community)
    try:
        require(user, Action.MODERATE, community)
    except Forbidden as refused:  # worded for this page; the policy's denial is still audited
        clearer = Forbidden("Only moderators start topics in this category.")
        clearer.denial = refused.denial
        raise clearer from refused


def reply_refusal(user: User | None, topic: ForumTopic) -> str | None:
    """Why ``user`` may not reply to ``topic`` (None: they may)."""
    community = topic.community
    if not can(user, Action.VIEW, topic) or not can(user, Action.CONTRIBUTE, community):
        return "Only members of this community can reply."
    if may_moderate(user, community):
        return None
    if topic.waiting:
        return "This topic waits for a moderator's approval: replies open once it is published."
    category = topic.category
    if category.is_archived:
        return "This category is archived: its topics are kept to read, not to reply to."
    if category.mode is CategoryMode.READ_ONLY:
        return "Only moderators post in this category."
    if topic.locked:
        return "This topic is locked: no more replies."
    return None


def may_edit_post(user: User | None, post: ForumPost, *, grace: timedelta) -> bool:
    """The community's moderators at any time; its author (while they may contribute to the community)
    within ``grace`` of posting it."""
    topic = post.topic
    if not can(user, Action.VIEW, topic) or post.is_deleted:
        return False
    if may_moderate(user, topic.community):
        return True
    assert user is not None  # can() refused anonymous users above
    return (
        post.author_id == user.id
        and utcnow() - post.created_at <= grace
        and can(user, Action.CONTRIBUTE, topic.community)
    )


def offers_moderation(user: User | None, community: Community) -> bool:
    """Whether pages offer ``user`` the moderators' tools (they lack at most two-factor set-up)."""
    return offers(user, Action.MODERATE, community)


def may_report(user: User | None, post: ForumPost) -> bool:
    """Whether the post offers ``user`` "Report": someone else's published post they can see."""
    return user is not None and post.author_id != user.id and post.is_shown


def get_category(session: Session, user: User | None, community: Community, slug: str) -> ForumCategory:
    """The category at ``slug`` in a community whose forum the user may read; ``NotFound`` otherwise."""
    require(user, Action.READ, community)
    category = session.scalar(_category_at(), {"community_id": community.id, "slug": slug})
    if category is None:
        raise NotFound()
    return category


@cache
def _category_at() -> Select[ForumCategory]:
    return select(ForumCategory).where(
        ForumCategory.community_id == bindparam("community_id"), ForumCategory.slug == bindparam("slug")
    )


def get_category_by_id(
    session: Session, user: User | None, community: Community, category_id: int
) -> ForumCategory:
    require(user, Action.READ, community)
    category = session.get(ForumCategory, category_id)
    if category is None or category.community_id != community.id:
        raise NotFound()
    return category


def get_topic(session: Session, user: User | None, topic_id: int) -> ForumTopic:
    """The undeleted topic ``topic_id`` if the user may see it, wherever it lives now (the caller
    redirects an address naming another community); ``NotFound`` (and an audited denial) otherwise."""
    topic = session.scalar(_topic_by_id(), {"topic_id": topic_id})
    if topic is None or topic.is_deleted:
        raise NotFound()
    require(user, Action.VIEW, topic)
    if topic.waiting and not _author_or_moderator(user, topic):
        raise NotFound()
    return topic


def _author_or_moderator(user: User | None, topic: ForumTopic) -> bool:
    return user is not None and (topic.created_by_id == user.id or may_moderate(user, topic.community))


@cache
def _topic_by_id() -> Select[ForumTopic]:
    """A topic with its category and its community: built once, so a request only binds its id."""
    return (
        select(ForumTopic)
        .where(ForumTopic.id == bindparam("topic_id"))
        .options(joinedload(ForumTopic.category), joinedload(ForumTopic.community))
    )


def get_post(session: Session, user: User | None, topic: ForumTopic, number: int) -> ForumPost:
    """Post ``number`` of a topic reached through ``get_topic``, if the user may see it."""
    post = session.scalar(select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.number == number))
    if post is None or not may_see_post(user, post):
        raise NotFound()
    return post


def may_see_post(user: User | None, post: ForumPost) -> bool:
    """Whether ``user``, who may see the post's topic, sees this post (its text, unless deleted)."""
    if post.status is PostStatus.PUBLISHED:
        return True
    return user is not None and (post.author_id == user.id or may_moderate(user, post.topic.community))


def posts_seen_by(user: User | None, community: Community) -> ColumnElement[bool]:
    """SQL: the posts of a topic in ``community`` (one the user may see) that the user sees: published
    ones (deleted ones as stubs), and their own or, for a moderator, every one waiting or hidden."""
    if may_moderate(user, community):
        return true()  # a moderator sees every post
    published = ForumPost.status == PostStatus.PUBLISHED
    if user is None:
        return published
    return or_(published, ForumPost.author_id == user.id)


def topics_seen_in(user: User | None, community: Community) -> ColumnElement[bool]:
    """SQL: the undeleted topics of ``community`` the user sees: the policy's ``visible_filter`` with what
    is already known of this one community (whether they may read it, whether they belong to it)
    decided here, so a list's statement is a plain walk of the topics' index."""
    if not may_read(user, community):
        return false()
    live: ColumnElement[bool] = ForumTopic.deleted_at.is_(None)
    if not may_moderate(user, community):  # a topic waiting for approval: its author and moderators
        assert user is not None  # may_read refused anonymous users
        live = and_(live, or_(ForumTopic.waiting.is_(False), ForumTopic.created_by_id == user.id))
    return live if is_member(user, community) else and_(live, ForumTopic.marking == Marking.OFFICIAL)
