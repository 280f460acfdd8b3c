"""What waits for a community's moderators from its question sessions: questions sent for approval (see
polka.content.waiting). Counted, never notified one by one: during a session they come every few
seconds, and its moderators watch its queue, which updates by itself."""

from __future__ import annotations

from sqlalchemy import Select

from polka.communities.models import Community
from polka.content.waiting import Provider, count_by_community, plural
from polka.live.models import LiveQuestion, LiveSession, Status
from polka.permissions import Action

HELD = "live.held"


def _held() -> Select[str, str, int]:
    """Questions waiting for approval (in sessions not deleted), counted per community."""
    return (
        count_by_community(LiveQuestion.id)
        .join(LiveSession, LiveSession.community_id == Community.id)
        .join(LiveQuestion, LiveQuestion.session_id == LiveSession.id)
        .where(LiveQuestion.status == Status.WAITING, LiveSession.deleted_at.is_(None))
    )


#: Questions waiting for approval in the question sessions of the communities the user moderates.
held_waiting = Provider(
    offered=Action.MODERATE,
    query=_held,
    what=lambda count: (
        f"{plural(count, 'question waits', 'questions wait')} for approval in the question sessions of"
    ),
    action="Review them",
    label="Questions waiting for approval",
    endpoint="moderation.queue",
)
