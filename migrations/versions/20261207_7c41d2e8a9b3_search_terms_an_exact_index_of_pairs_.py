"""Search terms: an exact index of stems, adjacent word pairs and title terms (PostgreSQL only)

Phrases of two words and ``title:`` were checked against every candidate's whole vector, which GIN
cannot answer alone; ``search_documents.terms`` holds what the index then finds exactly (see
``polka.search.pg_query.Vectors``) and replaces the vector's index. Rows written before hold their
stems and the incomplete mark (``complete`` false), so search finds them, checked by their vectors,
until ``polka worker`` rebuilds the index (its format is raised to 2).

Revision ID: 7c41d2e8a9b3
Revises: 554f5ece6f14
Create Date: 2026-12-07 12:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7c41d2e8a9b3"
down_revision: str | Sequence[str] | None = "554f5ece6f14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.add_column(
        "search_documents",
        sa.Column("terms", postgresql.TSVECTOR(), server_default=sa.text("''"), nullable=False),
    )
    op.add_column(
        "search_documents", sa.Column("complete", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute("UPDATE search_documents SET terms = strip(vector) || '''+incomplete'''::tsvector")
    op.drop_index("ix_search_documents_vector", table_name="search_documents", postgresql_using="gin")
    op.create_index("ix_search_documents_terms", "search_documents", ["terms"], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_search_documents_terms", table_name="search_documents", postgresql_using="gin")
    op.create_index("ix_search_documents_vector", "search_documents", ["vector"], postgresql_using="gin")
    op.drop_column("search_documents", "complete")
    op.drop_column("search_documents", "terms")
