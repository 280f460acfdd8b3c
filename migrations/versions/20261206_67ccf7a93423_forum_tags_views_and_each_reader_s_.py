"""Forum: tags, and each reader's progress in a topic (its views are how many readers it has)

Revision ID: 67ccf7a93423
Revises: 2c7e648afc5d
Create Date: 2026-12-06 14:31:38.905369
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '67ccf7a93423'
down_revision: str | Sequence[str] | None = '2c7e648afc5d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forum_topic_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('last_read_number', sa.Integer(), nullable=False),
    sa.Column('visited_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_topic_reads_topic_id_forum_topics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_forum_topic_reads_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_topic_reads')),
    sa.UniqueConstraint('user_id', 'topic_id', name=op.f('uq_forum_topic_reads_user_id_topic_id'))
    )
    with op.batch_alter_table('forum_topic_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_topic_reads_topic_id'), ['topic_id'], unique=False)

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tags', sa.String(length=300), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_column('tags')

    with op.batch_alter_table('forum_topic_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_topic_reads_topic_id'))

    op.drop_table('forum_topic_reads')
