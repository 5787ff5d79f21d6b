"""Delivery per room and the timers' due-time index: table `deliveries`; rooms `last_event_id`, `next_due`

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("consumer", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("delivered_id", sa.Integer(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"]),
        sa.PrimaryKeyConstraint("consumer", "room_id"),
    )
    op.add_column("rooms", sa.Column("last_event_id", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("rooms", sa.Column("next_due", sa.Float(), nullable=True))
    op.create_index("ix_rooms_next_due", "rooms", ["platform", "next_due"])
    # Existing consumers keep their one cursor as their floor (consumer_cursors), so nothing is told twice;
    # each room learns its newest event.
    op.execute("UPDATE rooms SET last_event_id = COALESCE((SELECT MAX(id) FROM events WHERE room_id = rooms.id), 0)")
    # A room with a deadline stored gets ticked once after the upgrade; that tick stores its true next due time.
    op.execute(
        "UPDATE rooms SET next_due = 0 WHERE EXISTS (SELECT 1 FROM people WHERE people.room_id = rooms.id AND "
        "(people.expires_at IS NOT NULL OR people.warn_at IS NOT NULL OR people.turn_ends_at IS NOT NULL))"
    )


def downgrade() -> None:
    op.drop_index("ix_rooms_next_due", table_name="rooms")
    with op.batch_alter_table("rooms") as batch_op:
        batch_op.drop_column("next_due")
        batch_op.drop_column("last_event_id")
    op.drop_table("deliveries")
