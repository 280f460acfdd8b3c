"""people have handles to be mentioned by

Each existing account gets a handle made from its name, as ``polka.accounts.handles`` makes one
(lower-case letters and digits in hyphenated runs; a number added for a name already taken), oldest
account first.

Revision ID: a39f6bbafb60
Revises: c76ba4b141d3
Create Date: 2026-12-06 14:04:06.022367
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a39f6bbafb60'
down_revision: str | Sequence[str] | None = 'c76ba4b141d3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_users = sa.table('account_users', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('handle', sa.String))


def _base(name: str) -> str:
    ascii_name = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode()
    return re.sub(r'[^a-z0-9]+', '-', ascii_name.lower()).strip('-')[:35].strip('-') or 'member'


def upgrade() -> None:
    with op.batch_alter_table('account_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handle', sa.String(length=40), nullable=True))
    bind = op.get_bind()
    taken: set[str] = set()
    for user_id, name in bind.execute(sa.select(_users.c.id, _users.c.name).order_by(_users.c.id)).all():
        base = _base(name)
        handle, number = base, 1
        while handle in taken:
            number += 1
            handle = f'{base}-{number}'
        taken.add(handle)
        bind.execute(_users.update().where(_users.c.id == user_id).values(handle=handle))
    with op.batch_alter_table('account_users', schema=None) as batch_op:
        batch_op.alter_column('handle', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_account_users_handle'), ['handle'])


def downgrade() -> None:
    with op.batch_alter_table('account_users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_account_users_handle'), type_='unique')
        batch_op.drop_column('handle')
