"""Watched words, silenced members and slow mode

Revision ID: c980b47cf240
Revises: 9e7fe12addef
Create Date: 2026-12-06 12:00:28.528872
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = 'c980b47cf240'
down_revision: str | Sequence[str] | None = '9e7fe12addef'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('moderation_silences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('until', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_moderation_silences_community_id_community_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['account_users.id'], name=op.f('fk_moderation_silences_created_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_moderation_silences_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_silences'))
    )
    with op.batch_alter_table('moderation_silences', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_silences_member', ['community_id', 'user_id', 'until'], unique=False)

    op.create_table('moderation_watched_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('word', sa.String(length=100), nullable=False),
    sa.Column('action', sa.Enum('block', 'flag', name='wordaction', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_moderation_watched_words_community_id_community_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['account_users.id'], name=op.f('fk_moderation_watched_words_created_by_id_account_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_watched_words')),
    sa.UniqueConstraint('community_id', 'word', name=op.f('uq_moderation_watched_words_community_id_word'))
    )
    with op.batch_alter_table('moderation_watched_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_watched_words_community_id'), ['community_id'], unique=False)

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slow_mode_minutes', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_column('slow_mode_minutes')

    with op.batch_alter_table('moderation_watched_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_watched_words_community_id'))

    op.drop_table('moderation_watched_words')
    with op.batch_alter_table('moderation_silences', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_silences_member')

    op.drop_table('moderation_silences')
