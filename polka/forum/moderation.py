"""How forum posts are moderated (see polka.moderation.registry): what moderators see of a reported post,
and hiding one. A hidden post leaves every list, count and search at once; its author and the
moderators still see it in the thread, with the reason."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.forum.kinds import POST_KIND, post_url
from polka.forum.models import ForumPost, ForumTopic, PostStatus
from polka.forum.search import reindex_post
from polka.forum.services import recount_topic
from polka.moderation.registry import ModeratedKind, Reviewed


def review_posts(session: Session, ids: Sequence[int]) -> dict[int, Reviewed]:
    rows = session.execute(
        select(ForumPost, ForumTopic.title, Community.slug)
        .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
        .join(Community, Community.id == ForumTopic.community_id)
        .where(ForumPost.id.in_(ids), ForumTopic.deleted_at.is_(None))
        .options(joinedload(ForumPost.author), joinedload(ForumPost.topic))
    ).all()
    return {
        post.id: Reviewed(
            kind=POST_KIND,
            id=post.id,
            community_id=post.topic.community_id,
            author=post.author,
            text="" if post.is_deleted else post.body,
            where=f"{'Opening post of' if post.number == 1 else 'Reply in'} “{title}”",
            url=post_url(slug, post.topic_id, post.number),
            hidden=post.status is PostStatus.HIDDEN,
        )
        for post, title, slug in rows
    }


def hide_post(session: Session, moderator: User, post_id: int, reason: str) -> None:
    post = session.get(ForumPost, post_id)
    if post is None:
        return
    post.status, post.hidden_reason = PostStatus.HIDDEN, reason
    session.flush()
    recount_topic(session, post.topic)
    reindex_post(session, post)


POSTS = ModeratedKind(POST_KIND, review_posts, hide_post)
