"""Moderators moving posts about: a topic to another category or to another community's forum, one
topic merged into another, replies split off into a new topic.

A post's id never changes, so reports, quotes, helpful marks and edit histories keep pointing at it;
what changes is the topic it is in and its number there. The counters of every topic touched are
rebuilt from its posts in the same transaction (``services.recount_topic``), and every post that moved
has its search document rewritten. A topic moved to another community takes everything in it along,
with the new community's visibility: open reports on its posts go to that community's queue, and a
topic marked higher than the new community holds is refused. Each action is audited in the moderation
log of every community it touched.
"""

from __future__ import annotations

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import NotFound, ValidationError
from polka.forum import access
from polka.forum.kinds import POST_KIND, TOPIC_KIND
from polka.forum.models import ForumCategory, ForumPoll, ForumPost, ForumTopic, ForumTopicRead, PostStatus
from polka.forum.search import reindex_topic
from polka.forum.services import check_topic_title, recount_topic
from polka.markings import Marking
from polka.moderation.services import audit_moderation, rehome_reports
from polka.permissions import Action, community_ids_offering, require
from polka.subscriptions.models import Subscription
from polka.tags import MAX_TAGS, TAGS_MAX, split_tags


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(message, {field: message})


def targets(session: Session, moderator: User) -> list[ForumCategory]:
    """The categories a topic may be moved (or split) into by ``moderator``: every one not archived in
    a community they moderate, by community then in each community's order."""
    ids = community_ids_offering(moderator, Action.MODERATE)
    return list(
        session.scalars(
            select(ForumCategory)
            .join(Community, Community.id == ForumCategory.community_id)
            .where(ForumCategory.community_id.in_(ids), ForumCategory.archived_at.is_(None))
            .order_by(Community.name, ForumCategory.position, ForumCategory.id)
        )
    )


def _require_holds(category: ForumCategory, marking: Marking) -> None:
    ceiling = category.community.marking_ceiling
    if marking.rank > ceiling.rank:
        raise _refused(
            "category",
            f"{category.community.name} holds material up to {ceiling.value} only, and this topic is "
            f"{marking.value}",
        )


def _posts_of(topic_id: int) -> Select[int]:
    return select(ForumPost.id).where(ForumPost.topic_id == topic_id)


def move_topic(session: Session, moderator: User, topic: ForumTopic, category: ForumCategory) -> None:
    """Move ``topic`` with everything in it to ``category`` (in its community or another one the
    moderator moderates)."""
    require(moderator, Action.MODERATE, topic.community)
    require(moderator, Action.MODERATE, category.community)
    if category.id == topic.category_id:
        raise _refused("category", "The topic is in that category already: choose another")
    if category.is_archived:
        raise _refused("category", "That category is archived: choose another")
    _require_holds(category, topic.marking)
    source, before = topic.community, topic.category
    topic.category, topic.community = category, category.community
    session.flush()
    if source.id != category.community_id:
        rehome_reports(session, POST_KIND, _posts_of(topic.id), category.community)
    reindex_topic(session, topic.id)
    detail = {"from": f"{source.name}: {before.title}", "to": f"{category.community.name}: {category.title}"}
    for community_id in dict.fromkeys((source.id, category.community_id)):
        audit_moderation(
            session,
            moderator,
            "moved",
            community_id,
            kind=TOPIC_KIND,
            target_id=topic.id,
            label=topic.title,
            detail=detail,
        )


def merge_topics(session: Session, moderator: User, source: ForumTopic, target: ForumTopic) -> None:
    """Move every post of ``source`` to the end of ``target`` in their order (its opening post becomes
    a reply) and delete ``source``, whose address then leads to ``target``; its followers follow
    ``target``."""
    require(moderator, Action.MODERATE, source.community)
    require(moderator, Action.MODERATE, target.community)
    if source.id == target.id:
        raise _refused("target", "Choose another topic to merge this one into")
    if target.is_deleted or target.merged_into_id is not None:
        raise _refused("target", "That topic has been deleted: choose another")
    if source.marking.rank > target.marking.rank:
        raise _refused(
            "target",
            f"This topic is {source.marking.value} and that one {target.marking.value}: raise that topic's "
            "marking first, or its readers would see what they may not",
        )
    polls = {
        poll.topic_id: poll
        for poll in session.scalars(select(ForumPoll).where(ForumPoll.topic_id.in_([source.id, target.id])))
    }
    if len(polls) == 2:
        raise _refused(
            "target", "Both topics have a poll, and a topic holds one: merge into a topic without a poll"
        )
    if source.id in polls:
        polls[source.id].topic_id = target.id
    # Delete the source first: its row is then held, so a reply racing the merge either landed before
    # (and is among the posts read next) or is refused as a reply to a deleted topic.
    source.deleted_at, source.deleted_by_id = utcnow(), moderator.id
    source.merged_into_id, source.accepted_post_id = target.id, None
    session.flush()
    moved = list(
        session.scalars(select(ForumPost).where(ForumPost.topic_id == source.id).order_by(ForumPost.number))
    )
    # The target's numbers are claimed as a reply claims one, so a reply to it at the same moment
    # takes another.
    session.execute(
        update(ForumTopic)
        .where(ForumTopic.id == target.id)
        .values(next_number=ForumTopic.next_number + len(moved))
        .execution_options(synchronize_session=False)
    )
    session.refresh(target)
    first = target.next_number - len(moved)
    for offset, post in enumerate(moved):
        post.topic_id, post.number = target.id, first + offset
    target.tags = _both_tags(target.tags, source.tags)
    session.flush()
    _follow_instead(session, source.id, target.id)
    session.execute(delete(ForumTopicRead).where(ForumTopicRead.topic_id == source.id))
    if source.community_id != target.community_id:
        rehome_reports(session, POST_KIND, _posts_of(target.id), target.community)
    recount_topic(session, target)
    source.reply_count = 0
    reindex_topic(session, target.id)
    for community_id in dict.fromkeys((source.community_id, target.community_id)):
        audit_moderation(
            session,
            moderator,
            "merged",
            community_id,
            kind=TOPIC_KIND,
            target_id=target.id,
            label=target.title,
            detail={"merged": source.title, "posts": len(moved)},
        )


def _both_tags(first: str, second: str) -> str:
    """The tags of two merged topics together, the first one's first, within what a topic holds."""
    tags = list(dict.fromkeys([*split_tags(first), *split_tags(second)]))[:MAX_TAGS]
    while len(",".join(tags)) > TAGS_MAX:
        tags.pop()
    return ",".join(tags)


def _follow_instead(session: Session, source_id: int, target_id: int) -> None:
    """Whoever followed the merged topic follows the one it went into."""
    already = select(Subscription.user_id).where(
        Subscription.kind == TOPIC_KIND, Subscription.object_id == target_id
    )
    session.execute(
        update(Subscription)
        .where(
            Subscription.kind == TOPIC_KIND,
            Subscription.object_id == source_id,
            Subscription.user_id.not_in(already),
        )
        .values(object_id=target_id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Subscription).where(Subscription.kind == TOPIC_KIND, Subscription.object_id == source_id)
    )


def split_topic(
    session: Session,
    moderator: User,
    topic: ForumTopic,
    numbers: list[int],
    title: str,
    category: ForumCategory,
) -> ForumTopic:
    """Move the replies numbered ``numbers`` out of ``topic`` into a new topic titled ``title`` in
    ``category`` (of the same community), in their order: the first becomes its opening post."""
    require(moderator, Action.MODERATE, topic.community)
    title = check_topic_title(title)
    if category.community_id != topic.community_id:
        raise _refused("category", "Choose a category of this community")
    if category.is_archived:
        raise _refused("category", "That category is archived: choose another")
    wanted = sorted(set(numbers))
    if not wanted:
        raise _refused("posts", "Choose the replies to move to the new topic")
    if 1 in wanted:
        raise _refused("posts", "The opening post stays with its topic: choose replies only")
    moved = list(
        session.scalars(
            select(ForumPost)
            .where(ForumPost.topic_id == topic.id, ForumPost.number.in_(wanted))
            .order_by(ForumPost.number)
        )
    )
    if len(moved) != len(wanted):
        raise _refused("posts", "Some of the replies chosen are no longer in this topic: choose again")
    opening = moved[0]
    new = ForumTopic(
        community=topic.community,
        community_id=topic.community_id,
        category=category,
        category_id=category.id,
        title=title,
        marking=topic.marking,
        created_at=opening.created_at,
        created_by_id=opening.author_id,
        updated_at=utcnow(),
        updated_by_id=moderator.id,
        next_number=len(moved) + 1,
        last_post_at=opening.created_at,
        waiting=opening.status is PostStatus.WAITING,
    )
    session.add(new)
    session.flush()
    for number, post in enumerate(moved, start=1):
        post.topic_id, post.number = new.id, number
    if topic.accepted_post_id in {post.id for post in moved}:
        topic.accepted_post_id = None
    session.flush()
    recount_topic(session, topic)
    recount_topic(session, new)
    reindex_topic(session, topic.id)
    reindex_topic(session, new.id)
    audit_moderation(
        session,
        moderator,
        "split",
        topic.community_id,
        kind=TOPIC_KIND,
        target_id=new.id,
        label=new.title,
        detail={"from": topic.title, "posts": len(moved)},
    )
    return new


def merged_target(session: Session, user: User | None, topic_id: int) -> ForumTopic | None:
    """The topic that deleted topic ``topic_id`` was merged into (following merges on), if ``user``
    may see it."""
    seen: set[int] = set()
    found = session.get(ForumTopic, topic_id)
    while found is not None and found.merged_into_id is not None and found.id not in seen:
        seen.add(found.id)
        found = session.get(ForumTopic, found.merged_into_id)
    if found is None or found.id == topic_id:
        return None
    try:
        return access.get_topic(session, user, found.id)
    except NotFound:
        return None
