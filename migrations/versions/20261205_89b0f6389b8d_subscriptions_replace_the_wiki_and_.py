"""Subscriptions: one table of who follows what, replacing the wiki's and the library's watch tables

Every watch becomes a subscription with the same person, object and time (``wiki.page``,
``docs.document``, ``docs.folder``); the two watch tables are then dropped. Downgrading copies the
watches back (following a community has no place there and is lost).

Revision ID: 89b0f6389b8d
Revises: 9be89dd0b14c
Create Date: 2026-12-05 21:18:40.820636
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polka.db

revision: str = "89b0f6389b8d"
down_revision: str | Sequence[str] | None = "ab7b369ec2e9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

subscriptions = sa.table(
    "subscription_subscriptions",
    sa.column("user_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("created_at", polka.db.UTCDateTime(timezone=True)),
)
wiki_watches = sa.table(
    "wiki_watches",
    sa.column("page_id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("created_at", polka.db.UTCDateTime(timezone=True)),
)
docs_watches = sa.table(
    "docs_watches",
    sa.column("user_id", sa.Integer),
    sa.column("document_id", sa.Integer),
    sa.column("folder_id", sa.Integer),
    sa.column("created_at", polka.db.UTCDateTime(timezone=True)),
)
#: Each watch table's object column, by the kind its rows become.
WATCHED = (
    ("wiki.page", wiki_watches, wiki_watches.c.page_id),
    ("docs.document", docs_watches, docs_watches.c.document_id),
    ("docs.folder", docs_watches, docs_watches.c.folder_id),
)


def upgrade() -> None:
    op.create_table(
        "subscription_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=41), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("created_at", polka.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_subscription_subscriptions_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_subscriptions")),
        sa.UniqueConstraint(
            "user_id", "kind", "object_id", name=op.f("uq_subscription_subscriptions_user_id_kind_object_id")
        ),
    )
    with op.batch_alter_table("subscription_subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_subscription_subscriptions_object", ["kind", "object_id"], unique=False)

    for kind, watches, object_id in WATCHED:
        # A library watch names a document or a folder, never both (polka/docs/watches.py stored one).
        only = docs_watches.c.document_id.is_(None) if kind == "docs.folder" else sa.true()
        op.execute(
            subscriptions.insert().from_select(
                ["user_id", "kind", "object_id", "created_at"],
                sa.select(watches.c.user_id, sa.literal(kind, sa.String), object_id, watches.c.created_at)
                .where(object_id.is_not(None), only)
                .order_by(watches.c.created_at),
            )
        )

    with op.batch_alter_table("wiki_watches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wiki_watches_user_id"))
    op.drop_table("wiki_watches")
    with op.batch_alter_table("docs_watches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_docs_watches_user_id"))
    op.drop_table("docs_watches")


def downgrade() -> None:
    op.create_table(
        "docs_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("folder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", polka.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["docs_documents.id"],
            name=op.f("fk_docs_watches_document_id_docs_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["folder_id"],
            ["docs_folders.id"],
            name=op.f("fk_docs_watches_folder_id_docs_folders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_docs_watches_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_docs_watches")),
        sa.UniqueConstraint("user_id", "document_id", name=op.f("uq_docs_watches_user_id_document_id")),
        sa.UniqueConstraint("user_id", "folder_id", name=op.f("uq_docs_watches_user_id_folder_id")),
    )
    with op.batch_alter_table("docs_watches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_docs_watches_user_id"), ["user_id"], unique=False)

    op.create_table(
        "wiki_watches",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", polka.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["wiki_pages.id"],
            name=op.f("fk_wiki_watches_page_id_wiki_pages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_wiki_watches_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("page_id", "user_id", name=op.f("pk_wiki_watches")),
    )
    with op.batch_alter_table("wiki_watches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wiki_watches_user_id"), ["user_id"], unique=False)

    # Back to the watch tables: only objects that still exist (the watch tables' keys point at them).
    targets = {
        "wiki.page": sa.table("wiki_pages", sa.column("id", sa.Integer)),
        "docs.document": sa.table("docs_documents", sa.column("id", sa.Integer)),
        "docs.folder": sa.table("docs_folders", sa.column("id", sa.Integer)),
    }
    for kind, watches, object_id in WATCHED:
        target = targets[kind]
        op.execute(
            watches.insert().from_select(
                ["user_id", object_id.name, "created_at"],
                sa.select(subscriptions.c.user_id, subscriptions.c.object_id, subscriptions.c.created_at)
                .where(
                    subscriptions.c.kind == kind,
                    sa.exists().where(target.c.id == subscriptions.c.object_id),
                )
                .order_by(subscriptions.c.created_at),
            )
        )

    with op.batch_alter_table("subscription_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_subscription_subscriptions_object")
    op.drop_table("subscription_subscriptions")
