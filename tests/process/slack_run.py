"""`stagedoor run` in Slack HTTP mode as a process, with signed requests sent to it the way Slack sends them."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from sqlalchemy import text

from adapters.persistence.sql import SqlStore
from adapters.slack import notify
from core.commands import Actor, Status
from core.events import StatusReply
from core.room import RoomKey
from core.service import StageService
from tests.process.launch import Process, clean_environment, free_port, launch, wait_until_ready
from tests.slack.conftest import ADMIN, CHANNEL, SECRET, TOKEN, SlackHarness
from tests.slack.fake_slack import APP_ID, FakeSlack


class SlackRun:
    """One data directory, one Slack port, one health port: processes started and restarted on them."""

    def __init__(self, fake: FakeSlack, tmp: Path, template: Path, **settings: str) -> None:
        self.fake = fake
        self.data = tmp / "data"
        self.data.mkdir(exist_ok=True)
        if not (self.data / "stagedoor.db").exists():
            shutil.copyfile(template, self.data / "stagedoor.db")  # migrated once per test run
        self.cwd = tmp
        self.port, self.health_port = free_port(), free_port()
        self.signer = SlackHarness(fake, tmp, template)  # only its request bodies and signatures
        self.env = clean_environment(
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.url,
            STAGEDOOR_SLACK_MODE="http",
            STAGEDOOR_SLACK_HTTP_HOST="127.0.0.1",
            STAGEDOOR_SLACK_HTTP_PORT=str(self.port),
            STAGEDOOR_HEALTH_HOST="127.0.0.1",
            STAGEDOOR_HEALTH_PORT=str(self.health_port),
            STAGEDOOR_DATA_DIR=str(self.data),
            **settings,
        )

    @property
    def database(self) -> Path:
        return self.data / "stagedoor.db"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.health_port}{path}"

    async def start(self) -> Process:
        """Start a process and wait until /readyz says it serves."""
        process = await launch(self.cwd, self.env, "run")
        await wait_until_ready(self.url("/readyz"), process)
        return process

    async def command(self, user: str, text: str, channel: str = CHANNEL) -> int:
        """POST a signed `/stage text` to the process; return the HTTP status of Slack's acknowledgement."""
        body = self.signer.command_body(user, text, channel)
        return await self._post(body)

    async def click(self, user: str, action_id: str, value: str, channel: str = CHANNEL) -> int:
        """POST a signed click of a roster button to the process; return the HTTP status of the acknowledgement."""
        return await self._post(
            "payload=" + quote(json.dumps(click_payload(self.fake, user, action_id, value, channel)))
        )

    async def _post(self, body: str) -> int:
        signed = self.signer.request(body, "application/x-www-form-urlencoded")
        headers: dict[str, Any] = {name: values[0] for name, values in signed.headers.items()}
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{self.port}/slack/events"
            async with http.post(url, data=body, headers=headers) as answer:
                return answer.status


def click_payload(fake: FakeSlack, user: str, action_id: str, value: str, channel: str) -> dict[str, Any]:
    """Return a block_actions payload as Slack sends it for a click on a button in the channel's roster."""
    stamp = f"{time.time():.6f}"
    return {
        "type": "block_actions",
        "team": {"id": fake.team, "domain": "stage"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": fake.team},
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "trigger_id": f"{int(time.time())}.1234.abcdef",
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": channel},
        "channel": {"id": channel, "name": "town-hall"},
        "message": {"type": "message", "ts": "1700000000.000001", "text": "stage", "user": "UBOTSTAGE"},
        "response_url": f"{fake.url}response/{stamp}",
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "action_ts": stamp, "value": value}],
    }


async def room_status(database: Path, team: str) -> StatusReply:
    """Read the room from the database the processes used, as a moderator sees it."""
    store = await SqlStore.open(f"sqlite+aiosqlite:///{database}", migrate=False)
    try:
        service = StageService(store.unit_of_work, time.time)
        events = await service.handle(RoomKey("slack", team, CHANNEL), Status(Actor(ADMIN, moderator=True)))
        return next(event for event in events if isinstance(event, StatusReply))
    finally:
        await store.close()


UNDELIVERED = text(
    "SELECT COUNT(*) FROM events JOIN rooms ON rooms.id = events.room_id "
    "LEFT JOIN deliveries ON deliveries.room_id = events.room_id AND deliveries.consumer = :consumer "
    "WHERE rooms.platform = 'slack' AND events.id > COALESCE(deliveries.delivered_id, "
    "(SELECT last_event_id FROM consumer_cursors WHERE consumer = :consumer), 0)"
)


async def undelivered(database: Path) -> int:
    """Return how many logged events the Slack outbox has not delivered yet (its cursor is behind them).

    Counted from the cursors themselves: a read would lease rooms, and never see those another process holds.
    """
    store = await SqlStore.open(f"sqlite+aiosqlite:///{database}", migrate=False)
    try:
        # Every outbox consumer the Slack side runs: one cursor, or one per delivery lane where there are lanes.
        cursors = [name for name in (notify.CONSUMER, getattr(notify, "PERSONAL", None)) if name]
        async with store.engine.connect() as connection:
            counts = [(await connection.execute(UNDELIVERED, {"consumer": name})).scalar_one() for name in cursors]
        return int(max(counts))
    finally:
        await store.close()


async def eventually(check, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


def ephemerals_to(fake: FakeSlack, user: str, since: int) -> list[str]:
    return [
        call.args["text"]
        for call in fake.calls[since:]
        if call.method == "chat.postEphemeral" and call.status == 200 and call.args.get("user") == user
    ]


def roster_blocks(fake: FakeSlack) -> str:
    rosters = [
        call.args
        for call in fake.calls
        if call.method in ("chat.postMessage", "chat.update")
        and call.status == 200
        and call.args["blocks"][0]["type"] == "header"
    ]
    return json.dumps(rosters[-1]["blocks"]) if rosters else ""


class Replicas:
    """Several `stagedoor run` processes in Slack HTTP mode on one database, each on its own ports.

    Requests are spread over them round-robin, as a load balancer in front of them spreads Slack's.
    """

    def __init__(self, fake: FakeSlack, tmp: Path, database_url: str, count: int, **settings: str) -> None:
        self.fake = fake
        self.cwd = tmp
        self.database_url = database_url
        self.signer = SlackHarness(fake, tmp, tmp / "unused.db")  # only its request bodies and signatures
        self.ports = [(free_port(), free_port()) for _ in range(count)]
        self.processes: list[Process | None] = [None] * count
        self.settings = settings
        self._next = 0

    def env(self, index: int) -> dict[str, str]:
        """Return the environment of replica `index`: the shared database, its own Slack and health ports."""
        port, health = self.ports[index]
        (self.cwd / f"data{index}").mkdir(exist_ok=True)
        return clean_environment(
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=self.fake.url,
            STAGEDOOR_SLACK_MODE="http",
            STAGEDOOR_SLACK_HTTP_HOST="127.0.0.1",
            STAGEDOOR_SLACK_HTTP_PORT=str(port),
            STAGEDOOR_HEALTH_HOST="127.0.0.1",
            STAGEDOOR_HEALTH_PORT=str(health),
            STAGEDOOR_DATA_DIR=str(self.cwd / f"data{index}"),
            STAGEDOOR_DATABASE_URL=self.database_url,
            **self.settings,
        )

    async def start(self, index: int) -> Process:
        """Start replica `index` (again, after a kill) and wait until its /readyz says it serves."""
        process = await launch(self.cwd, self.env(index), "run")
        await wait_until_ready(f"http://127.0.0.1:{self.ports[index][1]}/readyz", process)
        self.processes[index] = process
        return process

    async def start_all(self) -> None:
        """Start every replica (the first one alone: it migrates the database)."""
        await self.start(0)
        await asyncio.gather(*(self.start(index) for index in range(1, len(self.ports))))

    def alive(self) -> list[int]:
        return [i for i, p in enumerate(self.processes) if p is not None and p.process.returncode is None]

    def pick(self) -> int:
        """Return the next live replica, round-robin (a balancer takes a dead one out of rotation)."""
        alive = self.alive()
        index = alive[self._next % len(alive)]
        self._next += 1
        return index

    async def command(self, user: str, text: str, channel: str = CHANNEL, to: int | None = None) -> tuple[int, int]:
        """POST a signed `/stage text` to the next replica; return which one took it and the HTTP status."""
        return await self._post(self.signer.command_body(user, text, channel), to)

    async def click(
        self, user: str, action_id: str, value: str, channel: str = CHANNEL, to: int | None = None
    ) -> tuple[int, int]:
        """POST a signed click of a roster button to the next replica; return which one took it and the status."""
        payload = click_payload(self.fake, user, action_id, value, channel)
        return await self._post("payload=" + quote(json.dumps(payload)), to)

    async def _post(self, body: str, to: int | None) -> tuple[int, int]:
        index = self.pick() if to is None else to
        signed = self.signer.request(body, "application/x-www-form-urlencoded")
        headers: dict[str, Any] = {name: values[0] for name, values in signed.headers.items()}
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{self.ports[index][0]}/slack/events"
            try:
                async with http.post(url, data=body, headers=headers) as answer:
                    return index, answer.status
            except aiohttp.ClientError:
                return index, 0  # the replica died before it answered: Slack saw no acknowledgement

    async def stop_all(self) -> None:
        """SIGTERM every live replica and wait for each to exit cleanly."""
        live = [p for p in self.processes if p is not None and p.process.returncode is None]
        for process in live:
            process.signal(signal.SIGTERM)
        codes = [await process.exit_code() for process in live]
        assert codes == [0] * len(live), [process.stderr for process in live]

    async def kill_all(self) -> None:
        for process in self.processes:
            if process is not None:
                await process.kill()

    def stderr(self) -> str:
        return "\n".join(f"--- replica {i}\n{p.stderr}" for i, p in enumerate(self.processes) if p is not None)


async def status_in(database_url: str, key: RoomKey) -> StatusReply:
    """Read a room from the database the replicas share, as a moderator sees it."""
    store = await SqlStore.open(database_url, migrate=False)
    try:
        service = StageService(store.unit_of_work, time.time)
        events = await service.handle(key, Status(Actor(ADMIN, moderator=True)))
        return next(event for event in events if isinstance(event, StatusReply))
    finally:
        await store.close()


async def pending_in(database_url: str) -> int:
    """Return how many logged Slack events some lane has not delivered yet (read only: no lease is taken)."""
    store = await SqlStore.open(database_url, migrate=False)
    try:
        async with store.engine.connect() as connection:
            counts = [
                (await connection.execute(PENDING, {"consumer": name})).scalar_one()
                for name in (notify.CONSUMER, notify.PERSONAL)
            ]
        return max(counts)
    finally:
        await store.close()


PENDING = text(
    "SELECT count(*) FROM events e JOIN rooms r ON r.id = e.room_id "
    "LEFT JOIN deliveries d ON d.room_id = e.room_id AND d.consumer = :consumer "
    "WHERE r.platform = 'slack' AND e.id > coalesce(d.delivered_id, "
    "(SELECT c.last_event_id FROM consumer_cursors c WHERE c.consumer = :consumer), 0)"
)
