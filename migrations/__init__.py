"""Alembic migrations for stagedoor's database (applied by `stagedoor migrate` and at start-up)."""
