"""Slack HTTP mode behind a load balancer: 2–3 `stagedoor run` replicas on one database, any request to any of them.

Requests go to the replicas round-robin, as a balancer spreads them. What is counted is what the fake Slack
was asked to show each person: every answer, notice and roster exactly once while every replica runs (X3), and
after a replica is killed mid-burst, nothing acked lost and only what docs/slack.md says may repeat (X4).
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.persistence.sql import SqlStore
from core.room import RoomKey
from tests.conftest import fresh_postgres_database
from tests.process.slack_run import Replicas, pending_in, status_in
from tests.slack.conftest import ADMIN
from tests.slack.fake_slack import BOT_USER, FakeSlack

CHANNELS = ["C0STAGE01", "C0STAGE02", "C0STAGE03"]
ASKERS = 6  # per channel: fewer than the summary's threshold, so each request is its own moderator notice
APPROVED = 2  # per channel, of the askers
LEASE = "3"  # seconds: how long a killed replica's rooms wait on another host (here: the pid check is at once)
WAIT = 30.0


def people(fake: FakeSlack, channel: str) -> list[str]:
    """Return the askers of a channel, made people of the fake workspace."""
    return [fake.person(f"U{channel[-2:]}ASK{n:02d}") for n in range(ASKERS)]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Yield the URL of a migrated database every replica uses: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
        store = await SqlStore.open(url, migrate=True)
        await store.close()
        yield url
        return
    async with fresh_postgres_database() as url:
        store = await SqlStore.open(url, migrate=True)
        await store.close()
        yield url


async def until(check, what: str, timeout: float = WAIT) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"{what} never happened"
        await asyncio.sleep(0.1)


Shown = Counter[tuple[str, str, str, str]]


def shown(fake: FakeSlack) -> Shown:
    """Count every message the fake Slack showed: (method, channel, to whom or which channel, text), rosters apart."""
    seen: Shown = Counter()
    for call in fake.calls:
        if call.status != 200 or call.error or call.method not in ("chat.postEphemeral", "chat.postMessage"):
            continue
        if is_roster(call.args):
            continue
        to = call.args.get("user") if call.method == "chat.postEphemeral" else call.args.get("channel")
        seen[(call.method, str(call.args.get("channel")), str(to), str(call.args.get("text")))] += 1
    return seen


def first_copies(fake: FakeSlack) -> dict[tuple[str, str, str, str], float]:
    """Return, for every message shown more than once, when its first copy reached the fake Slack."""
    first: dict[tuple[str, str, str, str], float] = {}
    for call in fake.calls:
        if call.status != 200 or call.error or call.method not in ("chat.postEphemeral", "chat.postMessage"):
            continue
        if is_roster(call.args):
            continue
        to = call.args.get("user") if call.method == "chat.postEphemeral" else call.args.get("channel")
        first.setdefault((call.method, str(call.args.get("channel")), str(to), str(call.args.get("text"))), call.at)
    repeated = {key for key, n in shown(fake).items() if n > 1}
    return {key: at for key, at in first.items() if key in repeated}


def is_roster(args: dict[str, object]) -> bool:
    blocks = args.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return bool(blocks) and isinstance(blocks, list) and blocks[0].get("type") == "header"


def rosters(fake: FakeSlack) -> dict[str, list[str]]:
    """Return, per channel, the ts of every roster message posted."""
    posted: dict[str, list[str]] = {}
    for call in fake.calls:
        if call.method == "chat.postMessage" and call.status == 200 and not call.error and is_roster(call.args):
            posted.setdefault(str(call.args["channel"]), []).append(call.args.get("text", ""))
    return posted


def last_roster(fake: FakeSlack, channel: str) -> str:
    drawn = [
        json.dumps(call.args["blocks"])
        for call in fake.calls
        if call.method in ("chat.postMessage", "chat.update")
        and call.status == 200
        and not call.error
        and call.args.get("channel") == channel
        and is_roster(call.args)
    ]
    return drawn[-1] if drawn else ""


def told(seen: Shown, to: str, *words: str) -> int:
    """Count the messages shown to one person (or posted in one channel) that hold every one of the words."""
    return sum(n for (_, _, whom, text), n in seen.items() if whom == to and all(w in text for w in words))


async def burst(replicas: Replicas, fake: FakeSlack) -> dict[str, list[str]]:
    """Start a session in each channel, then every asker asks at once; return the askers by channel."""
    starts = await asyncio.gather(*(replicas.command(ADMIN, "start request", channel) for channel in CHANNELS))
    assert [status for _, status in starts] == [200] * len(CHANNELS)
    askers = {channel: people(fake, channel) for channel in CHANNELS}
    asks = [replicas.command(user, "ask", channel) for channel in CHANNELS for user in askers[channel]]
    answers = await asyncio.gather(*asks)
    assert [status for _, status in answers] == [200] * len(asks)
    assert len({index for index, _ in answers}) == len(replicas.ports)  # every replica took some
    return askers


async def approve(replicas: Replicas, askers: dict[str, list[str]]) -> None:
    approvals = [
        replicas.command(ADMIN, f"approve <@{user}>", channel)
        for channel in CHANNELS
        for user in askers[channel][:APPROVED]
    ]
    assert [status for _, status in await asyncio.gather(*approvals)] == [200] * len(approvals)


async def settled(replicas: Replicas, fake: FakeSlack, askers: dict[str, list[str]]) -> None:
    """Wait until every lane delivered everything and every roster shows the queue and stage as they are."""

    async def done() -> bool:
        if await pending_in(replicas.database_url):
            return False
        for channel in CHANNELS:
            roster = last_roster(fake, channel)
            if f"Queue ({ASKERS - APPROVED})" not in roster:
                return False
            if not all(f"<@{user}>" in roster for user in askers[channel][:APPROVED]):
                return False
        return True

    try:
        await until(done, "every event delivered and every roster up to date")
    except AssertionError:
        pending = await pending_in(replicas.database_url)
        Path("/tmp/replicas_stderr.txt").write_text(replicas.stderr())
        raise AssertionError((pending, {c: last_roster(fake, c) for c in CHANNELS})) from None
    await asyncio.sleep(1.0)  # anything that would be sent twice has had its time


def check_told_once(fake: FakeSlack, askers: dict[str, list[str]], *, may_repeat: bool = False) -> dict[str, int]:
    """Every asker answered and approved once, the moderator told once per ask; return the figures."""
    seen = shown(fake)
    expected = posted = 0
    problems = []
    for channel in CHANNELS:
        for n, user in enumerate(askers[channel]):
            wanted = {
                "asker answered": told(seen, user, "asked to join"),
                "moderator told of the ask": told(seen, ADMIN, f"<@{user}>", "wants to join"),
            }
            if n < APPROVED:
                wanted["asker told of the approval"] = told(seen, user, "invited to join the stage")
            for what, count in wanted.items():
                expected += 1
                posted += count
                if count != 1 and not (may_repeat and count == 2):
                    problems.append(f"{channel} {user}: {what} {count} times")
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    if problems:
        for key, n in sorted(seen.items()):
            print("SEEN", n, key)
    assert not problems, problems
    if not may_repeat:
        assert duplicates == 0, [key for key, n in seen.items() if n > 1]
    return {"expected": expected, "posted": posted, "duplicates": duplicates}


async def test_X3_three_replicas_behind_a_balancer_tell_everyone_once_and_keep_one_roster_per_channel(
    fake_slack: FakeSlack, tmp_path: Path, shared_database: str
) -> None:
    fake_slack.members.update({channel: {BOT_USER} for channel in CHANNELS})
    replicas = Replicas(fake_slack, tmp_path, shared_database, 3, STAGEDOOR_DELIVERY_LEASE=LEASE)
    try:
        await replicas.start_all()
        askers = await burst(replicas, fake_slack)
        await approve(replicas, askers)
        await settled(replicas, fake_slack, askers)
        figures = check_told_once(fake_slack, askers)
        assert {channel: len(ts) for channel, ts in rosters(fake_slack).items()} == dict.fromkeys(CHANNELS, 1)
        for channel in CHANNELS:
            room = await status_in(shared_database, RoomKey("slack", fake_slack.team, channel))
            assert sorted(room.invitations) == sorted(askers[channel][:APPROVED])
            assert len(room.requests) == ASKERS - APPROVED
        await replicas.stop_all()
        print("figures", figures)
    finally:
        await replicas.kill_all()
    assert "Traceback" not in replicas.stderr(), replicas.stderr()


async def test_X4_a_replica_killed_mid_burst_loses_nothing_acked_and_repeats_only_what_was_on_its_way(
    fake_slack: FakeSlack, tmp_path: Path, shared_database: str
) -> None:
    fake_slack.members.update({channel: {BOT_USER} for channel in CHANNELS})
    replicas = Replicas(fake_slack, tmp_path, shared_database, 3, STAGEDOOR_DELIVERY_LEASE=LEASE)
    victim = 1
    try:
        await replicas.start_all()
        starts = [replicas.command(ADMIN, "start request", channel, to=n) for n, channel in enumerate(CHANNELS)]
        assert [status for _, status in await asyncio.gather(*starts)] == [200] * len(CHANNELS)
        await until(lambda: _all_rostered(fake_slack), "a roster in every channel")
        askers = {channel: people(fake_slack, channel) for channel in CHANNELS}
        # Slack is slow to show messages, so the victim dies with deliveries on their way; and the answer to the
        # last ask it acks meets a 503 first, so the victim is killed during its client's wait before the retry.
        fake_slack.slow["chat.postEphemeral"] = 0.05
        last = askers[CHANNELS[0]][0]
        fake_slack.server_error("chat.postEphemeral", where={"user": last})
        first_half = [
            replicas.command(user, "ask", channel)
            for channel in CHANNELS
            for user in askers[channel][1 : ASKERS // 2 + 1]
        ]
        acked = [status for _, status in await asyncio.gather(*first_half)]
        assert acked == [200] * len(first_half)
        assert await replicas.command(last, "ask", CHANNELS[0], to=victim) == (victim, 200)
        process = replicas.processes[victim]
        assert process is not None
        process.signal(signal.SIGKILL)  # right after the ack, in the middle of the others' deliveries
        killed_at = time.monotonic()
        assert await process.exit_code() == -signal.SIGKILL
        rest = [
            replicas.command(user, "ask", channel)
            for channel in CHANNELS
            for user in askers[channel][ASKERS // 2 + 1 :] + ([] if channel == CHANNELS[0] else askers[channel][:1])
        ]
        assert [status for _, status in await asyncio.gather(*rest)] == [200] * len(rest)  # survivors only

        async def delivered() -> bool:
            return not await pending_in(shared_database) and told(shown(fake_slack), last, "asked to join") > 0

        await until(delivered, "the survivors delivering everything, the victim's owed answer included")
        taken_over = time.monotonic() - killed_at
        fake_slack.slow.clear()
        await replicas.start(victim)  # restarted: it joins the survivors, and repeats nothing they delivered
        await approve(replicas, askers)
        await settled(replicas, fake_slack, askers)
        figures = check_told_once(fake_slack, askers, may_repeat=True)
        # What came twice is what the victim had already sent (for an event not yet marked delivered, or an answer
        # after its last beat): the first copy reached Slack before the kill (or with it, Slack being slow).
        late = [key for key, first in first_copies(fake_slack).items() if first > killed_at + 0.3]
        assert not late, late
        assert {channel: len(ts) for channel, ts in rosters(fake_slack).items()} == dict.fromkeys(CHANNELS, 1)
        for channel in CHANNELS:
            room = await status_in(shared_database, RoomKey("slack", fake_slack.team, channel))
            assert sorted(room.invitations) == sorted(askers[channel][:APPROVED])
            assert len(room.requests) == ASKERS - APPROVED
        await replicas.stop_all()
        print("figures", figures, f"everything delivered {taken_over:.2f} s after the kill")
        print("repeated", [key for key, n in shown(fake_slack).items() if n > 1])
    finally:
        await replicas.kill_all()
    assert "Traceback" not in replicas.stderr(), replicas.stderr()


async def _all_rostered(fake: FakeSlack) -> bool:
    return all("Queue (0)" in last_roster(fake, channel) for channel in CHANNELS)


async def test_X4_the_registry_says_an_answer_is_owed_only_by_a_replica_that_died_before_saying_it_was_sent(
    tmp_path: Path,
) -> None:
    from adapters.slack.answers import Answers
    from adapters.slack.replicas import BEAT_SECONDS
    from adapters.slack.replicas import Replicas as Registry

    store = await SqlStore.open(f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}", migrate=True)
    t0 = 1_700_000_000.0
    now = [t0]
    key = RoomKey("slack", "T0STAGE", CHANNELS[0])
    try:
        dead = Registry(store, f"{_host()}:{_gone_pid()}:dead0001", lambda: now[0], Answers())
        live_answers = Answers()
        live = Registry(store, f"{_host()}:1:live0001", lambda: now[0], live_answers)  # pid 1 always runs
        me = Registry(store, f"{_host()}:1:me000001", lambda: now[0], Answers())
        for replica in (dead, live, me):
            await replica.start()
        now[0] = t0 + 2 * BEAT_SECONDS
        await dead.beat()  # its last word: killed after this
        now[0] = t0 + 2.4 * BEAT_SECONDS
        with live_answers.listening():
            claim = live_answers.begin(key, "UALEX0001", now[0])
            live_answers.committed(claim, [], now[0] + 0.01)  # nothing owed: settled as answered at once
        now[0] = t0 + 3 * BEAT_SECONDS
        await live.beat()
        # Alex's command is listed by the live replica as answered: nobody else answers it.
        assert await me.maybe_lost(key, "UALEX0001", t0 + 2.4 * BEAT_SECONDS + 0.005) is False
        # Bea's, committed after the dead replica's last beat and listed by no live replica: it may have been the
        # dead one's, acked in its last moment: answered here (at least once).
        assert await me.maybe_lost(key, "UBEA00001", t0 + 2.6 * BEAT_SECONDS) is True
        # Cal's, committed before the dead replica's last beat, which did not list it: not the dead one's.
        assert await me.maybe_lost(key, "UCAL00001", t0 + 1.8 * BEAT_SECONDS) is False
    finally:
        await store.close()


def _gone_pid() -> int:
    """Return the pid of a process that ran and ended (so this host has no process by that id now)."""
    process = subprocess.Popen(["true"])  # noqa: S603, S607
    process.wait()
    return process.pid


def _host() -> str:
    import socket

    return socket.gethostname()
