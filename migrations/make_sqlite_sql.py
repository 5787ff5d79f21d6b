"""Write adapters/persistence/sqlite_sql.py: SQLite's compiled text of every statement the store runs.

Run it after changing a statement (tests/integration/test_sqlite_sql.py fails until then):

    python -m migrations.make_sqlite_sql

The statements are written as SQLAlchemy Core, once per dialect; the SQLite store runs the text this
writes, so it never imports SQLAlchemy (adapters/persistence/compiled.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Executable

from adapters.persistence.database import SqliteCompiler
from adapters.persistence.delivery_statements import DeliveryStatements
from adapters.persistence.history import HistoryStatements
from adapters.persistence.sql import ChannelStatements
from adapters.persistence.statements import Statements
from migrations.make_snapshot import chunked

TARGET = Path(__file__).resolve().parents[1] / "adapters" / "persistence" / "sqlite_sql.py"
# Each class of statements, by the name compiled.sqlite_statements knows it by, built as Core for SQLite.
GROUPS: dict[str, Callable[[], object]] = {
    "Statements": lambda: Statements("sqlite", core=True),
    "DeliveryStatements": lambda: DeliveryStatements("sqlite", core=True),
    "ChannelStatements": lambda: ChannelStatements("sqlite", core=True),
    "HistoryStatements": lambda: HistoryStatements("sqlite", core=True),
}
HEADER = '''"""SQLite's text of every statement the store runs (written by a tool: do not edit).

Regenerate after changing a statement: python -m migrations.make_sqlite_sql. Per class of statements,
each attribute's SQL and the values it carries itself, as SqliteCompiler compiles the SQLAlchemy Core
statement (adapters/persistence/compiled.py); tests/integration/test_sqlite_sql.py checks they are current.
"""

from __future__ import annotations

from typing import Any

'''


def compile_all() -> dict[str, dict[str, tuple[str, dict[str, Any]]]]:
    """Return every group's statements compiled for SQLite: group -> attribute -> (SQL, carried values)."""
    compiler = SqliteCompiler()
    found: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for group, make in GROUPS.items():
        statements = vars(make())
        found[group] = {
            name: tuple(compiler.get(value))  # type: ignore[misc]
            for name, value in statements.items()
            if isinstance(value, Executable)
        }
    return found


def _literal(sql: str, indent: str) -> str:
    """Return `sql` as Python string literals of at most ~100 characters, broken after newlines and commas."""
    pieces = [piece for piece in re.split(r"(?<=\n)|(?<=, )|(?<= )(?=[A-Z]{2,} )", sql) if piece]
    chunks = chunked(pieces)
    return "".join(f"{indent}{json.dumps(chunk)}\n" for chunk in chunks[:-1]) + f"{indent}{json.dumps(chunks[-1])},\n"


def render(compiled: dict[str, dict[str, tuple[str, dict[str, Any]]]]) -> str:
    """Return the text of sqlite_sql.py."""
    out = HEADER + "STATEMENTS: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {\n"
    for group, statements in compiled.items():
        out += f"    {json.dumps(group)}: {{\n"
        for name, (sql, carried) in statements.items():
            out += f"        {json.dumps(name)}: (\n{_literal(sql, ' ' * 12)}            {carried!r},\n        ),\n"
        out += "    },\n"
    return out + "}\n"


def main() -> int:
    """Write sqlite_sql.py, then let ruff format it when ruff is at hand."""
    compiled = compile_all()
    TARGET.write_text(render(compiled), encoding="utf-8")
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff:
        subprocess.run([ruff, "format", "--quiet", str(TARGET)], check=False)
    count = sum(len(statements) for statements in compiled.values())
    print(f"wrote {TARGET} ({count} statements in {len(compiled)} groups)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
