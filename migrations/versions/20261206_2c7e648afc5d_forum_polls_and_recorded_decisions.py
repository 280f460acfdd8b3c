"""Forum: polls and recorded decisions

Revision ID: 2c7e648afc5d
Revises: a39f6bbafb60
Create Date: 2026-12-06 14:17:14.579790
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '2c7e648afc5d'
down_revision: str | Sequence[str] | None = 'a39f6bbafb60'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forum_polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('multiple', sa.Boolean(), nullable=False),
    sa.Column('named', sa.Boolean(), nullable=False),
    sa.Column('results', sa.Enum('after_voting', 'after_closing', name='pollresults', native_enum=False, length=32), nullable=False),
    sa.Column('closes_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voter_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['account_users.id'], name=op.f('fk_forum_polls_created_by_id_account_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_polls_topic_id_forum_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_polls')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_forum_polls_topic_id'))
    )
    op.create_table('forum_poll_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', polka.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['forum_polls.id'], name=op.f('fk_forum_poll_ballots_poll_id_forum_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['account_users.id'], name=op.f('fk_forum_poll_ballots_user_id_account_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_poll_ballots')),
    sa.UniqueConstraint('poll_id', 'user_id', name=op.f('uq_forum_poll_ballots_poll_id_user_id'))
    )
    with op.batch_alter_table('forum_poll_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_poll_ballots_user_id'), ['user_id'], unique=False)

    op.create_table('forum_poll_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('vote_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['forum_polls.id'], name=op.f('fk_forum_poll_options_poll_id_forum_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_poll_options')),
    sa.UniqueConstraint('poll_id', 'position', name=op.f('uq_forum_poll_options_poll_id_position'))
    )
    op.create_table('forum_poll_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['forum_poll_ballots.id'], name=op.f('fk_forum_poll_choices_ballot_id_forum_poll_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['forum_poll_options.id'], name=op.f('fk_forum_poll_choices_option_id_forum_poll_options'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_poll_choices')),
    sa.UniqueConstraint('ballot_id', 'option_id', name=op.f('uq_forum_poll_choices_ballot_id_option_id'))
    )
    with op.batch_alter_table('forum_poll_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_poll_choices_option_id'), ['option_id'], unique=False)

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('decided_at', polka.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_forum_topics_decided_by_id_account_users'), 'account_users', ['decided_by_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_forum_topics_decided_by_id_account_users'), type_='foreignkey')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decision')

    with op.batch_alter_table('forum_poll_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_poll_choices_option_id'))

    op.drop_table('forum_poll_choices')
    op.drop_table('forum_poll_options')
    with op.batch_alter_table('forum_poll_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_poll_ballots_user_id'))

    op.drop_table('forum_poll_ballots')
    op.drop_table('forum_polls')
