"""SIGTERM and SIGINT stop `stagedoor run` without losing what Slack was told is done."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from tests.process.launch import get
from tests.process.slack_run import SlackRun, ephemerals_to, eventually, room_status, roster_blocks
from tests.slack.conftest import ADMIN, ALEX, BEA
from tests.slack.fake_slack import FakeSlack

SLOW = 1.5  # seconds each slowed Web API call waits: the work outlives the ack by several seconds


@pytest.mark.parametrize("which", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_right_after_the_ack_keeps_the_request_and_tells_everyone_once(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path, which: signal.Signals
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    first = await run.start()
    try:
        assert await run.command(ADMIN, "start request") == 200
        await eventually(lambda: any(a["blocks"][0]["type"] == "header" for a in fake_slack.of("chat.postMessage")))
        # Slack is slow from now on: the ask's role check, its answer and the moderators' notice each wait.
        for method in ("users.info", "chat.postEphemeral", "chat.update", "chat.postMessage"):
            fake_slack.slow[method] = SLOW
        since = len(fake_slack.calls)
        assert await run.command(ALEX, "ask") == 200
        first.signal(which)  # right after the ack: the command's work has barely begun
        status, body = await get(run.url("/readyz"))
        while status == 200:  # the signal reaches the process's loop a moment later
            await asyncio.sleep(0.01)
            status, body = await get(run.url("/readyz"))
        assert status == 503 and body["not_ready"]["stagedoor"] == "stopping"
        assert await run.command(BEA, "ask") == 503  # no new input while stopping (Slack shows it failed)
        assert await first.exit_code() == 0, first.stderr
    finally:
        await first.kill()
    assert "Traceback" not in first.stderr
    for phase in (
        "no new input taken",
        "commands in flight finished",
        "every committed event is delivered",
        "rosters are up to date",
        "stopped: database closed",
    ):
        assert phase in first.stderr, f"no {phase!r} line:\n{first.stderr}"

    fake_slack.slow.clear()
    second = await run.start()  # the same database: nothing may be delivered again
    try:
        await asyncio.sleep(1.0)
        second.signal(signal.SIGTERM)
        assert await second.exit_code() == 0, second.stderr
    finally:
        await second.kill()

    room = await room_status(run.database, fake_slack.team)
    assert [request["user"] for request in room.requests] == [ALEX]
    told_alex = ephemerals_to(fake_slack, ALEX, since)
    assert len(told_alex) == 1 and "asked to join the stage" in told_alex[0], told_alex
    told_admin = ephemerals_to(fake_slack, ADMIN, since)
    assert len(told_admin) == 1 and ALEX in told_admin[0], told_admin
    assert "*Queue (1):*" in roster_blocks(fake_slack), "the roster edit pending at the stop was not made"


async def test_a_stop_with_nothing_in_flight_exits_0_promptly(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database, STAGEDOOR_SHUTDOWN_TIMEOUT="60")
    process = await run.start()
    try:
        process.signal(signal.SIGTERM)
        # Bounded well below the shutdown timeout: with nothing to wait for, nothing is waited for.
        assert await process.exit_code(timeout=15) == 0, process.stderr
    finally:
        await process.kill()
    assert "Traceback" not in process.stderr


async def test_work_that_outlasts_the_shutdown_timeout_is_cut_and_the_process_still_exits_0(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database, STAGEDOOR_SHUTDOWN_TIMEOUT="1")
    process = await run.start()
    try:
        fake_slack.slow["users.info"] = 5.0
        fake_slack.slow["chat.postEphemeral"] = 5.0  # the answer after the ack (roles come from users.list now)
        assert await run.command(ALEX, "status") == 200
        process.signal(signal.SIGTERM)
        assert await process.exit_code(timeout=15) == 0, process.stderr
    finally:
        await process.kill()
    assert "commands still running" in process.stderr


async def test_a_stop_in_socket_mode_closes_the_socket_and_keeps_the_acked_command(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    for name in ("STAGEDOOR_SLACK_MODE", "SLACK_SIGNING_SECRET"):
        run.env.pop(name)
    run.env["SLACK_APP_TOKEN"] = "xapp-1-test-token"
    process = await run.start()
    try:
        fake_slack.slow["users.info"] = SLOW
        form = dict(parse_qsl(run.signer.command_body(ADMIN, "start request")))
        envelope = {"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True}
        ack = await fake_slack.push({**envelope, "payload": form})
        assert ack["envelope_id"] == "env-1"
        process.signal(signal.SIGTERM)
        assert await process.exit_code() == 0, process.stderr
    finally:
        await process.kill()
    assert all(socket.closed for socket in fake_slack.sockets), "the WebSocket is closed on stop"
    assert (await room_status(run.database, fake_slack.team)).live
    assert "Traceback" not in process.stderr
