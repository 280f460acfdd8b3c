"""notifications: in-app and email, with preferences and digests

Revision ID: b0328639d707
Revises: 5b2c7e9a65f9
Create Date: 2026-12-07 05:49:43.098885
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = 'b0328639d707'
down_revision: str | Sequence[str] | None = '5b2c7e9a65f9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('mention', 'reply', 'comment', 'answer', 'waiting', 'decision', 'action', 'event_change', 'event_new', 'followed', name='reason', native_enum=False, length=32), nullable=False),
    sa.Column('frequency', sa.Enum('immediately', 'daily', 'weekly', 'never', name='frequency', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_notification_preferences_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'reason', name=op.f('pk_notification_preferences'))
    )
    op.create_table('notification_schedules',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('paused_until', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('digest_hour', sa.SmallInteger(), nullable=False),
    sa.Column('digest_weekday', sa.SmallInteger(), nullable=False),
    sa.Column('daily_until', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('weekly_until', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_notification_schedules_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_schedules'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('mention', 'reply', 'comment', 'answer', 'waiting', 'decision', 'action', 'event_change', 'event_new', 'followed', name='reason', native_enum=False, length=32), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('place_kind', sa.String(length=40), nullable=True),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('since', sa.Integer(), nullable=True),
    sa.Column('verb', sa.String(length=80), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['account_users.id'], name=op.f('fk_notifications_actor_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_notifications_community_id_community_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_notifications_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_user_emailed', ['user_id', 'emailed_at'], unique=False)
        batch_op.create_index('ix_notifications_created', ['created_at'], unique=False)

    with op.batch_alter_table('account_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unread_notifications', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('email_bounced_at', polka.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_bounce', sa.String(length=300), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('account_users', schema=None) as batch_op:
        batch_op.drop_column('email_bounce')
        batch_op.drop_column('email_bounced_at')
        batch_op.drop_column('unread_notifications')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_created')
        batch_op.drop_index('ix_notifications_user_emailed')
        batch_op.drop_index('ix_notifications_user_created')

    op.drop_table('notifications')
    op.drop_table('notification_schedules')
    op.drop_table('notification_preferences')
