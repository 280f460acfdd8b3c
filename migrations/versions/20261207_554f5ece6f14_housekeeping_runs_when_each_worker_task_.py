"""Housekeeping runs: when each worker task was last started, so one worker of many does it

Revision ID: 554f5ece6f14
Revises: 2298a3055c30
Create Date: 2026-12-07 09:27:38.193481
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = '554f5ece6f14'
down_revision: str | Sequence[str] | None = '2298a3055c30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('housekeeping_runs',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('started_at', polka.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_housekeeping_runs'))
    )


def downgrade() -> None:
    op.drop_table('housekeeping_runs')
