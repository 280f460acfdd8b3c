"""events meeting packs: papers, actions, minutes taken

Revision ID: 4fe9fa81d5a7
Revises: 9f7e7cefd346
Create Date: 2026-12-06 19:54:19.573764
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '4fe9fa81d5a7'
down_revision: str | Sequence[str] | None = '9f7e7cefd346'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('events_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('original', sa.DateTime(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['account_users.id'], name=op.f('fk_events_actions_assignee_id_account_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['account_users.id'], name=op.f('fk_events_actions_created_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['account_users.id'], name=op.f('fk_events_actions_done_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events_events.id'], name=op.f('fk_events_actions_event_id_events_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events_actions'))
    )
    with op.batch_alter_table('events_actions', schema=None) as batch_op:
        batch_op.create_index('ix_events_actions_assignee', ['assignee_id', 'done_at'], unique=False)
        batch_op.create_index('ix_events_actions_occurrence', ['event_id', 'original'], unique=False)

    op.create_table('events_papers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('original', sa.DateTime(), nullable=False),
    sa.Column('target_kind', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('agenda', 'paper', 'minutes', name='paperrole', native_enum=False, length=32), nullable=False),
    sa.Column('added_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['account_users.id'], name=op.f('fk_events_papers_added_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events_events.id'], name=op.f('fk_events_papers_event_id_events_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events_papers')),
    sa.UniqueConstraint('event_id', 'original', 'target_kind', 'target_id', name=op.f('uq_events_papers_event_id_original_target_kind_target_id'))
    )
    with op.batch_alter_table('events_papers', schema=None) as batch_op:
        batch_op.create_index('ix_events_papers_role', ['event_id', 'role', 'original'], unique=False)

    with op.batch_alter_table('events_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes_taken', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('events_events', schema=None) as batch_op:
        batch_op.drop_column('minutes_taken')

    with op.batch_alter_table('events_papers', schema=None) as batch_op:
        batch_op.drop_index('ix_events_papers_role')

    op.drop_table('events_papers')
    with op.batch_alter_table('events_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_events_actions_occurrence')
        batch_op.drop_index('ix_events_actions_assignee')

    op.drop_table('events_actions')
