"""Storage behind core.service's UnitOfWork and EventLog.

- tables.py: the SQLModel tables (rooms with their channel settings, workspaces, people, events, cursors,
  and adapters' own per-channel state).
- statements.py: every statement as SQLAlchemy Core, built once per dialect.
- mapping.py: rows <-> core objects (Room, Person, Session, Settings, LoggedEvent).
- database.py: run a step of statements in one go (SQLite: on the event loop's thread, no hop).
- errors.py: what a database error means: busy (StoreBusy, retried or answered) or unusable (StoreUnavailable).
- connect.py: open a URL (PostgreSQL with bounded lock and statement waits), migrate with Alembic.
- schema.py: a database at head costs one SELECT; an empty one is made from snapshot.py (the migrations'
  schema, per dialect); anything else is Alembic's.
- sql.py: SqlStore and its unit of work (version-locked rooms, per-process room cache, event log, adapter state).
- memory.py: an in-memory store for the core's tests and benchmarks.
"""
