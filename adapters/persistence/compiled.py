"""SQLite's statements as text, read from sqlite_sql.py: the SQLite store runs without importing SQLAlchemy.

The store's statements are written once, as SQLAlchemy Core (statements.py, delivery_statements.py,
sql.py, history.py). For SQLite, `python -m migrations.make_sqlite_sql` compiles each of them
(`SqliteCompiler`: named parameters without their bind prefix, with the values a statement carries
itself) and writes the text to sqlite_sql.py; tests/integration/test_sqlite_sql.py fails when that
file no longer matches what SQLAlchemy compiles. SQLAlchemy's import is ≈ 0.2 s of every start.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class SqliteStatement(NamedTuple):
    """A statement as sqlite3 runs it: its SQL, and the values it carries itself (a LIMIT's OFFSET 0, say)."""

    sql: str
    carried: dict[str, Any]


def sqlite_statements(group: str) -> dict[str, SqliteStatement]:
    """Return one group's compiled statements (a class of statements: "Statements", ...) by attribute name."""
    from adapters.persistence.sqlite_sql import STATEMENTS

    return {name: SqliteStatement(sql, dict(carried)) for name, (sql, carried) in STATEMENTS[group].items()}
