"""Moderation reports; forum lock and hide reasons

Revision ID: a83ff2ccecbb
Revises: 5b68fb492a2c
Create Date: 2026-12-06 11:43:43.333373
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = 'a83ff2ccecbb'
down_revision: str | Sequence[str] | None = '5b68fb492a2c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('moderation_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Enum('off_topic', 'inappropriate', 'marked_too_low', 'other', name='reportreason', native_enum=False, length=32), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('kept', 'hidden', name='outcome', native_enum=False, length=32), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_moderation_reports_community_id_community_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['account_users.id'], name=op.f('fk_moderation_reports_decided_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['account_users.id'], name=op.f('fk_moderation_reports_reporter_id_account_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_reports'))
    )
    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_reports_open', ['community_id', 'decided_at'], unique=False)
        batch_op.create_index('ix_moderation_reports_reporter', ['reporter_id', 'created_at'], unique=False)
        batch_op.create_index('ix_moderation_reports_target', ['target_kind', 'target_id'], unique=False)

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=300), nullable=False, server_default=''))

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_reason', sa.String(length=300), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_column('lock_reason')

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_column('hidden_reason')

    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_reports_target')
        batch_op.drop_index('ix_moderation_reports_reporter')
        batch_op.drop_index('ix_moderation_reports_open')

    op.drop_table('moderation_reports')
