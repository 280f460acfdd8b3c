"""How events become search documents: one per live event or series (its title, description and
place), so "regional meeting Warrington" finds the meeting. A meeting's papers are the library's own
documents and are found as such. Deleted events are not in the index; the search page re-checks every
hit through the kind's resolver besides."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.events.kinds import EVENT_KIND
from polka.events.models import Event
from polka.markings import Marking
from polka.markup import plain_text, render_markdown
from polka.search.documents import SearchDocument
from polka.search.outbox import queue_change
from polka.search.registry import ids_in_batches


def reindex_event(session: Session, event: Event) -> None:
    queue_change(session, EVENT_KIND, event.id)


def _body(event: Event) -> str:
    said = [plain_text(render_markdown(event.description)), event.location]
    if event.is_cancelled:
        said.append("Cancelled")
    return "\n\n".join(part for part in said if part)


class EventSearch:
    kind = EVENT_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        rows = session.execute(
            select(Event, User.organisation_id, Community.name)
            .join(Community, Community.id == Event.community_id)
            .outerjoin(User, User.id == Event.created_by_id)
            .where(Event.id.in_(ids), Event.deleted_at.is_(None))
        ).all()
        return {
            event.id: SearchDocument(
                kind=EVENT_KIND,
                object_id=event.id,
                community_id=event.community_id,
                marking=event.marking.value,
                sensitive=Marking(event.marking).sensitive,
                title=event.title,
                body=_body(event),
                created_at=event.created_at,
                updated_at=event.updated_at,
                author_id=event.created_by_id,
                organisation_id=organisation_id,
                context=community_name,
            )
            for event, organisation_id, community_name in rows
        }

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, Event.id, Event.deleted_at.is_(None))

    def in_community(self, community_id: int) -> Select[Any]:
        return select(Event.id).where(Event.community_id == community_id, Event.deleted_at.is_(None))
