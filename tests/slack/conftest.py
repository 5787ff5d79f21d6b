"""Drive the real Bolt app with signed Slack requests against a local fake Slack Web API."""

from __future__ import annotations

import copy
import itertools
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from adapters.outbox import drain
from adapters.slack import SlackBot, SlackOptions, build_app
from adapters.slack.client import make_client
from adapters.slack.state import SlackState
from adapters.timers import fire_due
from core.room import RoomKey
from core.service import StageService
from tests.conftest import open_store
from tests.slack.fake_slack import APP_ID, PLATFORM, FakeSlack
from tests.slack.limits import problems_in_call

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"
CHANNEL = "C0STAGE01"
ADMIN, MOD, ALEX, BEA, CAL, BOTUSER = "UADMIN001", "UMODERAT1", "UALEX0001", "UBEA00001", "UCAL00001", "UROBOT001"


EVENTS = json.loads((PLATFORM / "slack-events.json").read_text())
# A real workspace's hidden message_changed of a huddle_thread message; huddle updates are built from it.
HUDDLE_EDIT: dict[str, Any] = json.loads((PLATFORM / "slack-huddle-message-changed.json").read_text())["payload"]
ENVELOPE_SENT = {"token", "team_id", "api_app_id", "event", "type", "event_id", "event_time", "authorizations"}


def check_event_fixture(event: dict[str, Any]) -> None:
    """Fail when a test's event lacks a field Slack's documented payload always has."""
    name = event["type"]
    if event.get("subtype") == "message_changed":
        missing = set(HUDDLE_EDIT["event"]) - set(event)
        assert not missing, f"message_changed fixture lacks {missing}, which the recorded delivery has"
        return
    if name == "message":
        name = "message.groups" if event.get("channel_type") == "group" else "message.channels"
    spec = EVENTS[name]
    missing = set(spec["payload_fields"]) - set(spec.get("optional_fields") or []) - set(event)
    assert not missing, f"{name} fixture lacks {missing}"


class Clock:
    """A virtual clock the service reads; tests move it."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


class SlackHarness:
    """Sends what Slack sends, the way Slack signs it, and delivers the outbox."""

    def __init__(self, fake: FakeSlack, tmp: Path, template: Path) -> None:
        self.fake = fake
        self.tmp = tmp
        self.template = template
        self.clock = Clock()
        self.key = RoomKey("slack", fake.team, CHANNEL)
        self._ids = itertools.count(1)
        self._huddles: dict[tuple[str, str], list[str]] = {}  # each huddle's participant_history so far
        self._in_huddle: dict[tuple[str, str], list[str]] = {}  # who the previous edit listed
        self.store: Any = None
        self.bot: SlackBot = None  # type: ignore[assignment]

    async def start(self) -> None:
        """Build (or rebuild, after a restart) the store, the service and the Bolt app."""
        self.store = await open_store(self.tmp / "stagedoor.db", self.template)
        service = self.service = StageService(self.store.unit_of_work, self.clock)
        options = SlackOptions(bot_token=TOKEN, signing_secret=SECRET, api_url=self.fake.url, mode="http")
        client = make_client(TOKEN, self.fake.url)
        state = await SlackState.load(self.store)
        self.bot = build_app(
            options, service, self.clock, client=client, state=state, roster_interval=0, records=self.store
        )

    async def tick(self) -> int:
        """Fire the timers due now, as the running app's tick loop does (T4: the store's due-time index)."""
        return await fire_due(self.store, self.service, "slack", self.clock)

    async def restart(self) -> None:
        """Stop this process's app and start a new one on the same database."""
        await self.bot.stage.settle()
        if hasattr(self.store, "close"):
            await self.store.close()
        await self.start()

    async def close(self) -> None:
        await self.bot.stage.settle()
        if hasattr(self.store, "close"):
            await self.store.close()

    # -- requests as Slack sends them ----------------------------------------------------------------
    live_responses = False  # True: response_urls FakeSlack answers; False: expired ones, so answers use the Web API

    def response_url(self, channel: str, user: str) -> str:
        """Return the response_url Slack puts in a command's or click's payload (FakeSlack answers it)."""
        if self.live_responses:
            return self.fake.response_url(channel, user, next(self._ids))
        return f"{self.fake.url}response/expired/{next(self._ids)}"

    def request(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        retry_num: int | None = None,
    ) -> AsyncBoltRequest:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signed = signature or SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
        headers = {
            "content-type": [content_type],
            "x-slack-request-timestamp": [stamp],
            "x-slack-signature": [signed],
        }
        if retry_num is not None:
            headers["x-slack-retry-num"] = [str(retry_num)]
            headers["x-slack-retry-reason"] = ["http_timeout"]
        return AsyncBoltRequest(body=body, headers=headers)

    async def send(self, request: AsyncBoltRequest, deliver: bool = True) -> BoltResponse:
        response = await self.bot.app.async_dispatch(request)
        await self.bot.stage.settle()
        if deliver:
            await self.deliver()
        return response

    def command_body(self, user: str, text: str, channel: str = CHANNEL) -> str:
        return urlencode(
            {
                "token": "verification-token-unused",
                "team_id": self.fake.team,
                "team_domain": "stage",
                "channel_id": channel,
                "channel_name": "town-hall",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/stage",
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": self.response_url(channel, user),
                "trigger_id": f"{next(self._ids)}.1234.abcdef",
            }
        )

    async def command(self, user: str, text: str, channel: str = CHANNEL, **kwargs: Any) -> BoltResponse:
        """Type `/stage text` as a user in a channel."""
        body = self.command_body(user, text, channel)
        return await self.send(self.request(body, "application/x-www-form-urlencoded", **kwargs))

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> AsyncBoltRequest:
        body = "payload=" + quote(json.dumps(payload))
        return self.request(body, "application/x-www-form-urlencoded", **kwargs)

    async def click(
        self,
        user: str,
        action_id: str,
        value: str | None = None,
        *,
        channel: str = CHANNEL,
        view: dict[str, Any] | None = None,
        element: dict[str, Any] | None = None,
        message_ts: str = "1700000000.000001",
    ) -> BoltResponse:
        """Click a button (or choose in a select) the app posted."""
        request = self.click_request(
            user, action_id, value, channel=channel, view=view, element=element, message_ts=message_ts
        )
        return await self.send(request)

    def click_request(
        self,
        user: str,
        action_id: str,
        value: str | None = None,
        *,
        channel: str = CHANNEL,
        view: dict[str, Any] | None = None,
        element: dict[str, Any] | None = None,
        message_ts: str = "1700000000.000001",
    ) -> AsyncBoltRequest:
        """Return the signed request Slack sends for a click."""
        action = {"action_id": action_id, "block_id": "b1", "type": "button", "action_ts": "1700000001.000002"}
        if value is not None:
            action["value"] = value
        action.update(element or {})
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": self.fake.team, "domain": "stage"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.fake.team},
            "api_app_id": APP_ID,
            "token": "verification-token-unused",
            "trigger_id": f"{next(self._ids)}.1234.abcdef",
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = view
        else:
            payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel}
            payload["channel"] = {"id": channel, "name": "town-hall"}
            payload["message"] = {"type": "message", "ts": message_ts, "text": "stage", "user": "UBOTSTAGE"}
            payload["response_url"] = self.response_url(channel, user)
        return self.interaction(payload)

    async def submit(
        self, user: str, callback_id: str, values: dict[str, Any] | None = None, channel: str = CHANNEL
    ) -> BoltResponse:
        """Submit a modal the app opened."""
        payload = {
            "type": "view_submission",
            "team": {"id": self.fake.team, "domain": "stage"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.fake.team},
            "api_app_id": APP_ID,
            "token": "verification-token-unused",
            "trigger_id": f"{next(self._ids)}.1234.abcdef",
            "view": {
                "id": f"V{next(self._ids):08d}",
                "team_id": self.fake.team,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": channel,
                "state": {"values": values or {}},
                "hash": "1700000000.abcdef",
                "blocks": [],
                "title": {"type": "plain_text", "text": "stage"},
            },
            "response_urls": [],
        }
        return await self.send(self.interaction(payload))

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> str:
        envelope = {
            "token": "verification-token-unused",
            "team_id": self.fake.team,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(self.clock.now),
            "authorizations": [
                {"team_id": self.fake.team, "user_id": "UBOTSTAGE", "is_bot": True, "is_enterprise_install": False}
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
            "context_team_id": self.fake.team,
            "context_enterprise_id": None,
        }
        assert ENVELOPE_SENT <= set(envelope) <= set(EVENTS["_envelope"]["fields"])
        return json.dumps(envelope)

    async def event(self, event: dict[str, Any], event_id: str | None = None, **kwargs: Any) -> BoltResponse:
        """Deliver an Events API event (its fixture must carry every field Slack documents)."""
        check_event_fixture(event)
        return await self.send(self.request(self.event_body(event, event_id), "application/json", **kwargs))

    def huddle_edit(
        self,
        participants: list[str],
        *,
        cameras: list[str] | None = None,
        ended: bool = False,
        channel: str = CHANNEL,
        room_id: str = "R0HUDDLE01",
        ts: str | None = None,
    ) -> dict[str, Any]:
        """Slack's edit of a channel's huddle_thread message, made from the recorded delivery.

        tests/data/platform/slack-huddle-message-changed.json is copied and only what the huddle is now
        changes: who is in it (`participants`, `participants_events`, `participant_history`), whose
        camera is on or off, `has_ended`/`date_end`, and the channel, team, room id and timestamps.
        """
        event = copy.deepcopy(HUDDLE_EDIT["event"])
        stamp = ts or f"{int(self.clock.now)}.{next(self._ids):06d}"
        cameras = cameras or []
        event.update(channel=channel, ts=stamp, event_ts=stamp)
        message = event["message"]
        message.update(channel=channel, team=self.fake.team)
        message["edited"]["ts"] = f"{stamp.split('.')[0]}.000000"
        room = message["room"]
        was: list[str] = self._huddles.get((channel, room_id), [])
        history = list(dict.fromkeys(was + participants))
        self._huddles[(channel, room_id)] = history
        joined = copy.deepcopy(next(iter(room["participants_events"].values())))
        room.update(
            id=room_id,
            channels=[channel],
            has_ended=ended,
            date_end=int(float(stamp)) if ended else 0,
            participants=list(participants),
            participant_history=history,
            participants_camera_on=list(cameras),
            participants_camera_off=[user for user in participants if user not in cameras],
            participants_events={
                user: {**joined, "camera_on": user in cameras, "camera_off": user not in cameras} for user in history
            },
        )
        room["huddle_link"] = f"https://app.slack.com/huddle/{self.fake.team}/{channel}"
        previous = event["previous_message"]
        previous.update(channel=channel)
        previous["room"].update(id=room_id, channels=[channel], has_ended=False, participant_history=was)
        previous["room"]["participants"] = list(self._in_huddle.get((channel, room_id), []))
        self._in_huddle[(channel, room_id)] = [] if ended else list(participants)
        return event

    # -- after the fact --------------------------------------------------------------------------------
    async def deliver(self) -> None:
        """Run the outbox's lanes and the roster once, as the background tasks would."""
        for cursor, deliver in self.bot.deliverer.lanes():
            await drain(self.store, cursor, deliver)
        await self.bot.stage.roster.flush()

    async def everyone_arrives(self, *users: str) -> None:
        for user in users:
            await self.event(
                {
                    "type": "member_joined_channel",
                    "user": user,
                    "channel": CHANNEL,
                    "channel_type": "C",
                    "team": self.fake.team,
                }
            )

    def roster(self) -> dict[str, Any]:
        """Return the latest roster message (posted or edited)."""
        rosters = [
            call.args
            for call in self.fake.calls
            if call.status == 200
            and call.method in ("chat.postMessage", "chat.update")
            and (call.args.get("blocks") or [{}])[0].get("type") == "header"
        ]
        assert rosters, "no roster message was drawn"
        return rosters[-1]

    def roster_text(self) -> str:
        return json.dumps(self.roster()["blocks"], ensure_ascii=False)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    runner = web.AppRunner(fake.application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.url = f"http://127.0.0.1:{port}/api/"
    for user in (ALEX, BEA, CAL):
        fake.person(user)
    fake.person(ADMIN, admin=True)
    fake.person(MOD)
    fake.person(BOTUSER, bot=True)
    yield fake
    await runner.cleanup()


@pytest.fixture
async def slack(fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path) -> AsyncIterator[SlackHarness]:
    """A started app; at the end every call it made is checked against Slack's data and limits."""
    harness = SlackHarness(fake_slack, tmp_path, migrated_database)
    harness.live_responses = True  # as Slack sends them: the person who acted is answered through it
    await harness.start()
    yield harness
    await harness.close()
    assert fake_slack.violations == []
    over = [p for call in fake_slack.calls for p in problems_in_call(call.method, call.args)]
    assert over == []


async def live_session(slack: SlackHarness, mode: str = "request", *people: str) -> None:
    """Admin starts a session in a mode with people in the channel."""
    await slack.everyone_arrives(ADMIN, MOD, ALEX, BEA, CAL, *people)
    await slack.command(ADMIN, f"start {mode}")
