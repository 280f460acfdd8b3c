"""Forum: a merged topic remembers the topic it went into

Revision ID: 492e012691b7
Revises: 67ccf7a93423
Create Date: 2026-12-06 14:41:49.467635
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '492e012691b7'
down_revision: str | Sequence[str] | None = '67ccf7a93423'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_column('merged_into_id')

