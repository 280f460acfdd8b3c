"""What waits for a forum's moderators: posts held for approval (see polka.content.waiting)."""

from __future__ import annotations

from sqlalchemy import Select

from polka.communities.models import Community
from polka.content.waiting import Provider, count_by_community, plural
from polka.forum.models import ForumPost, ForumTopic, PostStatus
from polka.permissions import Action

HELD = "forum.held"


def _held() -> Select[str, str, int]:
    """Posts waiting for approval (in topics not deleted), counted per community."""
    return (
        count_by_community(ForumPost.id)
        .join(ForumTopic, ForumTopic.community_id == Community.id)
        .join(ForumPost, ForumPost.topic_id == ForumTopic.id)
        .where(ForumPost.status == PostStatus.WAITING, ForumTopic.deleted_at.is_(None))
    )


#: Posts waiting for approval in the forums the user moderates.
held_waiting = Provider(
    offered=Action.MODERATE,
    query=_held,
    what=lambda count: f"{plural(count, 'forum post waits', 'forum posts wait')} for approval in",
    action="Review them",
    label="Posts waiting for approval",
    endpoint="moderation.queue",
)
