"""Forum: categories, topics and posts

Revision ID: 5b68fb492a2c
Revises: 0dc8ede90823
Create Date: 2026-12-06 11:25:08.186331
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '5b68fb492a2c'
down_revision: str | Sequence[str] | None = '0dc8ede90823'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forum_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('open', 'announcements', 'read_only', name='categorymode', native_enum=False, length=32), nullable=False),
    sa.Column('archived_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_forum_categories_community_id_community_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_categories')),
    sa.UniqueConstraint('community_id', 'slug', name=op.f('uq_forum_categories_community_id_slug'))
    )
    op.create_table('forum_topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('is_question', sa.Boolean(), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.Column('reply_count', sa.Integer(), nullable=False),
    sa.Column('last_post_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_post_number', sa.Integer(), nullable=False),
    sa.Column('last_poster_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('marking', sa.Enum('OFFICIAL', 'OFFICIAL-SENSITIVE', name='marking', native_enum=False, length=32), nullable=False),
    sa.Column('deleted_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['forum_categories.id'], name=op.f('fk_forum_topics_category_id_forum_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_forum_topics_community_id_community_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['account_users.id'], name=op.f('fk_forum_topics_created_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['account_users.id'], name=op.f('fk_forum_topics_deleted_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_poster_id'], ['account_users.id'], name=op.f('fk_forum_topics_last_poster_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['account_users.id'], name=op.f('fk_forum_topics_updated_by_id_account_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_topics'))
    )
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.create_index('ix_forum_topics_category_activity', ['category_id', 'pinned', 'last_post_at', 'id'], unique=False)
        batch_op.create_index('ix_forum_topics_community_activity', ['community_id', 'last_post_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forum_topics_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('forum_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('links', sa.Text(), nullable=False),
    sa.Column('renderer_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('published', 'waiting', 'hidden', name='poststatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['account_users.id'], name=op.f('fk_forum_posts_author_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edited_by_id'], ['account_users.id'], name=op.f('fk_forum_posts_edited_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_posts_topic_id_forum_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_posts')),
    sa.UniqueConstraint('topic_id', 'number', name=op.f('uq_forum_posts_topic_id_number'))
    )
    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.create_index('ix_forum_posts_author', ['author_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_forum_posts_author')

    op.drop_table('forum_posts')
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_topics_deleted_at'))
        batch_op.drop_index('ix_forum_topics_community_activity')
        batch_op.drop_index('ix_forum_topics_category_activity')

    op.drop_table('forum_topics')
    op.drop_table('forum_categories')
