"""What the forum's pages show, read in a fixed number of statements whatever the amount of data (the
statement budget): the categories with their counts, a page of topics, a page of a topic's posts.

Every list is trimmed by the one policy (``access.topics_seen_in``): a topic the reader may not see is in
no list and no count. The counters on a topic row (replies, last post) are of published posts only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.forum import access
from polka.forum.kinds import CATEGORY_KIND, POSTS_PER_PAGE, TOPIC_KIND
from polka.forum.models import ForumCategory, ForumHelpful, ForumPost, ForumTopic
from polka.pagination import Page, page_count
from polka.subscriptions.models import Subscription

TOPICS_PER_PAGE = 30


class TopicSort(enum.StrEnum):
    ACTIVITY = "activity"  # latest activity first
    NEWEST = "newest"  # newest topics first
    REPLIES = "replies"  # most replies first

    @property
    def label(self) -> str:
        return {"activity": "Latest activity", "newest": "Newest", "replies": "Most replies"}[self.value]


class TopicFilter(enum.StrEnum):
    ALL = "all"
    UNANSWERED = "unanswered"  # a question with no accepted answer, a topic with no reply
    MINE = "mine"  # started by the reader
    FOLLOWED = "followed"  # followed by the reader, or in a category they follow

    @property
    def label(self) -> str:
        return {
            "all": "All topics",
            "unanswered": "Unanswered",
            "mine": "Started by you",
            "followed": "Followed by you",
        }[self.value]


@dataclass(frozen=True)
class CategoryRow:
    category: ForumCategory
    topics: int
    last_activity: datetime | None


def categories(session: Session, user: User | None, community: Community) -> list[CategoryRow]:
    """The community's categories in their order (archived ones last), each with how many topics the
    reader may see and when the latest of them was active."""
    counts = {
        row.category_id: (row.topics, row.last_activity)
        for row in session.execute(
            select(
                ForumTopic.category_id,
                func.count().label("topics"),
                func.max(ForumTopic.last_post_at).label("last_activity"),
            )
            .where(ForumTopic.community_id == community.id, access.topics_seen_in(user, community))
            .group_by(ForumTopic.category_id)
        )
    }
    rows = session.scalars(
        select(ForumCategory)
        .where(ForumCategory.community_id == community.id)
        .order_by(ForumCategory.archived_at.is_not(None), ForumCategory.position, ForumCategory.id)
    )
    return [CategoryRow(category, *counts.get(category.id, (0, None))) for category in rows]


def _order(sort: TopicSort, *, pinned_first: bool) -> list[Any]:
    """A topic list's order, most wanted first, as (column, descending) pairs ending with the id, so
    pages never overlap and the order can be walked from either end."""
    order: list[Any] = [(ForumTopic.pinned, True)] if pinned_first else []
    if sort is TopicSort.NEWEST:
        order.append((ForumTopic.created_at, True))
    elif sort is TopicSort.REPLIES:
        order += [(ForumTopic.reply_count, True), (ForumTopic.last_post_at, True)]
    else:
        order.append((ForumTopic.last_post_at, True))
    return [*order, (ForumTopic.id, True)]


def _by(order: list[Any], *, reverse: bool = False) -> list[Any]:
    return [column.desc() if descending != reverse else column.asc() for column, descending in order]


def _filtered(query: Select[Any], user: User | None, shown: TopicFilter, tag: str) -> Select[Any]:
    if tag:  # tags are kept comma-separated: a whole one is found between commas
        query = query.where(
            (literal(",") + ForumTopic.tags + literal(",")).contains(f",{tag},", autoescape=True)
        )
    if shown is TopicFilter.FOLLOWED:
        reader = user.id if user is not None else 0
        followed = select(Subscription.object_id).where(Subscription.user_id == reader)
        return query.where(
            or_(
                ForumTopic.id.in_(followed.where(Subscription.kind == TOPIC_KIND)),
                ForumTopic.category_id.in_(followed.where(Subscription.kind == CATEGORY_KIND)),
            )
        )
    if shown is TopicFilter.UNANSWERED:  # a question without an accepted answer, or a topic without replies
        return query.where(
            or_(
                and_(ForumTopic.is_question.is_(True), ForumTopic.accepted_post_id.is_(None)),
                ForumTopic.reply_count == 0,
            )
        )
    if shown is TopicFilter.MINE:
        return query.where(ForumTopic.created_by_id == (user.id if user is not None else 0))
    return query


@dataclass(frozen=True)
class TopicQuery:
    """What a topic list asks: which order, which topics, which page."""

    sort: TopicSort = TopicSort.ACTIVITY
    shown: TopicFilter = TopicFilter.ALL
    page: int = 1
    #: only topics with this tag (as ``polka.tags`` keeps it), or all
    tag: str = ""


def topics(
    session: Session, user: User | None, category: ForumCategory, asked: TopicQuery
) -> Page[ForumTopic]:
    """A page of the category's topics the reader may see, pinned ones first."""
    where = and_(ForumTopic.category_id == category.id, access.topics_seen_in(user, category.community))
    return _listed(session, user, where, asked, pinned_first=True)


def latest(session: Session, user: User | None, community: Community, asked: TopicQuery) -> Page[ForumTopic]:
    """A page of the community's topics across its categories, the most recently active first."""
    where = and_(ForumTopic.community_id == community.id, access.topics_seen_in(user, community))
    return _listed(session, user, where, asked, pinned_first=False)


def _listed(
    session: Session, user: User | None, where: Any, asked: TopicQuery, *, pinned_first: bool
) -> Page[ForumTopic]:
    """A page of the topics ``where`` selects that the reader may see, in the order asked.

    The page's ids are found first, on the topics table alone (its indexes give the order), then those
    topics are read with their authors and category: joining them for every row skipped was what made
    a late page of a 50,000-topic category slow. A page past the middle is counted from the other end,
    so the last page costs what the first does.
    """
    ids = _filtered(select(ForumTopic.id).where(where), user, asked.shown, asked.tag)
    total = int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    page = min(max(1, asked.page), page_count(total, TOPICS_PER_PAGE))
    offset = (page - 1) * TOPICS_PER_PAGE
    order = _order(asked.sort, pinned_first=pinned_first)
    if offset > total // 2:
        wanted = min(TOPICS_PER_PAGE, total - offset)
        from_end = total - offset - wanted
        found = list(session.scalars(ids.order_by(*_by(order, reverse=True)).limit(wanted).offset(from_end)))
        found.reverse()
    else:
        found = list(session.scalars(ids.order_by(*_by(order)).limit(TOPICS_PER_PAGE).offset(offset)))
    if not found:
        return Page([], page, TOPICS_PER_PAGE, total)
    loaded = {
        topic.id: topic
        for topic in session.scalars(
            select(ForumTopic)
            .where(ForumTopic.id.in_(found))
            .options(
                joinedload(ForumTopic.created_by),
                joinedload(ForumTopic.last_poster),
                joinedload(ForumTopic.category),
            )
        )
    }
    return Page([loaded[topic_id] for topic_id in found], page, TOPICS_PER_PAGE, total)


@dataclass(frozen=True)
class TopicPage:
    """One page of a topic: the posts the reader sees on it (post numbers ``first`` to ``last``)."""

    posts: list[ForumPost]
    page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def posts(session: Session, user: User | None, topic: ForumTopic, page: int) -> TopicPage:
    """Page ``page`` of a topic the reader reached through ``access.get_topic``: posts are placed by
    their number, so each keeps its page and anchor whatever happens to the posts around it."""
    pages = page_count(topic.next_number - 1, POSTS_PER_PAGE)
    page = min(max(1, page), pages)
    first = (page - 1) * POSTS_PER_PAGE + 1
    shown = list(
        session.scalars(
            select(ForumPost)
            .where(
                ForumPost.topic_id == topic.id,
                ForumPost.number.between(first, first + POSTS_PER_PAGE - 1),
                access.posts_seen_by(user, topic.community),
            )
            .options(joinedload(ForumPost.author).joinedload(User.organisation))
            .order_by(ForumPost.number)
        )
    )
    return TopicPage(shown, page, pages)


@dataclass(frozen=True)
class Helpful:
    """Who found a post helpful, and whether the reader did."""

    names: list[str]
    mine: bool


def helpful_marks(session: Session, user: User | None, posts: list[ForumPost]) -> dict[int, Helpful]:
    """The helpful marks of the posts on a page, in one statement."""
    ids = [post.id for post in posts if post.helpful_count]
    if not ids:
        return {}
    rows = session.execute(
        select(ForumHelpful.post_id, ForumHelpful.user_id, User.name)
        .join(User, User.id == ForumHelpful.user_id)
        .where(ForumHelpful.post_id.in_(ids))
        .order_by(ForumHelpful.created_at)
    )
    marks: dict[int, Helpful] = {}
    for post_id, user_id, name in rows:
        found = marks.setdefault(post_id, Helpful([], False))
        found.names.append(name)
        if user is not None and user_id == user.id:
            marks[post_id] = Helpful(found.names, True)
    return marks


def accepted_answer(session: Session, user: User | None, topic: ForumTopic) -> ForumPost | None:
    """The question's accepted answer, if it is still a published reply the reader sees."""
    if topic.accepted_post_id is None:
        return None
    post = session.scalar(
        select(ForumPost)
        .where(ForumPost.id == topic.accepted_post_id, ForumPost.topic_id == topic.id)
        .options(joinedload(ForumPost.author))
    )
    return post if post is not None and post.is_shown else None
