"""A stampede on Slack: a thousand Raise-hand clicks through the real Bolt app over HTTP, against a strict fake Slack.

`stagedoor run` is started as its own process (Slack in HTTP mode, a fresh SQLite database) against
the checkout's local Slack Web API (tests/slack/fake_slack.py, which enforces Slack's rate tiers with
429 + Retry-After). The clicks are signed the way Slack signs them and posted to /slack/events,
spread over a few seconds; halfway through, a moderator invites one more person. Printed: the acks'
p50/p99, how long until every clicker was told, how long the invitation took to reach its person,
the 429s Slack answered, and the chat.updates made (and how many repeated the message's content).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from adapters.persistence.sql import SqlStore
from adapters.slack.kit import HAND
from core.commands import Actor, Status
from core.events import StatusReply
from core.room import RoomKey
from core.service import StageService

FAKE_SLACK = "tests.slack.fake_slack"  # the checkout's strict local Slack; the benchmark runs from a checkout
SECRET = "stampede-signing-secret"
CHANNEL = "C0STAMPEDE"
MODERATOR, GUEST = "UBENCHMOD1", "UBENCHGST1"
TARGETS = {"ack_max_s": 3.0, "all_told_s": 60.0, "invitation_s": 5.0}
MESSAGES = ("chat.postEphemeral", "chat.postMessage", "response_url")


class MissingFake(Exception):
    """The fake Slack is part of the checkout's tests, not of an installed stagedoor."""


def _fake_slack() -> Any:
    """Import the checkout's fake Slack: beside this package, or in the directory stagedoor runs in."""
    for root in (Path(__file__).resolve().parents[1], Path.cwd()):
        if (root / "tests" / "slack" / "fake_slack.py").is_file() and str(root) not in sys.path:
            sys.path.append(str(root))  # an installed stagedoor run from its checkout
            break
    try:
        return importlib.import_module(FAKE_SLACK)
    except ImportError as error:
        raise MissingFake(
            f"the Slack stampede needs a stagedoor checkout (it uses {FAKE_SLACK}); run it from one ({error})"
        ) from None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Slack:
    """Sends what Slack sends to the app, signed with the app's signing secret."""

    def __init__(self, http: aiohttp.ClientSession, url: str, fake: Any) -> None:
        self.http, self.url, self.fake, self.team = http, url, fake, str(fake.team)
        self._ids = 0

    async def post(self, body: str) -> tuple[int, float]:
        """Post one signed request; return its HTTP status and how long the ack took."""
        stamp = str(int(time.time()))
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": stamp,
            "x-slack-signature": str(SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)),
        }
        started = time.monotonic()
        async with self.http.post(self.url, data=body.encode(), headers=headers) as response:
            await response.read()
            return response.status, time.monotonic() - started

    def command(self, user: str, text: str) -> str:
        self._ids += 1
        fields = {
            "team_id": self.team,
            "team_domain": "stage",
            "channel_id": CHANNEL,
            "channel_name": "town-hall",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/stage",
            "text": text,
            "api_app_id": "ASTAGEDOOR",
            "response_url": self.fake.response_url(CHANNEL, user, self._ids),
            "trigger_id": f"{self._ids}.1234.abcdef",
        }
        return urlencode(fields)

    def click(self, user: str, action_id: str) -> str:
        self._ids += 1
        payload = {
            "type": "block_actions",
            "team": {"id": self.team, "domain": "stage"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team},
            "api_app_id": "ASTAGEDOOR",
            "trigger_id": f"{self._ids}.1234.abcdef",
            "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": CHANNEL},
            "channel": {"id": CHANNEL, "name": "town-hall"},
            "message": {"type": "message", "ts": "1700000000.000001", "text": "stage", "user": "UBOTSTAGE"},
            "response_url": self.fake.response_url(CHANNEL, user, self._ids),
            "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": f"{CHANNEL}|"}],
        }
        return "payload=" + quote(json.dumps(payload))


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0.0


def first_told(calls: list[Any], people: set[str], since: float) -> dict[str, list[float]]:
    """Return when each of these people was shown a message (ephemeral or DM), every time."""
    told: dict[str, list[float]] = {}
    for call in calls:
        if call.method not in MESSAGES or call.status != 200 or call.error or call.at < since:
            continue
        user = call.args.get("channel") if call.method == "chat.postMessage" else call.args.get("user")
        if user in people:
            told.setdefault(str(user), []).append(call.at)
    return told


def identical_updates(calls: list[Any]) -> int:
    """Count chat.updates that repeat the message's previous content exactly."""
    shown: dict[tuple[str, str], str] = {}
    repeats = 0
    for call in calls:
        if call.method != "chat.update" or call.status != 200 or call.error:
            continue
        where = (str(call.args.get("channel")), str(call.args.get("ts")))
        content = json.dumps([call.args.get("text"), call.args.get("blocks")], sort_keys=True)
        repeats += shown.get(where) == content
        shown[where] = content
    return repeats


async def measure_stampede(
    clicks: int = 1_000, spread: float = 5.0, patience: float = 120.0, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run the stampede and return its figures (see the module docstring)."""
    say = progress or (lambda line: None)
    fake = _fake_slack().FakeSlack()
    runner = web.AppRunner(fake.application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/"
    fake.person(MODERATOR, admin=True)
    fake.person(GUEST)
    clickers = [fake.person(f"UCLICK{n:05d}") for n in range(clicks)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return await _run(fake, Path(tmp), clickers, spread, patience, say)
    finally:
        await runner.cleanup()


async def _run(
    fake: Any, tmp: Path, clickers: list[str], spread: float, patience: float, say: Callable[[str], None]
) -> dict[str, Any]:
    port, health = _free_port(), _free_port()
    settings = {
        "SLACK_BOT_TOKEN": "xoxb-stampede",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.url,
        "STAGEDOOR_SLACK_MODE": "http",
        "STAGEDOOR_SLACK_HTTP_HOST": "127.0.0.1",
        "STAGEDOOR_SLACK_HTTP_PORT": str(port),
        "STAGEDOOR_HEALTH_HOST": "127.0.0.1",
        "STAGEDOOR_HEALTH_PORT": str(health),
        "STAGEDOOR_DATA_DIR": str(tmp),
        "STAGEDOOR_LOG_LEVEL": "WARNING",
    }
    env = {name: value for name, value in os.environ.items() if not name.startswith(("STAGEDOOR_", "SLACK_"))}
    env.update(settings, PYTHONPATH=os.pathsep.join(sys.path))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            await _ready(http, f"http://127.0.0.1:{health}/readyz", fake, process)
            slack = Slack(http, f"http://127.0.0.1:{port}/slack/events", fake)
            await slack.post(slack.command(MODERATOR, "start request"))
            await asyncio.sleep(2.0)  # the session's announcement and roster go out before the burst
            figures = await _stampede(fake, slack, clickers, spread, patience, say)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
    figures["hands_raised"] = len((await _room(tmp / "stagedoor.db", fake.team)).hands)
    figures["dropped"] = len(clickers) - figures["hands_raised"]
    figures["meets_targets"] = figures["meets_targets"] and figures["dropped"] == 0
    return figures


async def _ready(http: aiohttp.ClientSession, url: str, fake: Any, process: asyncio.subprocess.Process) -> None:
    """Wait until the process serves and has read the workspace's people (users.list) once."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"stagedoor run exited with {process.returncode}")
        try:
            async with http.get(url) as response:
                pages = [call for call in fake.calls if call.method == "users.list" and call.status == 200]
                if response.status == 200 and pages and not fake.users_left(pages[-1].args):
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("stagedoor run did not become ready within 60 s")


async def _room(database: Path, team: str) -> StatusReply:
    store = await SqlStore.open(f"sqlite+aiosqlite:///{database}", migrate=False)
    try:
        service = StageService(store.unit_of_work, time.time)
        [room] = await service.handle(RoomKey("slack", team, CHANNEL), Status(Actor(MODERATOR, moderator=True)))
        assert isinstance(room, StatusReply)
        return room
    finally:
        await store.close()


async def _stampede(
    fake: Any,
    slack: Slack,
    clickers: list[str],
    spread: float,
    patience: float,
    say: Callable[[str], None],
) -> dict[str, Any]:
    before = len(fake.calls)
    began = time.monotonic()
    acks: list[float] = []
    statuses: Counter[int] = Counter()
    invited: dict[str, float] = {}

    async def click(user: str, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        status, took = await slack.post(slack.click(user, HAND))
        acks.append(took)
        statuses[status] += 1

    async def invite(at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        invited["sent"] = time.monotonic()
        status, took = await slack.post(slack.command(MODERATOR, f"invite <@{GUEST}>"))
        invited["ack"] = took
        statuses[status] += 1

    say(f"slack stampede: {len(clickers):,} Raise-hand clicks over {spread:.0f} s, an invitation halfway")
    gap = spread / max(1, len(clickers))
    tasks = [asyncio.create_task(click(user, began + n * gap)) for n, user in enumerate(clickers)]
    tasks.append(asyncio.create_task(invite(began + spread / 2)))
    await asyncio.gather(*tasks)
    burst = time.monotonic() - began
    say(f"slack stampede: every click acked after {burst:.1f} s; waiting for everyone to be told")
    people = set(clickers)
    while time.monotonic() - began < patience:
        told = first_told(fake.calls[before:], people, began)
        if len(told) == len(people) and GUEST in first_told(fake.calls[before:], {GUEST}, began):
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(3.0)  # the last roster and summary edits
    calls = fake.calls[before:]
    told = first_told(calls, people, began)
    guest = first_told(calls, {GUEST}, began).get(GUEST, [])
    limited = Counter(call.method for call in calls if call.status == 429)
    figures: dict[str, Any] = {
        "clicks": len(clickers),
        "spread_s": spread,
        "ack_p50_s": percentile(acks, 0.50),
        "ack_p99_s": percentile(acks, 0.99),
        "ack_max_s": max(acks, default=0.0),
        "http_statuses": {str(code): count for code, count in sorted(statuses.items())},
        "clickers_told": len(told),
        "clickers_told_twice": sum(len(times) > 1 for times in told.values()),
        "all_told_s": max((times[0] for times in told.values()), default=began) - began
        if len(told) == len(people)
        else None,
        "invitation_s": guest[0] - invited["sent"] if guest else None,
        "http_429": sum(limited.values()),
        "http_429_by_method": dict(limited),
        "chat_updates": sum(1 for call in calls if call.method == "chat.update" and call.status == 200),
        "identical_chat_updates": identical_updates(calls),
        "moderator_messages": len(first_told(calls, {MODERATOR}, began).get(MODERATOR, [])),
        "users_info_calls": sum(1 for call in calls if call.method == "users.info"),
    }
    figures["targets"] = TARGETS
    figures["meets_targets"] = bool(
        figures["ack_max_s"] < TARGETS["ack_max_s"]
        and figures["all_told_s"] is not None
        and figures["all_told_s"] < TARGETS["all_told_s"]
        and figures["invitation_s"] is not None
        and figures["invitation_s"] < TARGETS["invitation_s"]
        and figures["http_statuses"] == {"200": len(clickers) + 1}
    )
    return figures


def stampede_lines(figures: dict[str, Any]) -> list[str]:
    """Render the stampede's figures as readable lines."""

    def seconds(value: float | None) -> str:
        return "never" if value is None else f"{value:.2f} s"

    verdict = "met" if figures["meets_targets"] else "MISSED"
    return [
        f"slack stampede: {figures['clicks']:,} Raise-hand clicks over {figures['spread_s']:.0f} s "
        f"(HTTP answers {figures['http_statuses']})",
        f"  ack p50 {figures['ack_p50_s'] * 1000:.0f} ms, p99 {figures['ack_p99_s'] * 1000:.0f} ms, "
        f"max {figures['ack_max_s'] * 1000:.0f} ms (target < 3 s)",
        f"  every clicker told after {seconds(figures['all_told_s'])} (target < 60 s); "
        f"{figures['clickers_told']:,} told, {figures['clickers_told_twice']} of them twice",
        f"  mid-burst invitation delivered after {seconds(figures['invitation_s'])} (target < 5 s)",
        f"  hands raised {figures['hands_raised']:,}, dropped {figures['dropped']}",
        f"  HTTP 429s {figures['http_429']} {figures['http_429_by_method']}; chat.updates {figures['chat_updates']} "
        f"({figures['identical_chat_updates']} identical); moderator messages {figures['moderator_messages']}; "
        f"users.info calls {figures['users_info_calls']}",
        f"  targets: {verdict}",
    ]
