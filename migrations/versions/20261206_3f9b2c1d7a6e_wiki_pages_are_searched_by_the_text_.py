"""Wiki pages are searched by the text people read: every page queued for the search index again

Revision ID: 3f9b2c1d7a6e
Revises: 812490c06dfd
Create Date: 2026-12-06 04:55:00

Search now indexes a page's words as its rendering shows them (``**S**canning`` is one word, not "S"
and "canning"). No table changes: every page is queued in the search outbox, so ``polka worker`` (or
``polka search apply``) rewrites each page's entry from the new text. Nothing is rendered here, and no
application code is imported: a migration must run the same for ever.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "3f9b2c1d7a6e"
down_revision: str | Sequence[str] | None = "812490c06dfd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAGE_KIND = "wiki.page"

pages = sa.table("wiki_pages", sa.column("id", sa.Integer))
outbox = sa.table(
    "search_outbox",
    sa.column("kind", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    now = sa.bindparam("now", datetime.now(UTC), type_=sa.DateTime(timezone=True))
    op.execute(
        outbox.insert().from_select(
            ["kind", "object_id", "created_at"],
            sa.select(sa.literal(PAGE_KIND, sa.String), pages.c.id, now).order_by(pages.c.id),
        )
    )


def downgrade() -> None:
    """Nothing to undo: the queued entries are written from whatever text the code then indexes."""
