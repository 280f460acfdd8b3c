"""Community descriptions and bios keep their rendered HTML (derived from the Markdown, filled in here)

Revision ID: 812490c06dfd
Revises: c0a7e1d2b3f4
Create Date: 2026-12-06 00:22:18.172314

The HTML is rendered by ``polka.markup.render_markdown`` as it is when this runs; should it change,
``polka communities rerender`` and ``polka people rerender`` render it again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from polka.markup import render_markdown

revision: str = "812490c06dfd"
down_revision: str | Sequence[str] | None = "c0a7e1d2b3f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

communities = sa.table(
    "community_communities",
    sa.column("id", sa.Integer),
    sa.column("description", sa.Text),
    sa.column("description_html", sa.Text),
)
users = sa.table("account_users", sa.column("id", sa.Integer), sa.column("bio", sa.Text))
bio_renderings = sa.table(
    "people_bio_renderings",
    sa.column("user_id", sa.Integer),
    sa.column("source", sa.Text),
    sa.column("html", sa.Text),
)


def upgrade() -> None:
    op.create_table(
        "people_bio_renderings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account_users.id"],
            name=op.f("fk_people_bio_renderings_user_id_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_people_bio_renderings")),
    )
    with op.batch_alter_table("community_communities") as batch:
        batch.add_column(sa.Column("description_html", sa.Text(), server_default="", nullable=False))
    bind = op.get_bind()
    described = bind.execute(
        sa.select(communities.c.id, communities.c.description).where(communities.c.description != "")
    ).all()
    for community_id, description in described:
        bind.execute(
            communities.update()
            .where(communities.c.id == community_id)
            .values(description_html=str(render_markdown(description)))
        )
    bios = bind.execute(sa.select(users.c.id, users.c.bio).where(users.c.bio != "")).all()
    if bios:
        bind.execute(
            bio_renderings.insert(),
            [{"user_id": user_id, "source": bio, "html": str(render_markdown(bio))} for user_id, bio in bios],
        )


def downgrade() -> None:
    with op.batch_alter_table("community_communities") as batch:
        batch.drop_column("description_html")
    op.drop_table("people_bio_renderings")
