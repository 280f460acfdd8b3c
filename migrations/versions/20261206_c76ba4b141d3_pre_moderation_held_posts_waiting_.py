"""Pre-moderation: held posts, waiting topics, new members' first posts

Revision ID: c76ba4b141d3
Revises: c980b47cf240
Create Date: 2026-12-06 12:06:33.562446
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = 'c76ba4b141d3'
down_revision: str | Sequence[str] | None = 'c980b47cf240'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('moderation_settings',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('new_member_posts_held', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_moderation_settings_community_id_community_communities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('community_id', name=op.f('pk_moderation_settings'))
    )
    with op.batch_alter_table('forum_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('premoderated', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_reason', sa.String(length=300), nullable=False, server_default=''))

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waiting', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_column('waiting')

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_column('held_reason')

    with op.batch_alter_table('forum_categories', schema=None) as batch_op:
        batch_op.drop_column('premoderated')

    op.drop_table('moderation_settings')
