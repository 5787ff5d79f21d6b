"""SQLite's text of every statement the store runs (written by a tool: do not edit).

Regenerate after changing a statement: python -m migrations.make_sqlite_sql. Per class of statements,
each attribute's SQL and the values it carries itself, as SqliteCompiler compiles the SQLAlchemy Core
statement (adapters/persistence/compiled.py); tests/integration/test_sqlite_sql.py checks they are current.
"""

from __future__ import annotations

from typing import Any

STATEMENTS: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {
    "Statements": {
        "bump_room": (
            "UPDATE rooms SET version=(rooms.version + 1) WHERE rooms.platform = :platform "
            "AND rooms.workspace = :workspace AND rooms.channel = :channel RETURNING id, version, live, mode, "
            "started_by, started_at, next_seq, session_number, default_mode, capacity, cameras, cooldown, "
            "expiry, turn, advance, request_order, moderators, admins, (SELECT workspaces.version \n"
            "FROM workspaces \nWHERE platform = :platform AND workspace = :workspace) AS anon_1, next_due, "
            "last_event_id",
            {},
        ),
        "read_room": (
            "SELECT rooms.id, rooms.version, rooms.live, rooms.mode, rooms.started_by, rooms.started_at, "
            "rooms.next_seq, rooms.session_number, rooms.default_mode, rooms.capacity, rooms.cameras, "
            "rooms.cooldown, rooms.expiry, rooms.turn, rooms.advance, rooms.request_order, rooms.moderators, "
            "rooms.admins, (SELECT workspaces.version \nFROM workspaces \n"
            "WHERE workspaces.platform = :platform AND workspaces.workspace = :workspace) AS anon_1, "
            "rooms.next_due, rooms.last_event_id \nFROM rooms \nWHERE rooms.platform = :platform "
            "AND rooms.workspace = :workspace AND rooms.channel = :channel",
            {},
        ),
        "read_room_since": (
            "SELECT rooms.id, rooms.version, rooms.live, rooms.mode, rooms.started_by, rooms.started_at, "
            "rooms.next_seq, rooms.session_number, rooms.default_mode, rooms.capacity, rooms.cameras, "
            "rooms.cooldown, rooms.expiry, rooms.turn, rooms.advance, rooms.request_order, rooms.moderators, "
            "rooms.admins, (SELECT workspaces.version \nFROM workspaces \n"
            "WHERE workspaces.platform = :platform AND workspaces.workspace = :workspace) AS anon_1, "
            "rooms.next_due, rooms.last_event_id, people.user, people.present, people.position, people.seq, "
            "people.note, people.expires_at, people.last_active, people.mic_live, people.seat_moderator, "
            "people.hand, people.declined_at, people.answered_by, people.answer, people.turn_length, "
            "people.turn_ends_at, people.warn_at, people.next_told, people.tally, people.stage_seconds, "
            "people.on_stage_from, people.joins, people.requests_made, people.times_declined, "
            "people.waited_seconds, people.asked_at \nFROM rooms LEFT OUTER JOIN people "
            "ON people.room_id = rooms.id AND people.written_at > :since \nWHERE rooms.platform = :platform "
            "AND rooms.workspace = :workspace AND rooms.channel = :channel",
            {},
        ),
        "create_room": (
            "INSERT INTO rooms (platform, workspace, channel, version, live, mode, next_seq, moderators, "
            "admins) VALUES (:platform, :workspace, :channel, 0, :live, :mode, 1, '[]', '[]') ON "
            "CONFLICT (platform, workspace, channel) DO NOTHING",
            {},
        ),
        "all_people": (
            "SELECT people.user, people.present, people.position, people.seq, people.note, people.expires_at, "
            "people.last_active, people.mic_live, people.seat_moderator, people.hand, people.declined_at, "
            "people.answered_by, people.answer, people.turn_length, people.turn_ends_at, people.warn_at, "
            "people.next_told, people.tally, people.stage_seconds, people.on_stage_from, people.joins, "
            "people.requests_made, people.times_declined, people.waited_seconds, people.asked_at \n"
            "FROM people \nWHERE people.room_id = :room_id",
            {},
        ),
        "people_since": (
            "SELECT people.user, people.present, people.position, people.seq, people.note, people.expires_at, "
            "people.last_active, people.mic_live, people.seat_moderator, people.hand, people.declined_at, "
            "people.answered_by, people.answer, people.turn_length, people.turn_ends_at, people.warn_at, "
            "people.next_told, people.tally, people.stage_seconds, people.on_stage_from, people.joins, "
            "people.requests_made, people.times_declined, people.waited_seconds, people.asked_at \n"
            "FROM people \nWHERE people.room_id = :room_id AND people.written_at > :since",
            {},
        ),
        "workspace": (
            "SELECT workspaces.version, workspaces.default_mode, workspaces.capacity, workspaces.cameras, "
            "workspaces.cooldown, workspaces.expiry, workspaces.turn, workspaces.advance, "
            "workspaces.request_order, workspaces.moderators, workspaces.admins \nFROM workspaces \n"
            "WHERE workspaces.platform = :platform AND workspaces.workspace = :workspace",
            {},
        ),
        "save_people": (
            "INSERT INTO people (room_id, user, written_at, present, position, seq, note, expires_at, "
            "last_active, mic_live, seat_moderator, hand, declined_at, answered_by, answer, turn_length, "
            "turn_ends_at, warn_at, next_told, tally, stage_seconds, on_stage_from, joins, requests_made, "
            "times_declined, waited_seconds, asked_at) VALUES (:room_id, :user, :written_at, :present, "
            ":position, :seq, :note, :expires_at, :last_active, :mic_live, :seat_moderator, :hand, "
            ":declined_at, :answered_by, :answer, :turn_length, :turn_ends_at, :warn_at, :next_told, :tally, "
            ":stage_seconds, :on_stage_from, :joins, :requests_made, :times_declined, :waited_seconds, "
            ":asked_at) ON CONFLICT (room_id, user) DO UPDATE SET written_at = excluded.written_at, "
            "present = excluded.present, position = excluded.position, seq = excluded.seq, "
            "note = excluded.note, expires_at = excluded.expires_at, last_active = excluded.last_active, "
            "mic_live = excluded.mic_live, seat_moderator = excluded.seat_moderator, hand = excluded.hand, "
            "declined_at = excluded.declined_at, answered_by = excluded.answered_by, answer = excluded.answer, "
            "turn_length = excluded.turn_length, turn_ends_at = excluded.turn_ends_at, "
            "warn_at = excluded.warn_at, next_told = excluded.next_told, tally = excluded.tally, "
            "stage_seconds = excluded.stage_seconds, on_stage_from = excluded.on_stage_from, "
            "joins = excluded.joins, requests_made = excluded.requests_made, "
            "times_declined = excluded.times_declined, waited_seconds = excluded.waited_seconds, "
            "asked_at = excluded.asked_at",
            {},
        ),
        "lock_workspace": (
            "INSERT INTO workspaces (platform, workspace, version) VALUES (:platform, :workspace, 1) ON "
            "CONFLICT (platform, workspace) DO UPDATE SET version = workspaces.version RETURNING version, "
            "default_mode, capacity, cameras, cooldown, expiry, turn, advance, request_order, moderators, "
            "admins",
            {},
        ),
        "largest_stage": (
            "SELECT coalesce(max(anon_1.n), 0) AS coalesce_1 \nFROM (SELECT count(*) AS n \nFROM people "
            "JOIN rooms ON people.room_id = rooms.id \nWHERE rooms.platform = :platform "
            "AND rooms.workspace = :workspace AND rooms.id != :room_id AND rooms.live = 1 AND rooms.capacity "
            "IS NULL AND people.position = 'on_stage' GROUP BY people.room_id) AS anon_1",
            {},
        ),
        "append_event": (
            "INSERT INTO events (room_id, at, actor, name, payload) VALUES (:room_id, :at, :actor, :name, :payload)",
            {},
        ),
        "mark_room": (
            "UPDATE rooms SET version=:version, last_event_id=coalesce((SELECT max(events.id) AS max_1 \n"
            "FROM events \nWHERE events.room_id = :room_id), 0), next_due=:next_due WHERE rooms.id = :room_id",
            {},
        ),
        "save_room": (
            "UPDATE rooms SET version=:version, live=:live, mode=:mode, started_by=:started_by, "
            "started_at=:started_at, next_seq=:next_seq, session_number=:session_number, "
            "default_mode=:default_mode, capacity=:capacity, cameras=:cameras, cooldown=:cooldown, "
            "expiry=:expiry, turn=:turn, advance=:advance, request_order=:request_order, "
            "moderators=:moderators, admins=:admins, last_event_id=coalesce((SELECT max(events.id) AS max_1 \n"
            "FROM events \nWHERE events.room_id = :room_id), 0), next_due=:next_due WHERE rooms.id = :room_id",
            {},
        ),
        "room_version": (
            "SELECT rooms.version \nFROM rooms \nWHERE rooms.id = :room_id",
            {},
        ),
        "last_event_id": (
            "SELECT last_insert_rowid() AS last_insert_rowid_1",
            {},
        ),
        "lock_room_at": (
            "UPDATE rooms SET version=(rooms.version + 1) WHERE rooms.id = :room_id AND rooms.version = :seen "
            "RETURNING version",
            {},
        ),
        "due_rooms": (
            "SELECT rooms.workspace, rooms.channel \nFROM rooms \nWHERE rooms.platform = :platform "
            "AND rooms.next_due <= :now ORDER BY rooms.next_due\n LIMIT :limit OFFSET :param_1",
            {"param_1": 0},
        ),
        "history": (
            "SELECT events.id, rooms.platform, rooms.workspace, rooms.channel, events.at, events.actor, "
            "events.payload \nFROM events JOIN rooms ON events.room_id = rooms.id \n"
            "WHERE rooms.platform = :platform AND rooms.workspace = :workspace AND rooms.channel = :channel "
            "ORDER BY events.id",
            {},
        ),
        "adapter_states": (
            "SELECT adapter_state.workspace, adapter_state.channel, adapter_state.data \nFROM adapter_state \n"
            "WHERE adapter_state.platform = :platform ORDER BY adapter_state.id",
            {},
        ),
        "save_adapter_state": (
            "INSERT INTO adapter_state (platform, workspace, channel, data, updated_at) VALUES (:platform, "
            ":workspace, :channel, :data, :updated_at) ON CONFLICT (platform, workspace, channel) DO UPDATE "
            "SET data = excluded.data, updated_at = excluded.updated_at",
            {},
        ),
    },
    "DeliveryStatements": {
        "pending": (
            "SELECT rooms.id, rooms.platform, rooms.workspace, rooms.channel, deliveries.owner, "
            "deliveries.lease_until \nFROM rooms LEFT OUTER JOIN deliveries ON deliveries.room_id = rooms.id "
            "AND deliveries.consumer = :consumer \n"
            "WHERE rooms.last_event_id > coalesce(deliveries.delivered_id, "
            "coalesce((SELECT consumer_cursors.last_event_id \nFROM consumer_cursors \n"
            "WHERE consumer_cursors.consumer = :consumer), 0))",
            {},
        ),
        "pending_on": (
            "SELECT rooms.id, rooms.platform, rooms.workspace, rooms.channel, deliveries.owner, "
            "deliveries.lease_until \nFROM rooms LEFT OUTER JOIN deliveries ON deliveries.room_id = rooms.id "
            "AND deliveries.consumer = :consumer \n"
            "WHERE rooms.last_event_id > coalesce(deliveries.delivered_id, "
            "coalesce((SELECT consumer_cursors.last_event_id \nFROM consumer_cursors \n"
            "WHERE consumer_cursors.consumer = :consumer), 0)) AND rooms.platform = :platform",
            {},
        ),
        "claim": (
            "INSERT INTO deliveries (consumer, room_id, delivered_id, owner, lease_until) VALUES (:consumer, "
            ":room_id, coalesce((SELECT consumer_cursors.last_event_id \nFROM consumer_cursors \n"
            "WHERE consumer_cursors.consumer = :consumer), 0), :owner, :until) ON CONFLICT (consumer, room_id) "
            "DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until WHERE deliveries.owner "
            "IS NULL OR deliveries.owner = excluded.owner OR deliveries.lease_until < :now",
            {},
        ),
        "leased_events": (
            "SELECT events.id, rooms.platform, rooms.workspace, rooms.channel, events.at, events.actor, "
            "events.payload \nFROM deliveries JOIN events ON events.room_id = deliveries.room_id JOIN rooms "
            "ON rooms.id = events.room_id \nWHERE deliveries.consumer = :consumer "
            "AND deliveries.owner = :owner AND events.id > deliveries.delivered_id ORDER BY events.id\n "
            "LIMIT :limit OFFSET :param_1",
            {"param_1": 0},
        ),
        "release": (
            "UPDATE deliveries SET owner=NULL, lease_until=NULL WHERE deliveries.consumer = :consumer "
            "AND deliveries.owner = :owner AND deliveries.room_id = :room_id",
            {},
        ),
        "holding": (
            "SELECT deliveries.room_id, deliveries.lease_until \nFROM deliveries \n"
            "WHERE deliveries.consumer = :consumer AND deliveries.owner = :owner",
            {},
        ),
        "release_all": (
            "UPDATE deliveries SET owner=NULL, lease_until=NULL WHERE deliveries.owner = :owner",
            {},
        ),
        "beat": (
            "INSERT INTO deliverers (consumer, owner, alive_until) VALUES (:consumer, :owner, :until) ON "
            "CONFLICT (consumer, owner) DO UPDATE SET alive_until = excluded.alive_until",
            {},
        ),
        "live": (
            "SELECT deliverers.owner \nFROM deliverers \nWHERE deliverers.consumer = :consumer "
            "AND deliverers.alive_until >= :now",
            {},
        ),
        "forget": (
            "DELETE FROM deliverers WHERE deliverers.owner = :owner",
            {},
        ),
        "forget_silent": (
            "DELETE FROM deliverers WHERE deliverers.alive_until < :before",
            {},
        ),
        "ack": (
            "INSERT INTO deliveries (consumer, room_id, delivered_id) SELECT CAST(:consumer AS VARCHAR) "
            "AS anon_1, anon_2.room_id, CASE "
            "WHEN (anon_2.newest > coalesce((SELECT consumer_cursors.last_event_id \nFROM consumer_cursors \n"
            "WHERE consumer_cursors.consumer = :consumer), 0)) THEN anon_2.newest "
            "ELSE coalesce((SELECT consumer_cursors.last_event_id \nFROM consumer_cursors \n"
            "WHERE consumer_cursors.consumer = :consumer), 0) END AS anon_3 \nFROM (SELECT events.room_id "
            "AS room_id, max(events.id) AS newest \nFROM events \nWHERE events.id IN (SELECT value \n"
            "FROM json_each(:ids)) GROUP BY events.room_id) AS anon_2 \nWHERE 1 = 1 ON CONFLICT (consumer, "
            "room_id) DO UPDATE SET delivered_id = CASE WHEN (excluded.delivered_id > deliveries.delivered_id) "
            "THEN excluded.delivered_id ELSE deliveries.delivered_id END",
            {},
        ),
        "has_state": (
            "SELECT 1 \nWHERE (EXISTS (SELECT consumer_cursors.consumer \nFROM consumer_cursors \n"
            "WHERE consumer_cursors.consumer = :consumer)) OR (EXISTS (SELECT deliveries.room_id \n"
            "FROM deliveries \nWHERE deliveries.consumer = :consumer AND deliveries.delivered_id > 0))",
            {},
        ),
        "clear_rooms": (
            "DELETE FROM deliveries WHERE deliveries.consumer = :to",
            {},
        ),
        "copy_floor": (
            "INSERT INTO consumer_cursors (consumer, last_event_id) SELECT CAST(:to AS VARCHAR) AS anon_1, "
            "consumer_cursors.last_event_id \nFROM consumer_cursors \n"
            "WHERE consumer_cursors.consumer = :consumer",
            {},
        ),
        "copy_rooms": (
            "INSERT INTO deliveries (consumer, room_id, delivered_id) SELECT CAST(:to AS VARCHAR) AS anon_1, "
            "deliveries.room_id, deliveries.delivered_id \nFROM deliveries \n"
            "WHERE deliveries.consumer = :consumer",
            {},
        ),
    },
    "ChannelStatements": {
        "read": (
            "SELECT adapter_state.data \nFROM adapter_state \nWHERE adapter_state.platform = :platform "
            "AND adapter_state.workspace = :workspace AND adapter_state.channel = :channel",
            {},
        ),
        "lock": (
            "SELECT adapter_state.data \nFROM adapter_state \nWHERE adapter_state.platform = :platform "
            "AND adapter_state.workspace = :workspace AND adapter_state.channel = :channel",
            {},
        ),
        "create": (
            "INSERT INTO adapter_state (platform, workspace, channel, data, updated_at) VALUES (:platform, "
            ":workspace, :channel, :data, :updated_at) ON CONFLICT (platform, workspace, channel) DO NOTHING",
            {},
        ),
        "write": (
            "UPDATE adapter_state SET data=:data, updated_at=:updated_at "
            "WHERE adapter_state.platform = :platform AND adapter_state.workspace = :workspace "
            "AND adapter_state.channel = :channel",
            {},
        ),
        "delete": (
            "DELETE FROM adapter_state WHERE adapter_state.platform = :platform "
            "AND adapter_state.workspace = :workspace AND adapter_state.channel = :channel",
            {},
        ),
        "ping": (
            "SELECT 1",
            {},
        ),
    },
    "HistoryStatements": {
        "room_id": (
            "SELECT rooms.id \nFROM rooms \nWHERE rooms.platform = :platform AND rooms.workspace = :workspace "
            "AND rooms.channel = :channel",
            {},
        ),
        "last_before": (
            "SELECT max(events.id) AS max_1 \nFROM events \nWHERE events.room_id = :room_id AND events.at < :since",
            {},
        ),
        "boundary": (
            "SELECT events.id, events.name \nFROM events \nWHERE events.room_id = :room_id "
            "AND events.id <= :before AND (events.name = :name_1 OR events.name = :name_2) ORDER "
            "BY events.id DESC\n LIMIT :param_1 OFFSET :param_2",
            {"name_1": "session.started", "name_2": "session.ended", "param_1": 1, "param_2": 0},
        ),
        "started": (
            "SELECT count(*) AS count_1 \nFROM events \nWHERE events.room_id = :room_id "
            "AND events.id <= :after AND events.name = :name_1",
            {"name_1": "session.started"},
        ),
        "page": (
            "SELECT events.id, events.at, events.actor, events.payload \nFROM events \n"
            "WHERE events.room_id = :room_id AND events.id > :after ORDER BY events.id\n LIMIT :limit "
            "OFFSET :param_1",
            {"param_1": 0},
        ),
    },
}
