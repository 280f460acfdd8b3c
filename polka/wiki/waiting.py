"""What waits for a wiki's moderators: members' edits waiting for review (see polka.content.waiting)."""

from __future__ import annotations

from sqlalchemy import Select

from polka.communities.models import Community
from polka.content.waiting import Provider, count_by_community, plural
from polka.permissions import Action
from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision

EDITS = "wiki.edits"


def _edits() -> Select[str, str, int]:
    """Edits waiting for review (of pages not deleted), counted per community."""
    return (
        count_by_community(WikiRevision.id)
        .join(WikiPage, WikiPage.community_id == Community.id)
        .join(WikiRevision, WikiRevision.page_id == WikiPage.id)
        .where(
            WikiRevision.status == RevisionStatus.PENDING,
            WikiPage.deleted_at.is_(None),
        )
    )


#: Edits waiting for review in the wikis the user moderates.
edits_waiting = Provider(
    offered=Action.MODERATE,
    query=_edits,
    what=lambda count: f"{plural(count, 'wiki edit waits', 'wiki edits wait')} for review in",
    action="Review the edits",
    label="Edits waiting for review",
    endpoint="wiki.pending",
)
