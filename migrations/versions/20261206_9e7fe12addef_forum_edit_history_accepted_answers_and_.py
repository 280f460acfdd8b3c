"""Forum: edit history, accepted answers and helpful marks

Revision ID: 9e7fe12addef
Revises: a83ff2ccecbb
Create Date: 2026-12-06 11:49:43.629860
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '9e7fe12addef'
down_revision: str | Sequence[str] | None = 'a83ff2ccecbb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forum_helpful',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_helpful_post_id_forum_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_forum_helpful_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_helpful')),
    sa.UniqueConstraint('post_id', 'user_id', name=op.f('uq_forum_helpful_post_id_user_id'))
    )
    with op.batch_alter_table('forum_helpful', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_helpful_user_id'), ['user_id'], unique=False)

    op.create_table('forum_post_edits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('body_before', sa.Text(), nullable=False),
    sa.Column('edited_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['edited_by_id'], ['account_users.id'], name=op.f('fk_forum_post_edits_edited_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_post_edits_post_id_forum_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_post_edits'))
    )
    with op.batch_alter_table('forum_post_edits', schema=None) as batch_op:
        batch_op.create_index('ix_forum_post_edits_post', ['post_id', 'edited_at'], unique=False)

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helpful_count', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_post_id', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_column('accepted_post_id')

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_column('helpful_count')

    with op.batch_alter_table('forum_post_edits', schema=None) as batch_op:
        batch_op.drop_index('ix_forum_post_edits_post')

    op.drop_table('forum_post_edits')
    with op.batch_alter_table('forum_helpful', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_helpful_user_id'))

    op.drop_table('forum_helpful')
