"""a personal blog post may be open to everyone signed in, its reports in the site's queue

Revision ID: 5b2c7e9a65f9
Revises: 53151927cfe2
Create Date: 2026-12-07 02:12:36.451717
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '5b2c7e9a65f9'
down_revision: str | Sequence[str] | None = '53151927cfe2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('blog_posts', schema=None) as batch_op:
        batch_op.alter_column('community_id',
               existing_type=sa.INTEGER(),
               nullable=True)
    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.alter_column('community_id',
               existing_type=sa.INTEGER(),
               nullable=True)


def downgrade() -> None:
    # posts open to everyone signed in, and the site's reports, have no community to go back to
    op.execute("DELETE FROM moderation_reports WHERE community_id IS NULL")
    with op.batch_alter_table('moderation_reports', schema=None) as batch_op:
        batch_op.alter_column('community_id',
               existing_type=sa.INTEGER(),
               nullable=False)
    op.execute("DELETE FROM blog_posts WHERE community_id IS NULL")
    with op.batch_alter_table('blog_posts', schema=None) as batch_op:
        batch_op.alter_column('community_id',
               existing_type=sa.INTEGER(),
               nullable=False)

