"""Storage behind core.service's UnitOfWork and EventLog.

- tables.py: the tables, as SQLAlchemy Core (rooms with their channel settings, workspaces, people, events, cursors,
  and adapters' own per-channel state).
- columns.py: the column names rows and statements share, and the bind prefix (no SQLAlchemy).
- statements.py: every statement as SQLAlchemy Core, built once per dialect (delivery_statements.py: the
  delivery's); on SQLite their compiled text instead (compiled.py, from sqlite_sql.py, written by
  `python -m migrations.make_sqlite_sql`), so SQLite's store never imports SQLAlchemy.
- mapping.py: rows <-> core objects (Room, Person, Session, Settings, LoggedEvent).
- database.py: run a step of statements in one go (SQLite: on the event loop's thread, no hop).
- errors.py: what a database error means: busy (StoreBusy, retried or answered) or unusable (StoreUnavailable).
- connect.py: open a URL (PostgreSQL with bounded lock and statement waits; a plain SQLite URL read without
  SQLAlchemy), migrate with Alembic.
- schema.py: a database at head costs one SELECT; an empty one is made from snapshot.py (the migrations'
  schema, per dialect); anything else is Alembic's.
- sql.py: SqlStore and its unit of work (version-locked rooms, per-process room cache, event log, adapter state).
- memory.py: an in-memory store for the core's tests and benchmarks.
"""
