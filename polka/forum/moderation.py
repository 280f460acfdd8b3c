"""How forum posts are moderated (see polka.moderation.registry): what moderators see of a reported post,
and hiding one. A hidden post leaves every list, count and search at once; its author and the
moderators still see it in the thread, with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.communities.models import Community
from polka.forum import notices, rendering
from polka.forum.kinds import POST_KIND, TOPIC_KIND, post_url
from polka.forum.models import ForumPost, ForumTopic, PostStatus
from polka.forum.search import reindex_post, reindex_topic
from polka.forum.services import recount_topic
from polka.moderation.registry import ModeratedKind, Reviewed


def _reviewed(where: Any) -> Any:
    return (
        select(ForumPost, ForumTopic.title, Community.slug)
        .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
        .join(Community, Community.id == ForumTopic.community_id)
        .where(where, ForumTopic.deleted_at.is_(None))
        .options(joinedload(ForumPost.author), joinedload(ForumPost.topic))
    )


def review_posts(session: Session, ids: Sequence[int]) -> dict[int, Reviewed]:
    rows = session.execute(_reviewed(ForumPost.id.in_(ids))).all()
    return {post.id: _as_reviewed(post, title, slug) for post, title, slug in rows}


def waiting_posts(session: Session, community_id: int | None) -> list[Reviewed]:
    """The community's posts waiting for approval, oldest first (none outside any community)."""
    if community_id is None:
        return []
    rows = session.execute(
        _reviewed(
            and_(ForumPost.status == PostStatus.WAITING, ForumTopic.community_id == community_id)
        ).order_by(ForumPost.created_at, ForumPost.id)
    ).all()
    return [_as_reviewed(post, title, slug) for post, title, slug in rows]


def _as_reviewed(post: ForumPost, title: str, slug: str) -> Reviewed:
    return Reviewed(
        kind=POST_KIND,
        id=post.id,
        community_id=post.topic.community_id,
        author=post.author,
        text="" if post.is_deleted else post.body,
        where=f"{'Opening post of' if post.number == 1 else 'Reply in'} “{title}”",
        url=post_url(slug, post.topic_id, post.number),
        hidden=post.status is PostStatus.HIDDEN,
        held=post.held_reason,
    )


def hide_post(session: Session, moderator: User, post_id: int, reason: str) -> None:
    """Hide a post (or reject a waiting one): its author and the moderators still see it, with the reason."""
    post = session.get(ForumPost, post_id)
    if post is None:
        return
    post.status, post.hidden_reason = PostStatus.HIDDEN, reason
    session.flush()
    recount_topic(session, post.topic)
    reindex_post(session, post)


def approve_post(session: Session, moderator: User, post_id: int) -> None:
    """Publish a waiting post in its place in the thread; an approved opening post shows its topic."""
    post = session.get(ForumPost, post_id)
    if post is None or post.status is not PostStatus.WAITING:
        return
    post.status, post.held_reason = PostStatus.PUBLISHED, ""
    topic = post.topic
    author = post.author
    if post.number == 1:
        topic.waiting = False
    session.flush()
    recount_topic(session, topic)
    if post.number == 1:  # the topic is out: every post in it (a moderator's reply, say) is searchable now
        reindex_topic(session, topic.id)
    else:
        reindex_post(session, post)
    verb = "started" if post.number == 1 else "replied to"
    record_activity(session, author, verb, topic.community, target_kind=TOPIC_KIND, target_id=topic.id)
    notices.tell_post(session, author, post, rendering.render(post.body).mentions)


POSTS = ModeratedKind(POST_KIND, review_posts, hide_post, waiting_posts, approve_post)
