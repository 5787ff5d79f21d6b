"""People: drop `since` (when a person took their position), which nothing ever read

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 08:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite rebuilds the table (old SQLite versions cannot drop a column in place); it stays WITHOUT ROWID.
    with op.batch_alter_table("people", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.drop_column("since")


def downgrade() -> None:
    with op.batch_alter_table("people", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.add_column(sa.Column("since", sa.Float(), nullable=False, server_default="0"))
