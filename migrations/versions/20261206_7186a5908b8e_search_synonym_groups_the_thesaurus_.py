"""Search synonym groups: the thesaurus administrators keep (the shipped groups are added by
`polka db upgrade`, as the organisations are)

Revision ID: 7186a5908b8e
Revises: 812490c06dfd
Create Date: 2026-12-06 07:39:45.548939
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '7186a5908b8e'
down_revision: str | Sequence[str] | None = '812490c06dfd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('search_synonym_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('shipped_key', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['account_users.id'], name=op.f('fk_search_synonym_groups_updated_by_id_account_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonym_groups')),
    sa.UniqueConstraint('shipped_key', name=op.f('uq_search_synonym_groups_shipped_key'))
    )


def downgrade() -> None:
    op.drop_table('search_synonym_groups')
