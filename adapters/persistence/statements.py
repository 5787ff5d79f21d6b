"""Every SQL statement the store runs, written once per dialect as SQLAlchemy Core.

Statements are made once and reused, so SQLAlchemy's compiled cache serves every command
without recompiling. Parameters are named bind parameters; the repository passes plain dicts.
On SQLite the store takes their compiled text instead (adapters/persistence/compiled.py), and
SQLAlchemy is imported only where a Core statement is built: for PostgreSQL, or to compile them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.persistence.columns import EVENT_COLUMNS as EVENT_COLUMNS
from adapters.persistence.columns import PEOPLE_ROW_COLUMNS as PEOPLE_ROW_COLUMNS
from adapters.persistence.columns import PERSON_COLUMNS as PERSON_COLUMNS
from adapters.persistence.columns import PREFIX as PREFIX
from adapters.persistence.columns import ROOM_COLUMNS as ROOM_COLUMNS
from adapters.persistence.columns import ROOM_READ_WIDTH as ROOM_READ_WIDTH
from adapters.persistence.columns import ROOM_STATE_COLUMNS as ROOM_STATE_COLUMNS
from adapters.persistence.columns import SESSION_COLUMNS as SESSION_COLUMNS
from adapters.persistence.columns import SETTINGS_COLUMNS as SETTINGS_COLUMNS
from adapters.persistence.columns import bind as bind
from adapters.persistence.compiled import SqliteStatement, sqlite_statements

if TYPE_CHECKING:
    from sqlalchemy import BindParameter

    from adapters.persistence.steps import Statement


def bp(name: str) -> BindParameter[Any]:
    """Return the bind parameter for a key of the repository's parameter dicts.

    The prefix keeps bind names apart from column names, which SQLAlchemy
    reserves for the VALUES and SET clauses it builds itself.
    """
    from sqlalchemy import bindparam

    return bindparam(PREFIX + name)


def insert_for(dialect: str) -> Any:
    """Return the dialect's INSERT, the one with ON CONFLICT clauses.

    PostgreSQL's dialect is imported only for PostgreSQL: it brings every PostgreSQL driver's
    module with it, which SQLite (and the console's start) never needs.
    """
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    from sqlalchemy.dialects import postgresql

    return postgresql.insert


def save_workspace_columns_sqlite(names: tuple[str, ...]) -> SqliteStatement:
    """Return SQLite's text of `Statements.save_workspace_columns(names)`, as SQLAlchemy compiles it.

    The columns come in the table's order, as SQLAlchemy writes them whatever order they are given in.
    """
    ordered = sorted(set(names), key=SETTINGS_COLUMNS.index)  # ValueError for a name that is not a setting
    columns = "".join(f", {name}" for name in ordered)
    values = "".join(f", :{name}" for name in ordered)
    sets = "".join(f", {name} = excluded.{name}" for name in ordered)
    sql = (
        f"INSERT INTO workspaces (platform, workspace, version{columns}) VALUES (:platform, :workspace, 1{values}) "
        f"ON CONFLICT (platform, workspace) DO UPDATE SET version = (workspaces.version + 1){sets}"
    )
    return SqliteStatement(sql, {})


class Statements:
    """The statements for one dialect ("sqlite" or "postgresql")."""

    def __init__(self, dialect: str, *, core: bool = False) -> None:
        """Take SQLite's compiled text, or build the Core statements (always with `core`: to compile them)."""
        self.dialect = dialect
        self._save_columns: dict[tuple[str, ...], Statement] = {}
        # PostgreSQL: a command's people, events and room row in one statement (one round trip).
        # Keyed by (the room's state too, checked against a version seen without a lock).
        self.write_room: dict[tuple[bool, bool], Statement] = {}
        self._compiled = dialect == "sqlite" and not core
        if self._compiled:
            vars(self).update(sqlite_statements("Statements"))
        else:
            self._build(dialect)

    def _build(self, dialect: str) -> None:
        from sqlalchemy import func, literal_column, select, update

        from adapters.persistence.tables import adapter_state, events, people, rooms, workspaces

        insert = insert_for(dialect)
        key = (
            (rooms.c.platform == bp("platform"))
            & (rooms.c.workspace == bp("workspace"))
            & (rooms.c.channel == bp("channel"))
        )
        workspace_version = (
            select(workspaces.c.version)
            .where(workspaces.c.platform == bp("platform"), workspaces.c.workspace == bp("workspace"))
            .scalar_subquery()
        )
        # Locks the room for this transaction and says whether anyone wrote since we last looked.
        self.bump_room: Statement = (
            update(rooms)
            .where(key)
            .values(version=rooms.c.version + literal_column("1"))
            .returning(
                *(rooms.c[name] for name in ROOM_COLUMNS), workspace_version, rooms.c.next_due, rooms.c.last_event_id
            )
        )
        # The same columns without the bump, for a second look inside the same transaction.
        self.read_room: Statement = select(
            *(rooms.c[name] for name in ROOM_COLUMNS), workspace_version, rooms.c.next_due, rooms.c.last_event_id
        ).where(key)
        # PostgreSQL, a cached room read without its lock: the row, then each person written since
        # (PERSON_COLUMNS after ROOM_READ_WIDTH; one row of NULLs there when nobody was).
        written_since = (people.c.room_id == rooms.c.id) & (people.c.written_at > bp("since"))
        self.read_room_since: Statement = (
            select(
                *(rooms.c[name] for name in ROOM_COLUMNS),
                workspace_version,
                rooms.c.next_due,
                rooms.c.last_event_id,
                *(people.c[name] for name in PERSON_COLUMNS),
            )
            .select_from(rooms.outerjoin(people, written_since))
            .where(key)
        )
        self.create_room: Statement = (
            insert(rooms)
            .values(
                platform=bp("platform"),
                workspace=bp("workspace"),
                channel=bp("channel"),
                version=literal_column("0"),
                live=bp("live"),
                mode=bp("mode"),
                next_seq=literal_column("1"),
                moderators=literal_column("'[]'"),
                admins=literal_column("'[]'"),
            )
            .on_conflict_do_nothing(index_elements=["platform", "workspace", "channel"])
        )
        person_columns = [people.c[name] for name in PERSON_COLUMNS]
        self.all_people: Statement = select(*person_columns).where(people.c.room_id == bp("room_id"))
        self.people_since: Statement = select(*person_columns).where(
            people.c.room_id == bp("room_id"), people.c.written_at > bp("since")
        )
        self.workspace: Statement = select(
            workspaces.c.version, *(workspaces.c[name] for name in SETTINGS_COLUMNS)
        ).where(workspaces.c.platform == bp("platform"), workspaces.c.workspace == bp("workspace"))

        upsert = insert(people).values({c.name: bp(c.name) for c in people.columns})
        self.save_people: Statement = upsert.on_conflict_do_update(
            index_elements=["room_id", "user"],
            set_={c.name: upsert.excluded[c.name] for c in people.columns if c.name not in ("room_id", "user")},
        )

        self._insert = insert
        # M2: locks the workspace row until the transaction ends (making it first if need be) and returns
        # it as committed last: an upsert locks and reads the newest row even when it had to wait for it.
        lock = insert(workspaces).values(
            platform=bp("platform"), workspace=bp("workspace"), version=literal_column("1")
        )
        self.lock_workspace: Statement = lock.on_conflict_do_update(
            index_elements=["platform", "workspace"], set_={"version": workspaces.c.version}
        ).returning(workspaces.c.version, *(workspaces.c[name] for name in SETTINGS_COLUMNS))
        # C1: the largest stage among the workspace's other live rooms that take the workspace capacity.
        on_stage = (
            select(func.count().label("n"))
            .select_from(people.join(rooms, people.c.room_id == rooms.c.id))
            .where(
                rooms.c.platform == bp("platform"),
                rooms.c.workspace == bp("workspace"),
                rooms.c.id != bp("room_id"),
                rooms.c.live,
                rooms.c.capacity.is_(None),
                people.c.position == literal_column("'on_stage'"),
            )
            .group_by(people.c.room_id)
            .subquery()
        )
        self.largest_stage: Statement = select(func.coalesce(func.max(on_stage.c.n), literal_column("0")))

        self.append_event: Statement = events.insert().values(
            room_id=bp("room_id"),
            at=bp("at"),
            actor=bp("actor"),
            name=bp("name"),
            payload=bp("payload"),
        )
        # After a command: the room's newest event (for deliverers) and its next timer (for ticks) ...
        newest = func.coalesce(
            select(func.max(events.c.id)).where(events.c.room_id == bp("room_id")).scalar_subquery(),
            literal_column("0"),
        )
        # The version too: a room taken from the cache under SQLite's lock was not bumped at its load.
        marks = {"last_event_id": newest, "next_due": bp("next_due"), "version": bp("version")}
        self.mark_room: Statement = update(rooms).where(rooms.c.id == bp("room_id")).values(marks)
        # ... written with the room's state when that changed too: one room write per transaction.
        self.save_room: Statement = (
            update(rooms)
            .where(rooms.c.id == bp("room_id"))
            .values({**{name: bp(name) for name in ROOM_STATE_COLUMNS}, **marks})
        )
        if dialect == "postgresql":
            self.write_room = {
                (state, checked): _write_room(state, checked) for state in (False, True) for checked in (False, True)
            }
        self.room_version: Statement = select(rooms.c.version).where(rooms.c.id == bp("room_id"))
        # SQLite: the id the transaction's last event got (its events' ids run up to it, one after another).
        self.last_event_id: Statement = select(func.last_insert_rowid())
        # PostgreSQL, a room read without its lock: lock and bump it if nobody wrote since (else no row).
        self.lock_room_at: Statement = (
            update(rooms)
            .where(rooms.c.id == bp("room_id"), rooms.c.version == bp("seen"))
            .values(version=rooms.c.version + literal_column("1"))
            .returning(rooms.c.version)
        )
        # T4: the rooms of a platform with a timer due by now, soonest first.
        self.due_rooms: Statement = (
            select(rooms.c.workspace, rooms.c.channel)
            .where(rooms.c.platform == bp("platform"), rooms.c.next_due <= bp("now"))
            .order_by(rooms.c.next_due)
            .limit(bp("limit"))
        )
        self.history: Statement = (
            select(
                events.c.id,
                rooms.c.platform,
                rooms.c.workspace,
                rooms.c.channel,
                events.c.at,
                events.c.actor,
                events.c.payload,
            )
            .join_from(events, rooms, events.c.room_id == rooms.c.id)
            .where(key)
            .order_by(events.c.id)
        )

        self.adapter_states: Statement = (
            select(adapter_state.c.workspace, adapter_state.c.channel, adapter_state.c.data)
            .where(adapter_state.c.platform == bp("platform"))
            .order_by(adapter_state.c.id)
        )
        state = insert(adapter_state).values(
            platform=bp("platform"),
            workspace=bp("workspace"),
            channel=bp("channel"),
            data=bp("data"),
            updated_at=bp("updated_at"),
        )
        self.save_adapter_state: Statement = state.on_conflict_do_update(
            index_elements=["platform", "workspace", "channel"],
            set_={"data": state.excluded.data, "updated_at": state.excluded.updated_at},
        )

    def save_workspace_columns(self, names: tuple[str, ...]) -> Statement:
        """Return the upsert that writes only these SETTINGS_COLUMNS of a workspace (and bumps its version)."""
        found = self._save_columns.get(names)
        if found is None and self._compiled:
            found = self._save_columns[names] = save_workspace_columns_sqlite(names)
        elif found is None:
            from sqlalchemy import literal_column

            from adapters.persistence.tables import workspaces

            values = {name: bp(name) for name in names}
            ws_insert = self._insert(workspaces).values(
                platform=bp("platform"), workspace=bp("workspace"), version=literal_column("1"), **values
            )
            found = self._save_columns[names] = ws_insert.on_conflict_do_update(
                index_elements=["platform", "workspace"],
                set_={
                    "version": workspaces.c.version + literal_column("1"),
                    **{n: ws_insert.excluded[n] for n in names},
                },
            )
        return found


def _write_room(state: bool, checked: bool) -> Statement:
    """Return PostgreSQL's one statement for a room's writes: people, events, then the row.

    It returns the room's version and its events' ids in order (NULL for none).

    People and events come as one array per column (`people_<column>`, `event_<column>`; empty
    arrays write none). The events are numbered in the order given. The row's newest event is the
    last one inserted here, or else the newest already logged, as `mark_room` computes it; with
    `state`, the room's ROOM_STATE_COLUMNS are written too, as `save_room` does. Unchecked, the room
    is already locked and bumped by this transaction. `checked`, it is a transaction of its own:
    it locks the room only if its version is still `seen`, bumps it, and writes nothing otherwise
    (no row returned). Events and people are selected from the locked row, so the events' ids are
    drawn only once the room's lock is held: a room's ids still commit in increasing order.
    """
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    from adapters.persistence.tables import events, people

    dialect: Any = postgresql.dialect()  # type: ignore[no-untyped-call]
    quote = dialect.identifier_preparer.quote
    names = PEOPLE_ROW_COLUMNS

    def array(prefix: str, column: Any) -> str:
        return f"CAST(:{PREFIX}{prefix}_{column.name} AS {column.type.compile(dialect=dialect)}[])"

    room = f"CAST(:{PREFIX}room_id AS INTEGER)"
    locked = (
        f"SELECT id FROM rooms WHERE id = {room} AND version = CAST(:{PREFIX}seen AS INTEGER) FOR UPDATE"
        if checked
        else f"SELECT {room} AS id"
    )
    updates = ", ".join(f"{quote(n)} = EXCLUDED.{quote(n)}" for n in names if n not in ("room_id", "user"))
    event_arrays = ", ".join(array("event", events.c[name]) for name in EVENT_COLUMNS)
    sets = ["version = version + 1"] if checked else []
    sets += [f"{quote(name)} = :{PREFIX}{name}" for name in ROOM_STATE_COLUMNS] if state else []
    sets += [
        "last_event_id = COALESCE((SELECT max(id) FROM logged), "
        f"(SELECT max(id) FROM events WHERE room_id = {room}), 0)",
        f"next_due = :{PREFIX}next_due",
    ]
    sql = (
        f"WITH locked AS ({locked}), "
        f"saved AS (INSERT INTO people ({', '.join(quote(n) for n in names)}) "
        f"SELECT p.* FROM locked, unnest({', '.join(array('people', people.c[n]) for n in names)}) AS p "
        f"ON CONFLICT (room_id, {quote('user')}) DO UPDATE SET {updates}), "
        f"logged AS (INSERT INTO events (room_id, {', '.join(EVENT_COLUMNS)}) "
        f"SELECT locked.id, {', '.join('e.' + n for n in EVENT_COLUMNS)} FROM locked, unnest({event_arrays}) "
        f"WITH ORDINALITY AS e({', '.join(EVENT_COLUMNS)}, n) ORDER BY e.n RETURNING id) "
        f"UPDATE rooms SET {', '.join(sets)} WHERE id = (SELECT id FROM locked) "
        "RETURNING version, (SELECT array_agg(id ORDER BY id) FROM logged)"
    )
    return text(sql)
