"""Activity keeps facts, not copies: target kinds get their content-kind names, and the copied title,
address and marking go (the stream resolves them when it is read)

Revision ID: 474fb4cd5bdf
Revises: 9be89dd0b14c
Create Date: 2026-12-05 21:17:07.200379
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "474fb4cd5bdf"
down_revision: str | Sequence[str] | None = "55575310440b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the old name of each kind → its content-kind name
RENAMED = {"wiki_page": "wiki.page", "document": "docs.document", "community": "communities.community"}
#: where the downgrade finds each kind's title and marking again
TABLES = {"wiki_page": "wiki_pages", "document": "docs_documents"}

events = sa.table(
    "activity_events",
    sa.column("target_kind", sa.String),
    sa.column("target_id", sa.Integer),
    sa.column("target_title", sa.String),
    sa.column("marking", sa.String),
)


def _rename(names: dict[str, str]) -> None:
    for old, new in names.items():
        op.execute(events.update().where(events.c.target_kind == old).values(target_kind=new))


def upgrade() -> None:
    _rename(RENAMED)
    with op.batch_alter_table("activity_events", schema=None) as batch_op:
        batch_op.drop_column("target_title")
        batch_op.drop_column("marking")
        batch_op.drop_column("target_url")


def downgrade() -> None:
    """The copies come back from the objects as they are now (an address only on the next event)."""
    with op.batch_alter_table("activity_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_url", sa.String(length=500), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("marking", sa.String(length=32), server_default="OFFICIAL", nullable=False)
        )
        batch_op.add_column(
            sa.Column("target_title", sa.String(length=300), server_default="", nullable=False)
        )
    _rename({new: old for old, new in RENAMED.items()})
    for kind, table_name in TABLES.items():
        objects = sa.table(
            table_name,
            sa.column("id", sa.Integer),
            sa.column("title", sa.String),
            sa.column("marking", sa.String),
        )
        match = objects.c.id == events.c.target_id
        op.execute(
            events.update()
            .where(events.c.target_kind == kind)
            .values(
                target_title=sa.func.coalesce(sa.select(objects.c.title).where(match).scalar_subquery(), ""),
                # an object gone since is hidden from outsiders rather than guessed OFFICIAL
                marking=sa.func.coalesce(
                    sa.select(objects.c.marking).where(match).scalar_subquery(), "OFFICIAL-SENSITIVE"
                ),
            )
        )
    communities = sa.table("community_communities", sa.column("id", sa.Integer), sa.column("name", sa.String))
    op.execute(
        events.update()
        .where(events.c.target_kind == "community")
        .values(
            target_title=sa.func.coalesce(
                sa.select(communities.c.name).where(communities.c.id == events.c.target_id).scalar_subquery(),
                "",
            )
        )
    )
