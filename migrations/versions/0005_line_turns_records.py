"""Running the line, timed turns and records: settings `turn`, `advance`, `request_order`; per-person turn
deadlines, the up-next flag and R1 figures; each room's session counter

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SETTINGS = (
    ("turn", sa.Integer()),
    ("advance", sa.Boolean()),
    ("request_order", sqlmodel.sql.sqltypes.AutoString()),
)
# Not null with a default: existing rows read as "no turn, never told, no figures", so the
# ADD COLUMN happens in place on both databases (SQLite rebuilds no table).
PEOPLE_COUNTED = (
    ("turn_length", sa.Integer(), "0"),
    ("tally", sa.Integer(), "0"),
    ("stage_seconds", sa.Float(), "0"),
    ("joins", sa.Integer(), "0"),
    ("requests_made", sa.Integer(), "0"),
    ("times_declined", sa.Integer(), "0"),
    ("waited_seconds", sa.Float(), "0"),
)
PEOPLE_TIMES = ("turn_ends_at", "warn_at", "on_stage_from", "asked_at")


def upgrade() -> None:
    for table in ("rooms", "workspaces"):
        for name, kind in SETTINGS:
            op.add_column(table, sa.Column(name, kind, nullable=True))
    op.add_column("rooms", sa.Column("session_number", sa.Integer(), nullable=False, server_default="0"))
    for name, kind, default in PEOPLE_COUNTED:
        op.add_column("people", sa.Column(name, kind, nullable=False, server_default=default))
    op.add_column("people", sa.Column("next_told", sa.Boolean(), nullable=False, server_default=sa.false()))
    for name in PEOPLE_TIMES:
        op.add_column("people", sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", table_kwargs={"sqlite_with_rowid": False}) as batch_op:
        for name in (*PEOPLE_TIMES, "next_told", *(name for name, _, _ in PEOPLE_COUNTED)):
            batch_op.drop_column(name)
    with op.batch_alter_table("rooms") as batch_op:
        batch_op.drop_column("session_number")
        for name, _ in SETTINGS:
            batch_op.drop_column(name)
    with op.batch_alter_table("workspaces") as batch_op:
        for name, _ in SETTINGS:
            batch_op.drop_column(name)
