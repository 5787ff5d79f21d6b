"""X4 through real processes: a command Slack was told is done survives SIGKILL and SIGTERM right after the ack."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from tests.process.slack_run import SlackRun, ephemerals_to, eventually, room_status, roster_blocks
from tests.slack.conftest import ADMIN, ALEX
from tests.slack.fake_slack import FakeSlack

SLOW = 0.8  # seconds each slowed Web API call waits: with the ack sent first, the work would outlive it


@pytest.mark.parametrize("which", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
async def test_X4_a_request_acked_just_before_the_process_dies_is_kept_and_the_moderators_are_told_after_restart(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path, which: signal.Signals
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    first = await run.start()
    try:
        assert await run.command(ADMIN, "start request") == 200
        await eventually(lambda: "Queue (0)" in roster_blocks(fake_slack))
        # Slack is slow from now on: the ask's role check, its answer, the notices and the roster edit each wait.
        for method in ("users.info", "chat.postEphemeral", "chat.update", "chat.postMessage"):
            fake_slack.slow[method] = SLOW
        since = len(fake_slack.calls)
        assert await run.command(ALEX, "ask") == 200
        first.signal(which)  # right after the ack: nothing after it has had time to reach Slack
        code = await first.exit_code()
        assert code == (-signal.SIGKILL if which == signal.SIGKILL else 0), first.stderr
    finally:
        await first.kill()
    assert "Traceback" not in first.stderr

    # What is in the database is what Slack was promised, before any restart.
    assert [request["user"] for request in (await room_status(run.database, fake_slack.team)).requests] == [ALEX]

    fake_slack.slow.clear()
    second = await run.start()  # the same database: the outbox delivers what the first process did not
    try:
        await eventually(lambda: len(ephemerals_to(fake_slack, ADMIN, since)) >= 1)
        await eventually(lambda: "*Queue (1):*" in roster_blocks(fake_slack))
        await asyncio.sleep(0.5)  # anything sent twice would arrive by now
        second.signal(signal.SIGTERM)
        assert await second.exit_code() == 0, second.stderr
    finally:
        await second.kill()

    told_admin = ephemerals_to(fake_slack, ADMIN, since)
    # A kill may land while a notice is on its way to Slack but not yet marked sent: it is sent again after
    # the restart (at least once, never lost). A graceful stop marks what it sent: exactly once.
    most = 2 if which == signal.SIGKILL else 1
    assert 1 <= len(told_admin) <= most and all(ALEX in text for text in told_admin), told_admin
    assert [request["user"] for request in (await room_status(run.database, fake_slack.team)).requests] == [ALEX]
    if which == signal.SIGTERM:  # a graceful stop also finishes the requester's own answer
        told_alex = ephemerals_to(fake_slack, ALEX, since)
        assert len(told_alex) == 1 and "asked to join the stage" in told_alex[0], told_alex


async def test_X4_a_session_start_acked_just_before_sigkill_is_live_and_its_roster_is_posted_after_restart(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    first = await run.start()
    try:
        fake_slack.slow["users.info"] = SLOW
        fake_slack.slow["chat.postMessage"] = SLOW
        assert await run.command(ADMIN, "start request") == 200
        first.signal(signal.SIGKILL)
        assert await first.exit_code() == -signal.SIGKILL
    finally:
        await first.kill()
    assert (await room_status(run.database, fake_slack.team)).live

    fake_slack.slow.clear()
    second = await run.start()
    try:
        await eventually(lambda: "Queue (0)" in roster_blocks(fake_slack))  # the roster is drawn after restart
        second.signal(signal.SIGTERM)
        assert await second.exit_code() == 0, second.stderr
    finally:
        await second.kill()
