"""What a store's steps see: a Runner of statements and a borrowed connection, on either database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from adapters.persistence.errors import translate

if TYPE_CHECKING:
    from sqlalchemy import Executable

    from adapters.persistence.compiled import SqliteStatement

T = TypeVar("T")
# A statement as the store holds it: Core (PostgreSQL, or compiled for SQLite on first use), or SQLite's text.
Statement: TypeAlias = "Executable | SqliteStatement"


class Runner(Protocol):
    """Runs statements inside one step; synchronous, on the connection's own thread or greenlet."""

    # How many times `begin` found that another connection had committed since the `begin` before
    # (SQLite's data_version); None where the database cannot tell (PostgreSQL).
    foreign: int | None

    def begin(self) -> None:
        """Start a write transaction."""

    def rows(self, statement: Statement, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        """Run a statement and return its rows."""
        ...

    def run(self, statement: Statement, params: dict[str, Any]) -> None:
        """Run a statement for its effect."""

    def many(self, statement: Statement, params: list[dict[str, Any]]) -> None:
        """Run a statement once per parameter set."""


class StepConnection(Protocol):
    """One connection, borrowed for a unit of work or a log read."""

    async def call(self, step: Callable[[Runner], T]) -> T:
        """Run a step and return what it returns."""
        ...

    async def finish(self, step: Callable[[Runner], T]) -> T:
        """Run a step, then commit; return what the step returned."""
        ...

    async def rollback(self) -> None:
        """Abandon the transaction, if any."""


def check(error: Exception, where: str, *, retry_disconnect: bool = False) -> None:
    """Raise StoreBusy or StoreUnavailable for a database error (a bug in a step is left to propagate)."""
    translated = translate(error, where, retry_disconnect=retry_disconnect)
    if translated is not error:
        raise translated from error


class Database(Protocol):
    """Where a store borrows its connections."""

    def connection(self) -> AbstractAsyncContextManager[StepConnection]:
        """Borrow a connection for one unit of work or read."""
        ...

    async def close(self) -> None:
        """Release what the database keeps between borrows."""
