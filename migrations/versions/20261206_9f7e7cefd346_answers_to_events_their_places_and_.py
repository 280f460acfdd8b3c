"""answers to events, their places and invitations

Revision ID: 9f7e7cefd346
Revises: 19073490e501
Create Date: 2026-12-06 17:10:12.255741
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '9f7e7cefd346'
down_revision: str | Sequence[str] | None = '19073490e501'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('events_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('original', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('going', 'maybe', 'not_going', name='answer', native_enum=False, length=32), nullable=False),
    sa.Column('waiting', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('answered_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events_events.id'], name=op.f('fk_events_answers_event_id_events_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_events_answers_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events_answers')),
    sa.UniqueConstraint('event_id', 'original', 'user_id', name=op.f('uq_events_answers_event_id_original_user_id'))
    )
    with op.batch_alter_table('events_answers', schema=None) as batch_op:
        batch_op.create_index('ix_events_answers_user', ['user_id'], unique=False)
        batch_op.create_index('ix_events_answers_waiting', ['event_id', 'original', 'waiting', 'answered_at'], unique=False)

    op.create_table('events_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events_events.id'], name=op.f('fk_events_invitations_event_id_events_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['account_users.id'], name=op.f('fk_events_invitations_invited_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_events_invitations_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events_invitations')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_events_invitations_event_id_user_id'))
    )
    op.create_table('events_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('original', sa.DateTime(), nullable=False),
    sa.Column('going', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events_events.id'], name=op.f('fk_events_places_event_id_events_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events_places')),
    sa.UniqueConstraint('event_id', 'original', name=op.f('uq_events_places_event_id_original'))
    )


def downgrade() -> None:
    op.drop_table('events_places')
    op.drop_table('events_invitations')
    with op.batch_alter_table('events_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_events_answers_waiting')
        batch_op.drop_index('ix_events_answers_user')

    op.drop_table('events_answers')
