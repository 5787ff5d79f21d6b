"""Alembic environment: async engines, batch mode on SQLite, models from the persistence tables.

The store runs migrations on its own connection (passed in `config.attributes`);
the `alembic` command line (migrations/alembic.ini) opens one from the URL.

On PostgreSQL the whole upgrade runs under an advisory lock, taken before Alembic
reads the current version: processes that start together on an empty database
migrate one after another, and each later one finds the schema already at head.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, pool
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import adapters.persistence.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from adapters.persistence.schema import MIGRATION_LOCK_WAIT_SECONDS, lock_for_migrations

config = context.config
target_metadata = SQLModel.metadata


def run_on(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    if connection.dialect.name != "sqlite":
        _run_on(connection)
        return
    # Waiting out another process's upgrade (a table rebuild on a loaded machine) may take longer than a
    # command's busy_timeout; the connection goes back to the store's pool afterwards, so its own is restored.
    saved = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    connection.exec_driver_sql(f"PRAGMA busy_timeout={MIGRATION_LOCK_WAIT_SECONDS * 1000}")
    try:
        _run_on(connection)
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(saved)}")


def _run_on(connection: Connection) -> None:
    lock_for_migrations(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url() -> None:
    """Open the configured URL with an async engine and migrate it."""
    engine = create_async_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


def run_offline() -> None:
    """Print the SQL instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif config.attributes.get("connection") is not None:
    run_on(config.attributes["connection"])
else:
    asyncio.run(run_from_url())
