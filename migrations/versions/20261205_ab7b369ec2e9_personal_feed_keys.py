"""Personal feed keys: one per person, the id that finds it and the SHA-256 of its secret

Revision ID: ab7b369ec2e9
Revises: 9be89dd0b14c
Create Date: 2026-12-05 21:20:43.037425
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db

revision: str = "ab7b369ec2e9"
down_revision: str | Sequence[str] | None = "9be89dd0b14c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_feed_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", polka.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_account_feed_keys_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_feed_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_account_feed_keys_key_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_account_feed_keys_user_id")),
    )


def downgrade() -> None:
    op.drop_table("account_feed_keys")
