"""What waits for a wiki's moderators: members' edits waiting for review (see polka.content.waiting)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.waiting import Waiting, count_by_community, per_community, plural
from polka.permissions import Action, community_ids_offering
from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision

EDITS = "wiki.edits"


def edits_waiting(session: Session, user: User) -> list[Waiting]:
    """Edits waiting for review in the wikis ``user`` moderates (pages not deleted), per community."""
    communities = community_ids_offering(user, Action.MODERATE)
    if not communities:
        return []  # no statement for someone with nothing to deal with
    query = (
        count_by_community(WikiRevision.id)
        .join(WikiPage, WikiPage.community_id == Community.id)
        .join(WikiRevision, WikiRevision.page_id == WikiPage.id)
        .where(
            WikiRevision.status == RevisionStatus.PENDING,
            WikiPage.deleted_at.is_(None),
            Community.id.in_(communities),
        )
    )
    return per_community(
        session,
        query,
        EDITS,
        what=lambda count: f"{plural(count, 'wiki edit waits', 'wiki edits wait')} for review in",
        action="Review the edits",
        url=lambda slug: url_for("wiki.pending", slug=slug),
    )
