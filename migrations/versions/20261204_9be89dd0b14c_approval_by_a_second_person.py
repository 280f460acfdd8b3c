"""Approval by a second person: the community setting, and who approved each document version

Revision ID: 9be89dd0b14c
Revises: 48de23d253c6
Create Date: 2026-12-04 23:32:58.146777
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db

revision: str = "9be89dd0b14c"
down_revision: str | Sequence[str] | None = "48de23d253c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("community_communities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("self_approval_allowed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("docs_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", polka.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_docs_versions_approved_by_id_account_users"),
            "account_users",
            ["approved_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # The approved version of each document was approved by the person the document names.
    documents = sa.table(
        "docs_documents",
        sa.column("id", sa.Integer),
        sa.column("approved_number", sa.Integer),
        sa.column("approved_by_id", sa.Integer),
        sa.column("approved_at", polka.db.UTCDateTime(timezone=True)),
    )
    versions = sa.table(
        "docs_versions",
        sa.column("document_id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("approved_by_id", sa.Integer),
        sa.column("approved_at", polka.db.UTCDateTime(timezone=True)),
    )
    approved = documents.c.id == versions.c.document_id, documents.c.approved_number == versions.c.number
    op.execute(
        versions.update()
        .where(sa.exists().where(*approved))
        .values(
            approved_by_id=sa.select(documents.c.approved_by_id).where(*approved).scalar_subquery(),
            approved_at=sa.select(documents.c.approved_at).where(*approved).scalar_subquery(),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("docs_versions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_docs_versions_approved_by_id_account_users"), type_="foreignkey"
        )
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by_id")

    with op.batch_alter_table("community_communities", schema=None) as batch_op:
        batch_op.drop_column("self_approval_allowed")
