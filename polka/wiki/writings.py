"""The wiki's writings for the community insights (``polka.content.writings``): each page that is not
deleted, once, as its first approved revision wrote it, in the period that revision was made (a later
edit rewrites what others wrote: it is an edit, not a writing of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.content.writings import Writing
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision


def wiki_writings(session: Session, start: datetime, end: datetime) -> Iterator[Writing]:
    rows = session.execute(
        select(
            WikiPage.id,
            WikiRevision.author_id,
            WikiRevision.created_at.label("written_at"),
            WikiRevision.title,
            WikiRevision.body,
            WikiPage.community_id,
            WikiPage.marking,
        )
        .join(WikiPage, WikiPage.id == WikiRevision.page_id)
        .where(
            WikiRevision.number == 1,
            WikiRevision.status == RevisionStatus.APPROVED,
            WikiRevision.created_at >= start,
            WikiRevision.created_at < end,
            WikiPage.deleted_at.is_(None),
            WikiPage.is_template.is_(False),
        )
        .execution_options(yield_per=2_000)
    )
    for row in rows:
        yield Writing.of_row(PAGE_KIND, row, f"{row.title}\n{row.body}")
