"""How communities become search documents: every active community, by its name, summary, description
and region, found by whoever may see that it exists (``Audience.LISTERS``: a private community only by
its members, a restricted one by everyone, though its content stays its members').

The communities' services call ``reindex`` in the same transaction as every change a search could
notice (creation, approval, new settings).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import Community, CommunityStatus
from polka.markings import Marking
from polka.markup import plain_text
from polka.search.documents import Audience, SearchDocument
from polka.search.outbox import queue_change
from polka.search.registry import ids_in_batches


def reindex(session: Session, community: Community) -> None:
    """Have the community's search document rewritten (or removed) when this transaction commits."""
    queue_change(session, COMMUNITY_KIND, community.id)


def _active() -> Any:
    return Community.status == CommunityStatus.ACTIVE


class CommunitySearch:
    kind = COMMUNITY_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        communities = session.scalars(select(Community).where(Community.id.in_(ids), _active()))
        return {
            community.id: SearchDocument(
                kind=COMMUNITY_KIND,
                object_id=community.id,
                community_id=community.id,
                marking=Marking.OFFICIAL.value,  # the community itself; its content carries its own
                sensitive=False,
                title=community.name,
                body="\n".join(
                    text for text in (community.summary, plain_text(community.description_shown)) if text
                ),
                created_at=community.created_at,
                updated_at=community.updated_at or community.created_at,
                context=community.region or "",
                audience=Audience.LISTERS,
            )
            for community in communities
        }

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, Community.id, _active())

    def in_community(self, community_id: int) -> Select[Any]:
        return select(Community.id).where(Community.id == community_id, _active())
