"""/healthz and /readyz: from a real `stagedoor run` process, and from the real listener over a real database."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from pathlib import Path

from sqlalchemy import make_url

from adapters.persistence.sql import SqlStore
from bot.health import Health, serve_health
from tests.conftest import _admin_connection, postgres_server_url
from tests.process.launch import clean_environment, free_port, get, launch, wait_until_ready
from tests.process.slack_run import SlackRun
from tests.slack.conftest import ADMIN, TOKEN
from tests.slack.fake_slack import FakeSlack


async def test_healthz_and_readyz_answer_beside_slack_http_mode(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    process = await run.start()
    try:
        assert await get(run.url("/healthz")) == (200, "ok")
        assert await get(run.url("/readyz")) == (200, {"ready": True, "not_ready": {}})
        await process.wait_for_line(f"listening: Slack HTTP mode on http://127.0.0.1:{run.port}/slack/events")
        await process.wait_for_line(f"health on http://127.0.0.1:{run.health_port}")
        await process.wait_for_line("serving slack")
    finally:
        process.signal(signal.SIGTERM)
        assert await process.exit_code() == 0
        await process.kill()


async def test_health_shares_the_slack_port_when_the_ports_are_one(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    run.health_port = run.port
    run.env["STAGEDOOR_HEALTH_PORT"] = str(run.port)
    process = await run.start()
    try:
        assert await get(run.url("/healthz")) == (200, "ok")
        assert await run.command(ADMIN, "start open") == 200  # Slack's requests still arrive on that port
    finally:
        process.signal(signal.SIGTERM)
        assert await process.exit_code() == 0
        await process.kill()


async def test_readyz_names_slack_while_socket_mode_is_disconnected(fake_slack: FakeSlack, tmp_path: Path) -> None:
    health_port = free_port()
    env = clean_environment(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_APP_TOKEN="xapp-1-test-token",
        SLACK_API_URL=fake_slack.url,
        STAGEDOOR_DATA_DIR=str(tmp_path / "data"),
        STAGEDOOR_HEALTH_HOST="127.0.0.1",
        STAGEDOOR_HEALTH_PORT=str(health_port),
    )
    process = await launch(tmp_path, env, "run")
    readyz = f"http://127.0.0.1:{health_port}/readyz"
    try:
        await wait_until_ready(readyz, process)
        await process.wait_for_line("listening: Slack Socket Mode")
        # Slack drops the WebSocket and, for a while, hands out no new one.
        fake_slack.fail("apps.connections.open", "internal_error", times=10_000)
        for socket in list(fake_slack.sockets):
            await socket.close()
        deadline = time.monotonic() + 20
        status, body = await get(readyz)
        while status == 200 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            status, body = await get(readyz)
        assert status == 503 and body == {"ready": False, "not_ready": {"slack": "not connected"}}
        assert await get(f"http://127.0.0.1:{health_port}/healthz") == (200, "ok")  # alive all the same
    finally:
        process.signal(signal.SIGTERM)
        assert await process.exit_code() == 0, process.stderr
        await process.kill()


async def test_readyz_names_the_database_when_it_stops_answering(tmp_path: Path) -> None:
    server = postgres_server_url()
    name = f"stagedoor_health_{uuid.uuid4().hex[:10]}"
    admin = await _admin_connection(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    store = await SqlStore.open(make_url(server).set(database=name).render_as_string(hide_password=False))

    async def no_platform_problems() -> dict[str, str]:
        return {}

    port = free_port()
    runner = await serve_health(Health(store, no_platform_problems), "127.0.0.1", port)
    try:
        assert await get(f"http://127.0.0.1:{port}/readyz") == (200, {"ready": True, "not_ready": {}})
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # the server ends every connection to it
        status, body = await get(f"http://127.0.0.1:{port}/readyz")
        assert status == 503 and list(body["not_ready"]) == ["database"], body
        assert await get(f"http://127.0.0.1:{port}/healthz") == (200, "ok")
    finally:
        await runner.cleanup()
        await store.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
