"""PostgreSQL full-text search: the search backend's tables (PostgreSQL only; nothing on SQLite)

The tables of ``polka.search.pg_tables`` as they were when this migration was written, and the
``pg_trgm`` extension ("Did you mean …?"). The index starts as never built (format 0): ``polka
worker`` then indexes what the database already holds, as ``polka search reindex`` would.

Revision ID: 2298a3055c30
Revises: b0328639d707
Create Date: 2026-12-07 09:09:48.843550
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '2298a3055c30'
down_revision: str | Sequence[str] | None = 'b0328639d707'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXTENSION_NEEDED = (
    "POLKA's PostgreSQL search needs the pg_trgm extension, and the database user may not create it. "
    "Ask the database's owner or a superuser to run CREATE EXTENSION pg_trgm; in database {database}, "
    "then run `polka db upgrade` again."
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _create_extension(bind)
    op.create_table('search_documents',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('tags', postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('vector', postgresql.TSVECTOR(), nullable=False),
    sa.Column('lead', postgresql.TSVECTOR(), nullable=False),
    sa.Column('boost', sa.Float(), server_default=sa.text('1'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('generation', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'object_id', name=op.f('pk_search_documents'))
    )
    # Ranking reads each match's lead: keep it in the row rather than out of line.
    op.execute("ALTER TABLE search_documents ALTER COLUMN lead SET STORAGE MAIN")
    op.create_index('ix_search_documents_community_id', 'search_documents', ['community_id'])
    op.create_index('ix_search_documents_updated_at', 'search_documents', ['updated_at'])
    op.create_index('ix_search_documents_vector', 'search_documents', ['vector'], postgresql_using='gin')
    op.create_table('search_journal',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'object_id', name=op.f('pk_search_journal'))
    )
    state = op.create_table('search_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('rebuilding', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_state'))
    )
    op.bulk_insert(state, [{"id": 1, "format": 0, "generation": 0, "rebuilding": False}])
    op.create_table('search_words',
    sa.Column('word', sa.Text(), nullable=False),
    sa.Column('stem', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    op.create_index('ix_search_words_prefix', 'search_words', ['word'], postgresql_ops={'word': 'text_pattern_ops'})
    op.create_index(
        'ix_search_words_trigrams', 'search_words', ['word'], postgresql_using='gin',
        postgresql_ops={'word': 'gin_trgm_ops'},
    )


def _create_extension(bind: sa.Connection) -> None:
    """``pg_trgm``, unless it is there already; a clear message when the user may not create it."""
    if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        return
    database = bind.scalar(sa.text("SELECT current_database()"))
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", "") != "42501":  # insufficient_privilege
            raise
        raise RuntimeError(EXTENSION_NEEDED.format(database=database)) from exc


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_table('search_words')
    op.drop_table('search_state')
    op.drop_table('search_journal')
    op.drop_table('search_documents')
