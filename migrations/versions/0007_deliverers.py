"""Deliverers' heartbeats, so that several processes of one platform share its rooms fairly: table `deliverers`

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deliverers",
        sa.Column("consumer", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("alive_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "owner"),
    )


def downgrade() -> None:
    op.drop_table("deliverers")
