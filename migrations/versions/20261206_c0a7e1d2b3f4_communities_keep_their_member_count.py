"""Communities keep their member count on their row (derived from the memberships, filled in here)

Revision ID: c0a7e1d2b3f4
Revises: 474fb4cd5bdf
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a7e1d2b3f4"
down_revision: str | Sequence[str] | None = "474fb4cd5bdf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("community_communities") as batch:
        batch.add_column(sa.Column("member_count", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE community_communities SET member_count = (SELECT count(community_memberships.id)"
        " FROM community_memberships WHERE community_memberships.community_id = community_communities.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("community_communities") as batch:
        batch.drop_column("member_count")
