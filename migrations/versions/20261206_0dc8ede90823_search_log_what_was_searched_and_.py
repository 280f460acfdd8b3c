"""Search log: what was searched and whether it found anything, without who searched

Revision ID: 0dc8ede90823
Revises: 7186a5908b8e
Create Date: 2026-12-06 08:05:24.255452
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '0dc8ede90823'
down_revision: str | Sequence[str] | None = '7186a5908b8e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('search_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('searched_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('words', sa.String(length=200), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('results', sa.Integer(), nullable=False),
    sa.Column('opened', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_search_log_community_id_community_communities'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_log'))
    )
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_log_searched_at'), ['searched_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_log_searched_at'))

    op.drop_table('search_log')
