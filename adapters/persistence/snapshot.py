"""The schema the migrations make, per dialect, and its revision (written by a tool: do not edit).

Regenerate after adding a migration: python -m migrations.make_snapshot. An empty database is made from
this in one go (adapters/persistence/schema.py); tests/integration/test_schema_snapshot.py checks that it
equals what the migrations make, on SQLite and PostgreSQL, and that HEAD is Alembic's head.
"""

from __future__ import annotations

HEAD = "0007"

SQLITE: tuple[str, ...] = (
    (
        "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
    ),
    (
        "CREATE TABLE consumer_cursors (\n\tconsumer VARCHAR NOT NULL, \n\tlast_event_id INTEGER NOT NULL, "
        "\n\tPRIMARY KEY (consumer)\n)"
    ),
    (
        "CREATE TABLE rooms (\n\tid INTEGER NOT NULL, \n\tplatform VARCHAR NOT NULL, \n"
        "\tworkspace VARCHAR NOT NULL, \n\tchannel VARCHAR NOT NULL, \n\tversion INTEGER NOT NULL, \n"
        "\tlive BOOLEAN NOT NULL, \n\tmode VARCHAR NOT NULL, \n\tstarted_by VARCHAR, \n\tstarted_at FLOAT, "
        "\n\tnext_seq INTEGER NOT NULL, \n\tdefault_mode VARCHAR, \n\tcapacity INTEGER, \n"
        "\tcameras INTEGER, \n\tcooldown INTEGER, \n\texpiry INTEGER, \n"
        "\tmoderators TEXT DEFAULT '[]' NOT NULL, \n\tadmins TEXT DEFAULT '[]' NOT NULL, turn INTEGER, "
        "advance BOOLEAN, request_order VARCHAR, session_number INTEGER DEFAULT '0' NOT NULL, "
        "last_event_id INTEGER DEFAULT '0' NOT NULL, next_due FLOAT, \n\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT uq_rooms_key UNIQUE (platform, workspace, channel)\n)"
    ),
    (
        "CREATE TABLE workspaces (\n\tplatform VARCHAR NOT NULL, \n\tworkspace VARCHAR NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n\tdefault_mode VARCHAR, \n\tcapacity INTEGER, \n\tcameras INTEGER, "
        "\n\tcooldown INTEGER, \n\texpiry INTEGER, \n\tmoderators TEXT DEFAULT '[]' NOT NULL, \n"
        "\tadmins TEXT DEFAULT '[]' NOT NULL, turn INTEGER, advance BOOLEAN, request_order VARCHAR, \n"
        "\tPRIMARY KEY (platform, workspace)\n)"
    ),
    (
        "CREATE TABLE events (\n\tid INTEGER NOT NULL, \n\troom_id INTEGER NOT NULL, \n"
        "\tat FLOAT NOT NULL, \n\tactor VARCHAR, \n\tname VARCHAR NOT NULL, \n\tpayload TEXT NOT NULL, \n"
        "\tPRIMARY KEY (id), \n\tFOREIGN KEY(room_id) REFERENCES rooms (id)\n)"
    ),
    "CREATE INDEX ix_events_room ON events (room_id, id)",
    (
        "CREATE TABLE adapter_state (\n\tid INTEGER NOT NULL, \n\tplatform VARCHAR NOT NULL, \n"
        "\tworkspace VARCHAR NOT NULL, \n\tchannel VARCHAR NOT NULL, \n\tdata TEXT NOT NULL, \n"
        "\tupdated_at FLOAT NOT NULL, \n\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT uq_adapter_state_key UNIQUE (platform, workspace, channel)\n)"
    ),
    (
        'CREATE TABLE "people" (\n\troom_id INTEGER NOT NULL, \n\tuser VARCHAR NOT NULL, \n'
        "\twritten_at INTEGER NOT NULL, \n\tpresent BOOLEAN NOT NULL, \n\tposition VARCHAR NOT NULL, \n"
        "\tseq INTEGER NOT NULL, \n\tnote VARCHAR, \n\texpires_at FLOAT, \n\tlast_active FLOAT NOT NULL, \n"
        "\tseat_moderator BOOLEAN NOT NULL, \n\thand INTEGER, \n\tdeclined_at FLOAT, \n"
        "\tanswered_by VARCHAR, \n\tanswer VARCHAR, mic_live BOOLEAN DEFAULT 0 NOT NULL, "
        "turn_length INTEGER DEFAULT '0' NOT NULL, tally INTEGER DEFAULT '0' NOT NULL, "
        "stage_seconds FLOAT DEFAULT '0' NOT NULL, joins INTEGER DEFAULT '0' NOT NULL, "
        "requests_made INTEGER DEFAULT '0' NOT NULL, times_declined INTEGER DEFAULT '0' NOT NULL, "
        "waited_seconds FLOAT DEFAULT '0' NOT NULL, next_told BOOLEAN DEFAULT 0 NOT NULL, "
        "turn_ends_at FLOAT, warn_at FLOAT, on_stage_from FLOAT, asked_at FLOAT, \n\tPRIMARY KEY (room_id, "
        "user), \n\tFOREIGN KEY(room_id) REFERENCES rooms (id)\n)\n WITHOUT ROWID\n\n"
    ),
    "CREATE INDEX ix_people_room_written ON people (room_id, written_at)",
    (
        "CREATE TABLE deliveries (\n\tconsumer VARCHAR NOT NULL, \n\troom_id INTEGER NOT NULL, \n"
        "\tdelivered_id INTEGER NOT NULL, \n\towner VARCHAR, \n\tlease_until FLOAT, \n"
        "\tPRIMARY KEY (consumer, room_id), \n\tFOREIGN KEY(room_id) REFERENCES rooms (id)\n)"
    ),
    "CREATE INDEX ix_rooms_next_due ON rooms (platform, next_due)",
    (
        "CREATE TABLE deliverers (\n\tconsumer VARCHAR NOT NULL, \n\towner VARCHAR NOT NULL, \n"
        "\talive_until FLOAT NOT NULL, \n\tPRIMARY KEY (consumer, owner)\n)"
    ),
)

POSTGRESQL: tuple[str, ...] = (
    (
        "CREATE TABLE adapter_state (\n    id integer NOT NULL,\n    platform character varying NOT NULL,\n"
        "    workspace character varying NOT NULL,\n    channel character varying NOT NULL,\n"
        "    data text NOT NULL,\n    updated_at double precision NOT NULL\n)"
    ),
    (
        "CREATE SEQUENCE adapter_state_id_seq\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n"
        "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1"
    ),
    "ALTER SEQUENCE adapter_state_id_seq OWNED BY adapter_state.id",
    "CREATE TABLE alembic_version (\n    version_num character varying(32) NOT NULL\n)",
    "CREATE TABLE consumer_cursors (\n    consumer character varying NOT NULL,\n    last_event_id integer NOT NULL\n)",
    (
        "CREATE TABLE deliverers (\n    consumer character varying NOT NULL,\n"
        "    owner character varying NOT NULL,\n    alive_until double precision NOT NULL\n)"
    ),
    (
        "CREATE TABLE deliveries (\n    consumer character varying NOT NULL,\n"
        "    room_id integer NOT NULL,\n    delivered_id integer NOT NULL,\n    owner character varying,\n"
        "    lease_until double precision\n)"
    ),
    (
        "CREATE TABLE events (\n    id integer NOT NULL,\n    room_id integer NOT NULL,\n"
        "    at double precision NOT NULL,\n    actor character varying,\n"
        "    name character varying NOT NULL,\n    payload text NOT NULL\n)"
    ),
    (
        "CREATE SEQUENCE events_id_seq\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n"
        "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1"
    ),
    "ALTER SEQUENCE events_id_seq OWNED BY events.id",
    (
        'CREATE TABLE people (\n    room_id integer NOT NULL,\n    "user" character varying NOT NULL,\n'
        "    written_at integer NOT NULL,\n    present boolean NOT NULL,\n"
        '    "position" character varying NOT NULL,\n    seq integer NOT NULL,\n'
        "    note character varying,\n    expires_at double precision,\n"
        "    last_active double precision NOT NULL,\n    seat_moderator boolean NOT NULL,\n"
        "    hand integer,\n    declined_at double precision,\n    answered_by character varying,\n"
        "    answer character varying,\n    mic_live boolean DEFAULT false NOT NULL,\n"
        "    turn_length integer DEFAULT 0 NOT NULL,\n    tally integer DEFAULT 0 NOT NULL,\n"
        "    stage_seconds double precision DEFAULT '0'::double precision NOT NULL,\n"
        "    joins integer DEFAULT 0 NOT NULL,\n    requests_made integer DEFAULT 0 NOT NULL,\n"
        "    times_declined integer DEFAULT 0 NOT NULL,\n"
        "    waited_seconds double precision DEFAULT '0'::double precision NOT NULL,\n"
        "    next_told boolean DEFAULT false NOT NULL,\n    turn_ends_at double precision,\n"
        "    warn_at double precision,\n    on_stage_from double precision,\n"
        "    asked_at double precision\n)"
    ),
    (
        "CREATE TABLE rooms (\n    id integer NOT NULL,\n    platform character varying NOT NULL,\n"
        "    workspace character varying NOT NULL,\n    channel character varying NOT NULL,\n"
        "    version integer NOT NULL,\n    live boolean NOT NULL,\n    mode character varying NOT NULL,\n"
        "    started_by character varying,\n    started_at double precision,\n"
        "    next_seq integer NOT NULL,\n    default_mode character varying,\n    capacity integer,\n"
        "    cameras integer,\n    cooldown integer,\n    expiry integer,\n"
        "    moderators text DEFAULT '[]'::text NOT NULL,\n    admins text DEFAULT '[]'::text NOT NULL,\n"
        "    turn integer,\n    advance boolean,\n    request_order character varying,\n"
        "    session_number integer DEFAULT 0 NOT NULL,\n    last_event_id integer DEFAULT 0 NOT NULL,\n"
        "    next_due double precision\n)"
    ),
    (
        "CREATE SEQUENCE rooms_id_seq\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n"
        "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1"
    ),
    "ALTER SEQUENCE rooms_id_seq OWNED BY rooms.id",
    (
        "CREATE TABLE workspaces (\n    platform character varying NOT NULL,\n"
        "    workspace character varying NOT NULL,\n    version integer NOT NULL,\n"
        "    default_mode character varying,\n    capacity integer,\n    cameras integer,\n"
        "    cooldown integer,\n    expiry integer,\n    moderators text DEFAULT '[]'::text NOT NULL,\n"
        "    admins text DEFAULT '[]'::text NOT NULL,\n    turn integer,\n    advance boolean,\n"
        "    request_order character varying\n)"
    ),
    "ALTER TABLE ONLY adapter_state ALTER COLUMN id SET DEFAULT nextval('adapter_state_id_seq'::regclass)",
    "ALTER TABLE ONLY events ALTER COLUMN id SET DEFAULT nextval('events_id_seq'::regclass)",
    "ALTER TABLE ONLY rooms ALTER COLUMN id SET DEFAULT nextval('rooms_id_seq'::regclass)",
    "ALTER TABLE ONLY adapter_state\n    ADD CONSTRAINT adapter_state_pkey PRIMARY KEY (id)",
    "ALTER TABLE ONLY alembic_version\n    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)",
    "ALTER TABLE ONLY consumer_cursors\n    ADD CONSTRAINT consumer_cursors_pkey PRIMARY KEY (consumer)",
    "ALTER TABLE ONLY deliverers\n    ADD CONSTRAINT deliverers_pkey PRIMARY KEY (consumer, owner)",
    "ALTER TABLE ONLY deliveries\n    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (consumer, room_id)",
    "ALTER TABLE ONLY events\n    ADD CONSTRAINT events_pkey PRIMARY KEY (id)",
    'ALTER TABLE ONLY people\n    ADD CONSTRAINT people_pkey PRIMARY KEY (room_id, "user")',
    "ALTER TABLE ONLY rooms\n    ADD CONSTRAINT rooms_pkey PRIMARY KEY (id)",
    "ALTER TABLE ONLY adapter_state\n    ADD CONSTRAINT uq_adapter_state_key UNIQUE (platform, workspace, channel)",
    "ALTER TABLE ONLY rooms\n    ADD CONSTRAINT uq_rooms_key UNIQUE (platform, workspace, channel)",
    "ALTER TABLE ONLY workspaces\n    ADD CONSTRAINT workspaces_pkey PRIMARY KEY (platform, workspace)",
    "CREATE INDEX ix_events_room ON events USING btree (room_id, id)",
    "CREATE INDEX ix_people_room_written ON people USING btree (room_id, written_at)",
    "CREATE INDEX ix_rooms_next_due ON rooms USING btree (platform, next_due)",
    (
        "ALTER TABLE ONLY deliveries\n"
        "    ADD CONSTRAINT deliveries_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms(id)"
    ),
    "ALTER TABLE ONLY events\n    ADD CONSTRAINT events_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms(id)",
    "ALTER TABLE ONLY people\n    ADD CONSTRAINT people_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms(id)",
)
