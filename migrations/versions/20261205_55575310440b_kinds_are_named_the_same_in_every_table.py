"""Content kinds have one name in every table: wiki.page, wiki.attachment, docs.document

Cross-links (``crossref_links``: ``wiki`` → ``wiki.page``, ``doc`` → ``docs.document``, both ends, the
columns widened to hold any kind's name) and the audit log (``audit_entries.target_type``:
``wiki_page`` and the denials' ``wikipage`` → ``wiki.page``, ``document`` → ``docs.document``,
``wiki_attachment`` → ``wiki.attachment``) are renamed in place.

The search index keyed its documents ``wiki:42`` and ``doc:42``; they are now ``wiki.page:42`` and
``docs.document:42``. So that no old key keeps answering, every page and document is queued in
``search_outbox`` twice: under its new name (the applier writes its document afresh) and under its
old one (no adapter answers to it any more, so the applier removes that key). Rows already waiting
under an old name are left as they are, for the same reason: applied, they remove the old key, and
the object's new-name row writes it again. The queue is applied by ``polka worker`` (or ``polka search
apply``) after the upgrade; ``polka search reindex`` rebuilds the index from scratch instead.

Activity rows and the watch tables are converted by their own migrations.

Downgrade names everything the old way again (both ``wiki_page`` and ``wikipage`` come back as
``wiki_page``) and queues the same removal and rewrite the other way round.

Revision ID: 55575310440b
Revises: 9be89dd0b14c
Create Date: 2026-12-05 21:31:15.051856
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from alembic import op

import polka.db

revision: str = "55575310440b"
down_revision: str | Sequence[str] | None = "89b0f6389b8d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: What each table called the kinds before this revision.
LINKS = {"wiki": "wiki.page", "doc": "docs.document"}
AUDIT = {
    "wiki_page": "wiki.page",
    "wikipage": "wiki.page",  # a permission denial named its target by the class name
    "document": "docs.document",
    "wiki_attachment": "wiki.attachment",
}
SEARCH = {"wiki": ("wiki_pages", "wiki.page"), "doc": ("docs_documents", "docs.document")}

links = sa.table("crossref_links", sa.column("source_kind", sa.String), sa.column("target_kind", sa.String))
audit = sa.table("audit_entries", sa.column("target_type", sa.String))
outbox = sa.table(
    "search_outbox",
    sa.column("kind", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("created_at", polka.db.UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    _widen("crossref_links", ("source_kind", "target_kind"), 20, 40)
    _rename(links.c.source_kind, LINKS)
    _rename(links.c.target_kind, LINKS)
    _rename(audit.c.target_type, AUDIT)
    for old, (table, new) in SEARCH.items():
        _queue(table, (new, old))


def downgrade() -> None:
    back_links = {new: old for old, new in LINKS.items()}
    _rename(links.c.source_kind, back_links)
    _rename(links.c.target_kind, back_links)
    _rename(audit.c.target_type, {new: old for old, new in AUDIT.items() if old != "wikipage"})
    for old, (table, new) in SEARCH.items():
        _queue(table, (old, new))
    _widen("crossref_links", ("source_kind", "target_kind"), 40, 20)


def _widen(table: str, columns: Sequence[str], before: int, after: int) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=before),
                type_=sa.String(length=after),
                existing_nullable=False,
            )


def _rename(column: sa.ColumnClause[str], names: Mapping[str, str]) -> None:
    for old, new in names.items():
        op.execute(column.table.update().where(column == old).values({column.name: new}))


def _queue(table: str, kinds: Sequence[str]) -> None:
    """Queue every row of ``table`` for the search applier under each of ``kinds``."""
    ids = sa.table(table, sa.column("id", sa.Integer))
    now = sa.bindparam("now", polka.db.utcnow(), type_=polka.db.UTCDateTime(timezone=True))
    for kind in kinds:
        op.execute(
            outbox.insert().from_select(
                ["kind", "object_id", "created_at"],
                sa.select(sa.literal(kind, sa.String), ids.c.id, now).order_by(ids.c.id),
            )
        )
