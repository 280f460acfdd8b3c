"""events and their changed occurrences

Revision ID: 19073490e501
Revises: 492e012691b7
Create Date: 2026-12-06 16:57:38.611990
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '19073490e501'
down_revision: str | Sequence[str] | None = '492e012691b7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('events_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('online_link', sa.String(length=500), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('invitation_only', sa.Boolean(), nullable=False),
    sa.Column('names_shown', sa.Boolean(), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('start_fold', sa.Integer(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('end_fold', sa.Integer(), nullable=False),
    sa.Column('repeat', sa.Enum('never', 'weekly', 'fortnightly', 'monthly_date', 'monthly_weekday', 'yearly', name='repeat', native_enum=False, length=32), nullable=False),
    sa.Column('repeat_until', sa.Date(), nullable=True),
    sa.Column('repeat_count', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('last_start_at', sa.DateTime(), nullable=False),
    sa.Column('first_start_utc', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_end_utc', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('change_note', sa.String(length=500), nullable=False),
    sa.Column('changed_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=300), nullable=False),
    sa.Column('split_from_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('marking', sa.Enum('OFFICIAL', 'OFFICIAL-SENSITIVE', name='marking', native_enum=False, length=32), nullable=False),
    sa.Column('deleted_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community_communities.id'], name=op.f('fk_events_events_community_id_community_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['account_users.id'], name=op.f('fk_events_events_created_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['account_users.id'], name=op.f('fk_events_events_deleted_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organiser_id'], ['account_users.id'], name=op.f('fk_events_events_organiser_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['split_from_id'], ['events_events.id'], name=op.f('fk_events_events_split_from_id_events_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['account_users.id'], name=op.f('fk_events_events_updated_by_id_account_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events_events'))
    )
    with op.batch_alter_table('events_events', schema=None) as batch_op:
        batch_op.create_index('ix_events_events_community_window', ['community_id', 'last_end_utc', 'first_start_utc'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_events_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('events_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('original', sa.DateTime(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=True),
    sa.Column('start_fold', sa.Integer(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=True),
    sa.Column('end_fold', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('change_note', sa.String(length=500), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('changed_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['account_users.id'], name=op.f('fk_events_changes_changed_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events_events.id'], name=op.f('fk_events_changes_event_id_events_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events_changes')),
    sa.UniqueConstraint('event_id', 'original', name=op.f('uq_events_changes_event_id_original'))
    )


def downgrade() -> None:
    op.drop_table('events_changes')
    with op.batch_alter_table('events_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_events_deleted_at'))
        batch_op.drop_index('ix_events_events_community_window')

    op.drop_table('events_events')
