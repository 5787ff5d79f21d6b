"""Write adapters/persistence/snapshot.py: the schema the migrations make, on SQLite and PostgreSQL, and their head.

Run it after adding a migration (tests/integration/test_schema_snapshot.py fails until then):

    python -m migrations.make_snapshot [--postgres URL]

It migrates a scratch SQLite file and a scratch PostgreSQL database (made on the server at URL, default
the tests' server, and dropped after) with Alembic, and copies what they hold: SQLite's own text of each
table and index, and `pg_dump --schema-only` of the PostgreSQL one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.connect import alembic_config

TARGET = Path(__file__).resolve().parents[1] / "adapters" / "persistence" / "snapshot.py"
DEFAULT_POSTGRES = os.environ.get("STAGEDOOR_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
# pg_dump's session settings and the schema itself (public exists already, and its comment is the server's).
SKIPPED = ("SET ", "SELECT pg_catalog.set_config", "CREATE SCHEMA", "COMMENT ON SCHEMA")
HEADER = '''"""The schema the migrations make, per dialect, and its revision (written by a tool: do not edit).

Regenerate after adding a migration: python -m migrations.make_snapshot. An empty database is made from
this in one go (adapters/persistence/schema.py); tests/integration/test_schema_snapshot.py checks that it
equals what the migrations make, on SQLite and PostgreSQL, and that HEAD is Alembic's head.
"""

from __future__ import annotations

'''


async def migrate_with_alembic(url: str) -> None:
    """Upgrade a database to head through every migration (never the snapshot)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
    finally:
        await engine.dispose()


async def sqlite_statements() -> list[str]:
    """Return the DDL of a SQLite database the migrations made, in the order SQLite holds it."""
    with tempfile.TemporaryDirectory(prefix="stagedoor-snapshot-") as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'snapshot.db'}"
        await migrate_with_alembic(url)
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                found = await connection.execute(
                    text("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
                )
                return [str(sql) for (sql,) in found]
        finally:
            await engine.dispose()


async def postgresql_statements(server: str) -> list[str]:
    """Return the DDL of a PostgreSQL database the migrations made (a scratch database on `server`)."""
    name = f"stagedoor_snapshot_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name)
        try:
            await migrate_with_alembic(url.render_as_string(hide_password=False))
            libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
            dumped = subprocess.run(
                ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "--schema=public", libpq],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
    return dump_statements(dumped)


def dump_statements(dumped: str) -> list[str]:
    """Return pg_dump's DDL statements, unqualified (the current schema, as migrations use), without its SETs."""
    statements = []
    for chunk in dumped.split(";\n"):
        lines = [line for line in chunk.splitlines() if line.strip() and not line.startswith(("--", "\\"))]
        statement = "\n".join(lines).strip()
        if not statement or statement.startswith(SKIPPED):
            continue
        statements.append(re.sub(r"\bpublic\.", "", statement))
    return statements


def _literal(sql: str) -> str:
    """Return `sql` as Python string literals of at most ~100 characters, broken after newlines and commas."""
    if len(json.dumps(sql)) <= 114:  # fits on one line, indented, with its comma
        return f"    {json.dumps(sql)},\n"
    pieces = [piece for piece in re.split(r"(?<=\n)|(?<=, )", sql) if piece]
    return "    (\n" + "".join(f"        {json.dumps(chunk)}\n" for chunk in chunked(pieces)) + "    ),\n"


def chunked(pieces: list[str], width: int = 100) -> list[str]:
    """Join consecutive pieces of text into runs whose JSON literals stay within `width` characters."""
    runs: list[str] = []
    for piece in pieces:
        if runs and len(json.dumps(runs[-1] + piece)) <= width:
            runs[-1] += piece
        else:
            runs.append(piece)
    return runs


def render(head: str, sqlite: list[str], postgresql: list[str]) -> str:
    """Return the text of snapshot.py."""
    out = HEADER + f"HEAD = {json.dumps(head)}\n\n"
    for name, statements in (("SQLITE", sqlite), ("POSTGRESQL", postgresql)):
        out += f"{name}: tuple[str, ...] = (\n" + "".join(_literal(s) for s in statements) + ")\n"
        out += "\n" if name == "SQLITE" else ""
    return out


def main() -> int:
    """Write the snapshot, then let ruff format it when ruff is at hand."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="URL", help="a PostgreSQL server to use")
    args = parser.parse_args()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SystemExit("no migrations")
    sqlite = asyncio.run(sqlite_statements())
    postgresql = asyncio.run(postgresql_statements(args.postgres))
    TARGET.write_text(render(head, sqlite, postgresql), encoding="utf-8")
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff:
        subprocess.run([ruff, "format", "--quiet", str(TARGET)], check=False)
    print(f"wrote {TARGET} (head {head}: {len(sqlite)} SQLite and {len(postgresql)} PostgreSQL statements)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
