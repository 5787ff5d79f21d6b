"""People: `mic_live`, whether a speaker's microphone is on (C5), off for every existing row

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: SQLite takes a NOT NULL column with a default in place,
    # so the WITHOUT ROWID table is not rebuilt. Off for everyone: a mic is off until reported on.
    op.add_column("people", sa.Column("mic_live", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("people", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        batch_op.drop_column("mic_live")
