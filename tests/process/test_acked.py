"""X4 through real processes: what Slack was told is done survives SIGKILL and SIGTERM right after the ack.

The effect is in the database, and after a restart the person who acted and the moderators are told:
exactly once after SIGTERM (a graceful stop finishes both), at least once after SIGKILL — a message that
was on its way when the process died may come twice, but one whose delivery was recorded never does.
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.slack import kit as b
from tests.process.slack_run import SlackRun, ephemerals_to, eventually, room_status, roster_blocks, undelivered
from tests.slack.conftest import ADMIN, ALEX, CHANNEL
from tests.slack.fake_slack import FakeSlack

SLOW = 0.8  # seconds each slowed Web API call waits: with the ack sent first, the work would outlive it
SLOWED = ("users.info", "chat.update", "chat.postMessage")
SETTLE = 0.5  # seconds given to anything that would be sent twice, before counting


@dataclass(frozen=True)
class Acted:
    """One way a person acts, what the database then holds, and what they and the moderators are told."""

    mode: str
    kind: str  # "command" or "click"
    what: str  # the /stage text, or the button's action id
    answer: str  # words in the answer to the person who acted
    roster: str  # what the roster shows once it follows

    async def send(self, run: SlackRun) -> int:
        if self.kind == "command":
            return await run.command(ALEX, self.what)
        return await run.click(ALEX, self.what, f"{CHANNEL}|")

    async def kept(self, run: SlackRun, team: str) -> bool:
        room = await room_status(run.database, team)
        return [r["user"] for r in room.requests] == [ALEX] if self.mode == "request" else room.hands == [ALEX]


ASK = Acted("request", "command", "ask", "asked to join the stage", "*Queue (1):*")
HAND = Acted("invite", "click", b.HAND, "Your hand is raised.", "Hands:* <@UALEX0001>")
WAYS = [pytest.param(ASK, id="slash-command"), pytest.param(HAND, id="button-click")]
SIGNALS = [pytest.param(signal.SIGKILL, id="SIGKILL"), pytest.param(signal.SIGTERM, id="SIGTERM")]


async def stop(process) -> None:  # type: ignore[no-untyped-def]
    process.signal(signal.SIGTERM)
    assert await process.exit_code() == 0, process.stderr


@pytest.mark.parametrize("which", SIGNALS)
@pytest.mark.parametrize("acted", WAYS)
async def test_X4_what_was_acked_right_before_the_process_dies_is_kept_and_its_actor_and_moderators_are_told(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path, acted: Acted, which: signal.Signals
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    first = await run.start()
    try:
        assert await run.command(ADMIN, f"start {acted.mode}") == 200
        await eventually(lambda: "On stage" in roster_blocks(fake_slack))
        # Slack is slow from now on (the role check, the roster edit), and the first answer and the first notice
        # each meet a 503: the client waits before trying again, and the process dies before it does.
        for method in SLOWED:
            fake_slack.slow[method] = SLOW
        for person in (ALEX, ADMIN):
            fake_slack.server_error("chat.postEphemeral", status=503, where={"user": person})
        since = len(fake_slack.calls)
        assert await acted.send(run) == 200
        first.signal(which)  # right after the ack: nothing after it has had time to reach Slack
        code = await first.exit_code()
        assert code == (-signal.SIGKILL if which == signal.SIGKILL else 0), first.stderr
    finally:
        await first.kill()
    assert "Traceback" not in first.stderr
    # What is in the database is what Slack was promised, before any restart.
    assert await acted.kept(run, fake_slack.team)
    # What reached Slack before the process ended (a kill lands during the client's wait after the 503s).
    before = {person: len(ephemerals_to(fake_slack, person, since)) for person in (ALEX, ADMIN)}

    fake_slack.slow.clear()
    second = await run.start()  # the same database: the outbox delivers what the first process did not
    try:
        await eventually(lambda: len(ephemerals_to(fake_slack, ALEX, since)) >= 1)
        await eventually(lambda: len(ephemerals_to(fake_slack, ADMIN, since)) >= 1)
        await eventually(lambda: acted.roster in roster_blocks(fake_slack))
        await asyncio.sleep(SETTLE)
        await stop(second)
    finally:
        await second.kill()

    told_alex, told_admin = ephemerals_to(fake_slack, ALEX, since), ephemerals_to(fake_slack, ADMIN, since)
    assert all(acted.answer in text for text in told_alex), told_alex
    assert all(ALEX in text for text in told_admin), told_admin
    # A graceful stop finishes and records what it sends: exactly once. A kill: at least once; a message that
    # reached Slack just before the kill but was not yet recorded as sent may come a second time, nothing more.
    for person, told in ((ALEX, told_alex), (ADMIN, told_admin)):
        if which == signal.SIGTERM:
            assert len(told) == 1, (person, told)
        else:
            assert len(told) == 1 or (before[person] == 1 and len(told) == 2), (person, before, told)
    assert await acted.kept(run, fake_slack.team)


@pytest.mark.parametrize("acted", WAYS)
async def test_X4_a_kill_after_the_answer_and_the_notices_were_recorded_as_sent_repeats_none_of_them(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path, acted: Acted
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    first = await run.start()
    try:
        assert await run.command(ADMIN, f"start {acted.mode}") == 200
        await eventually(lambda: "On stage" in roster_blocks(fake_slack))
        since = len(fake_slack.calls)
        assert await acted.send(run) == 200
        await eventually(lambda: ephemerals_to(fake_slack, ALEX, since) and ephemerals_to(fake_slack, ADMIN, since))
        # The outbox's cursor is past the command only once its actor's answer is sent: the record of sending.
        for _ in range(200):
            if not await undelivered(run.database):
                break
            await asyncio.sleep(0.05)
        assert await undelivered(run.database) == 0
        first.signal(signal.SIGKILL)
        assert await first.exit_code() == -signal.SIGKILL
    finally:
        await first.kill()

    second = await run.start()
    try:
        await asyncio.sleep(SETTLE * 2)  # the outbox's first round has run by now
        await stop(second)
    finally:
        await second.kill()
    assert len(ephemerals_to(fake_slack, ALEX, since)) == 1
    assert len(ephemerals_to(fake_slack, ADMIN, since)) == 1


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
        await stop(second)
    finally:
        await second.kill()
