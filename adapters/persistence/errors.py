"""What a database error means to the store: busy (try again), or unusable (one line saying what to do)."""

from __future__ import annotations

import re
import sqlite3
import sys
from typing import TYPE_CHECKING

from core.service import StoreBusy

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError

# PostgreSQL: serialization_failure, deadlock_detected: another transaction won; trying again at once is right.
CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})
# lock_not_available (lock_timeout or NOWAIT), query_canceled (statement_timeout): the bounded wait is over.
WAITED_SQLSTATES = frozenset({"55P03", "57014"})
BUSY_SQLSTATES = CONFLICT_SQLSTATES | WAITED_SQLSTATES
READ_ONLY_SQLSTATES = frozenset({"25006"})  # read_only_sql_transaction (default_transaction_read_only, replicas)


class StoreUnavailable(Exception):
    """The database cannot be used; the message is one line: which URL, what went wrong, what to do."""


def one_line(error: BaseException) -> str:
    """Return the first line of an error's text, squeezed, without SQLAlchemy's "(driver.Error)" prefix."""
    text = str(error).strip().splitlines()
    line = " ".join(text[0].split()) if text else type(error).__name__
    line = re.sub(r"^(\([\w.]+\) )+", "", line)
    # asyncpg's errors arrive as "<class 'asyncpg.exceptions.X'>: text" through SQLAlchemy's adapter.
    return re.sub(r"^<class '[\w.]+'>: ", "", line).rstrip(".")


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None) or error
    state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "__cause__", None), "sqlstate", None)
    return state if isinstance(state, str) else None


def is_busy(error: BaseException) -> bool:
    """Say whether a database error means "someone else holds it; try again"."""
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    return _sqlstate(error) in BUSY_SQLSTATES


def _dbapi_error() -> type[DBAPIError] | None:
    """Return SQLAlchemy's DBAPIError if SQLAlchemy is loaded: no error can be one before (SQLite's store never is)."""
    module = sys.modules.get("sqlalchemy.exc")
    return module.DBAPIError if module is not None else None


def is_disconnect(error: BaseException) -> bool:
    """Say whether the connection itself was lost (server restart, pg_terminate_backend), not the statement."""
    dbapi_error = _dbapi_error()
    return dbapi_error is not None and isinstance(error, dbapi_error) and error.connection_invalidated


def is_read_only(error: BaseException) -> bool:
    """Say whether the database refused a write because it is read-only."""
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, sqlite3.OperationalError):
        return "readonly" in str(orig).lower()
    return _sqlstate(error) in READ_ONLY_SQLSTATES


def is_database_error(error: BaseException) -> bool:
    """Say whether an error came from the database or its driver (not from stagedoor's own code)."""
    dbapi_error = _dbapi_error()
    if dbapi_error is not None and isinstance(error, dbapi_error):
        return True
    return isinstance(error, sqlite3.Error | OSError) or type(error).__module__.startswith("asyncpg")


def busy(error: BaseException, where: str) -> StoreBusy:
    """Return the StoreBusy for a busy error: conflicts are worth retrying at once, expired waits are not."""
    state = _sqlstate(error)
    # SQLite reports "locked" only once its busy_timeout (the lock timeout) has run out.
    waited_for_lock = state == "55P03" or isinstance(getattr(error, "orig", None) or error, sqlite3.OperationalError)
    if waited_for_lock or state in WAITED_SQLSTATES:
        why = (
            "another connection held what the command needed longer than STAGEDOOR_DB_LOCK_TIMEOUT allows"
            if waited_for_lock
            else "a statement ran longer than STAGEDOOR_DB_STATEMENT_TIMEOUT allows"
        )
        return StoreBusy(
            f"The database {where} is busy: {one_line(error)} ({why}). Nothing was changed; try again in a moment.",
            retry=False,
        )
    return StoreBusy(f"The database {where} is busy: {one_line(error)}. Nothing was changed; try again in a moment.")


def unavailable(error: BaseException, where: str) -> StoreUnavailable:
    """Return the one-line StoreUnavailable for a database that stopped working."""
    if is_read_only(error):
        return StoreUnavailable(
            f"The database {where} is read-only: {one_line(error)}. Give stagedoor a database it may write "
            "(a SQLite file without mode=ro that this user can write, a PostgreSQL database that accepts writes)."
        )
    return StoreUnavailable(
        f"The database {where} stopped working: {one_line(error)}. Check that it still exists and the server "
        "is running (or point STAGEDOOR_DATABASE_URL at one that is), then start stagedoor again."
    )


def translate(error: Exception, where: str, *, retry_disconnect: bool) -> Exception:
    """Return what to raise for an error met while running a step: StoreBusy, StoreUnavailable, or the error."""
    if is_busy(error):
        return busy(error, where)
    if retry_disconnect and is_disconnect(error):
        # The server ended the connection before anything was committed; a new one may do the work.
        return StoreBusy(f"The connection to the database {where} was lost: {one_line(error)}.")
    if is_database_error(error):
        return unavailable(error, where)
    return error
