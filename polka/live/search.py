"""How question sessions become search documents: one per undeleted session, its title and description
with its transcript (every approved question and the panel's answers), so "PNC change" finds what the
national lead said at last spring's session. A question waiting for a moderator, rejected or merged is
never in the index, so no snippet can show it; the search page re-checks every hit through the kind's
resolver besides. The services call ``reindex_session`` in the same transaction as every change a
search could notice (a question approved or withdrawn, an answer written)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.live.kinds import SESSION_KIND
from polka.live.models import LiveQuestion, LiveSession, Status
from polka.markings import Marking
from polka.markup import plain_text, render_markdown
from polka.search.documents import SearchDocument
from polka.search.outbox import queue_change
from polka.search.registry import ids_in_batches


def reindex_session(session: Session, live: LiveSession) -> None:
    queue_change(session, SESSION_KIND, live.id)


def _transcript(questions: Sequence[LiveQuestion]) -> list[str]:
    said = []
    for question in questions:
        said.append(question.body)
        said.extend(plain_text(answer.html) for answer in question.answers)
    return said


class SessionSearch:
    kind = SESSION_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        rows = session.execute(
            select(LiveSession, User.organisation_id, Community.name)
            .join(Community, Community.id == LiveSession.community_id)
            .outerjoin(User, User.id == LiveSession.created_by_id)
            .where(LiveSession.id.in_(ids), LiveSession.deleted_at.is_(None))
        ).all()
        approved: dict[int, list[LiveQuestion]] = {}
        for question in session.scalars(
            select(LiveQuestion)
            .where(LiveQuestion.session_id.in_(ids), LiveQuestion.status == Status.APPROVED)
            .options(selectinload(LiveQuestion.answers))
            .order_by(LiveQuestion.session_id, LiveQuestion.id)
        ):
            approved.setdefault(question.session_id, []).append(question)
        return {
            live.id: SearchDocument(
                kind=SESSION_KIND,
                object_id=live.id,
                community_id=live.community_id,
                marking=live.marking.value,
                sensitive=Marking(live.marking).sensitive,
                title=live.title,
                body="\n\n".join(
                    part
                    for part in (
                        plain_text(render_markdown(live.description)),
                        *_transcript(approved.get(live.id, [])),
                    )
                    if part
                ),
                created_at=live.created_at,
                updated_at=live.updated_at,
                author_id=live.created_by_id,
                organisation_id=organisation_id,
                context=f"{community_name} question sessions",
            )
            for live, organisation_id, community_name in rows
        }

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, LiveSession.id, LiveSession.deleted_at.is_(None))

    def in_community(self, community_id: int) -> Select[Any]:
        return select(LiveSession.id).where(
            LiveSession.community_id == community_id, LiveSession.deleted_at.is_(None)
        )
