"""blogs: posts, their tags and history, comments and the blogs' settings

Revision ID: 53151927cfe2
Revises: 4fe9fa81d5a7
Create Date: 2026-12-06 23:58:34.708168
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '53151927cfe2'
down_revision: str | Sequence[str] | None = '4fe9fa81d5a7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('blog_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('renderer_version', sa.Integer(), nullable=False),
    sa.Column('tags', sa.String(length=300), nullable=False),
    sa.Column('personal', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'scheduled', 'published', name='poststatus', native_enum=False, length=32), nullable=False),
    sa.Column('publish_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_month', sa.Integer(), nullable=True),
    sa.Column('comments_closed', sa.Boolean(), nullable=False),
    sa.Column('excerpt', sa.String(length=300), nullable=False),
    sa.Column('reading_minutes', sa.Integer(), nullable=False),
    sa.Column('cover_sha256', sa.String(length=64), nullable=True),
    sa.Column('cover_type', sa.String(length=20), nullable=False),
    sa.Column('cover_width', sa.Integer(), nullable=False),
    sa.Column('cover_height', sa.Integer(), nullable=False),
    sa.Column('cover_alt', sa.String(length=250), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('marking', sa.Enum('OFFICIAL', 'OFFICIAL-SENSITIVE', name='marking', native_enum=False, length=32), nullable=False),
    sa.Column('deleted_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('links', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_blog_posts_community_id_community_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['account_users.id'], name=op.f('fk_blog_posts_created_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['account_users.id'], name=op.f('fk_blog_posts_deleted_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['account_users.id'], name=op.f('fk_blog_posts_updated_by_id_account_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_posts'))
    )
    with op.batch_alter_table('blog_posts', schema=None) as batch_op:
        batch_op.create_index('ix_blog_posts_community_month', ['community_id', 'status', 'published_month'], unique=False, sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
        batch_op.create_index('ix_blog_posts_community_published', ['community_id', 'status', 'published_at', 'id'], unique=False, sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_blog_posts_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_blog_posts_personal', ['created_by_id', 'personal', 'status', 'published_at'], unique=False)
        batch_op.create_index('ix_blog_posts_status_publish_at', ['status', 'publish_at'], unique=False)

    op.create_table('blog_settings',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('writers', sa.Enum('members', 'moderators', name='writers', native_enum=False, length=32), nullable=False),
    sa.Column('updated_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_blog_settings_community_id_community_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('community_id', name=op.f('pk_blog_settings'))
    )
    op.create_table('blog_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_blog_tags_community_id_community_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_tags')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_blog_tags_community_id_name'))
    )
    op.create_table('blog_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('links', sa.Text(), nullable=False),
    sa.Column('renderer_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('published', 'waiting', 'hidden', name='commentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('hidden_reason', sa.String(length=300), nullable=False),
    sa.Column('held_reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['account_users.id'], name=op.f('fk_blog_comments_author_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['blog_comments.id'], name=op.f('fk_blog_comments_parent_id_blog_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['blog_posts.id'], name=op.f('fk_blog_comments_post_id_blog_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_comments'))
    )
    with op.batch_alter_table('blog_comments', schema=None) as batch_op:
        batch_op.create_index('ix_blog_comments_author', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_blog_comments_post', ['post_id', 'parent_id', 'created_at', 'id'], unique=False)

    op.create_table('blog_post_tags',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['blog_posts.id'], name=op.f('fk_blog_post_tags_post_id_blog_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['blog_tags.id'], name=op.f('fk_blog_post_tags_tag_id_blog_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'tag_id', name=op.f('pk_blog_post_tags'))
    )
    with op.batch_alter_table('blog_post_tags', schema=None) as batch_op:
        batch_op.create_index('ix_blog_post_tags_tag', ['tag_id', 'post_id'], unique=False)

    op.create_table('blog_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('edited_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['edited_by_id'], ['account_users.id'], name=op.f('fk_blog_revisions_edited_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['blog_posts.id'], name=op.f('fk_blog_revisions_post_id_blog_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_revisions'))
    )
    with op.batch_alter_table('blog_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_blog_revisions_post', ['post_id', 'edited_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('blog_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_blog_revisions_post')

    op.drop_table('blog_revisions')
    with op.batch_alter_table('blog_post_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_blog_post_tags_tag')

    op.drop_table('blog_post_tags')
    with op.batch_alter_table('blog_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_blog_comments_post')
        batch_op.drop_index('ix_blog_comments_author')

    op.drop_table('blog_comments')
    op.drop_table('blog_tags')
    op.drop_table('blog_settings')
    with op.batch_alter_table('blog_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_blog_posts_status_publish_at')
        batch_op.drop_index('ix_blog_posts_personal')
        batch_op.drop_index(batch_op.f('ix_blog_posts_deleted_at'))
        batch_op.drop_index('ix_blog_posts_community_published', sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
        batch_op.drop_index('ix_blog_posts_community_month', sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))

    op.drop_table('blog_posts')
