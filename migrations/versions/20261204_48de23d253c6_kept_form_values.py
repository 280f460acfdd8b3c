"""Kept form values: what was typed into a form that arrived after its session ended.

Revision ID: 48de23d253c6
Revises: e4f5820f7812
Create Date: 2026-12-04 23:33:40.443746
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db


revision: str = "48de23d253c6"
down_revision: str | Sequence[str] | None = "e4f5820f7812"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_kept_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("page", sa.String(length=2000), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("created_at", polka.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", polka.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_account_kept_forms_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_kept_forms")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_kept_forms_token_hash")),
    )
    with op.batch_alter_table("account_kept_forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_kept_forms_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_kept_forms_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account_kept_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_kept_forms_user_id"))
        batch_op.drop_index(batch_op.f("ix_account_kept_forms_expires_at"))

    op.drop_table("account_kept_forms")
