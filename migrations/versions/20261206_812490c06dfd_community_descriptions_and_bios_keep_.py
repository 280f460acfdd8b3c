"""Community descriptions and bios keep their rendered HTML (derived from the Markdown)

Revision ID: 812490c06dfd
Revises: c0a7e1d2b3f4
Create Date: 2026-12-06 00:22:18.172314

Only the places are made: existing communities and bios are left with no kept HTML, which their pages
render in memory until ``polka communities rerender`` and ``polka people rerender`` (or the next save)
keep it. Rendering here would tie the migration to application code that may move or change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "812490c06dfd"
down_revision: str | Sequence[str] | None = "c0a7e1d2b3f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "people_bio_renderings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("renderer_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_people_bio_renderings_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_people_bio_renderings")),
    )
    with op.batch_alter_table("community_communities") as batch:
        batch.add_column(sa.Column("description_html", sa.Text(), nullable=True))
        batch.add_column(sa.Column("description_renderer_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("community_communities") as batch:
        batch.drop_column("description_renderer_version")
        batch.drop_column("description_html")
    op.drop_table("people_bio_renderings")
