"""A local Slack Web API: records calls, checks them against Slack's method data, fails like Slack.

Every call is checked against tests/data/platform/slack-methods.json: the method is
known, its required arguments and argument groups hold, and it sends no argument
Slack does not document. Faults are queued per method: `ok: false` errors (only
codes Slack documents for the method), 429 with Retry-After, 5xx (500 and 503 as
Slack's API answers them, 502 and 504 as the HTML page its gateways serve), and a
connection dropped before any answer. A fault may be kept for calls whose arguments
match (`where`), so one person's messages fail while everyone else's go through.
Slack's rate tiers are enforced on every call (tests/slack/limits.py: 429 with the Retry-After
Slack would send), users.list pages through the workspace's people, and a payload's response_url
(`response_url()`) shows its person an ephemeral message, as Slack does, up to five times.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.data import PLATFORM
from tests.slack.fake_files import UPLOAD, FakeFiles, dm_of
from tests.slack.limits import RateTiers

METHODS: dict[str, Any] = json.loads((PLATFORM / "slack-methods.json").read_text())
COMMON_ERRORS = set(METHODS["_common_errors"])
TIERS = {name: str(spec.get("rate_limit_tier") or "") for name, spec in METHODS.items() if not name.startswith("_")}
RESPONSE_URL = "response_url"  # how the fake records a message sent through a request's response_url
USERS_PAGE = 200  # users.list's page when no limit is given (Slack pages its own way; a cursor continues)

# Bolt's own authorization passes team_id to auth.test (for org-wide installs); Slack's page lists no args.
BOLT_EXTRAS = {"auth.test": {"team_id"}}

BOT_USER, BOT_ID, APP_ID = "UBOTSTAGE", "BSTAGEDOOR", "ASTAGEDOOR"


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    args: dict[str, Any]
    status: int = 200
    error: str | None = None  # the `ok: false` code Slack answered with
    at: float = field(default_factory=time.monotonic)  # when the fake received it


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int = 0
    drop: bool = False  # close the connection without answering
    where: dict[str, Any] = field(default_factory=dict)  # only calls with these arguments

    def matches(self, args: dict[str, Any]) -> bool:
        return all(args.get(name) == value for name, value in self.where.items())


GATEWAY_PAGE = "<html><head><title>{status}</title></head><body><h1>{status}</h1>Slack is having trouble.</body></html>"


@dataclass
class FakeSlack:
    """The fake server's state: recorded calls, queued faults, the workspace's people."""

    team: str = "T0STAGE"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    groups: dict[str, list[str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    enforce_tiers: bool | set[str] = True  # True: every method; a set: only those methods
    _faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _tiers: RateTiers = field(default_factory=lambda: RateTiers(TIERS))
    url: str = ""
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    acks: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)
    slow: dict[str, float] = field(default_factory=dict)  # method → seconds each call waits before Slack answers
    files: FakeFiles = field(default_factory=FakeFiles)  # uploads (files upload v2: tests/slack/fake_files.py)

    # -- set-up -------------------------------------------------------------------------------
    def person(self, user: str, *, admin: bool = False, bot: bool = False, deleted: bool = False) -> str:
        self.users[user] = {
            "id": user,
            "team_id": self.team,
            "name": user.lower(),
            "deleted": deleted,
            "is_admin": admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_bot": bot,
            "is_app_user": False,
            "profile": {"real_name": user.title(), "display_name": user.lower()},
        }
        return user

    def fail(self, method: str, error: str, times: int = 1, where: dict[str, Any] | None = None) -> None:
        """Answer the next calls of a method with `ok: false` and a documented error code."""
        documented = set(METHODS[method].get("errors") or []) | COMMON_ERRORS
        assert error in documented, f"{error} is not an error Slack documents for {method}"
        self._faults[method].extend(Fault(error=error, where=where or {}) for _ in range(times))

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 0) -> None:
        """Answer the next calls of a method with HTTP 429 and Retry-After."""
        self._faults[method].extend(Fault(status=429, retry_after=retry_after) for _ in range(times))

    def server_error(self, method: str, times: int = 1, status: int = 503, where: dict[str, Any] | None = None) -> None:
        """Answer the next calls of a method (or of the upload URL, UPLOAD) with a 5xx (502 and 504 as HTML)."""
        assert status in (500, 502, 503, 504)
        self._faults[method].extend(Fault(status=status, where=where or {}) for _ in range(times))

    def drop(self, method: str, times: int = 1) -> None:
        """Close the connection of the next calls of a method before Slack answers (nothing is done)."""
        self._faults[method].extend(Fault(drop=True) for _ in range(times))

    def faults_left(self, method: str) -> int:
        return len(self._faults.get(method) or ())

    # -- reading what happened ------------------------------------------------------------------
    def of(self, method: str) -> list[dict[str, Any]]:
        """Return the arguments of every successful call of a method, in order."""
        return [call.args for call in self.calls if call.method == method and call.status == 200 and not call.error]

    def told(self, user: str) -> list[str]:
        """Return, in order, every ephemeral message (Web API or a response_url) and DM shown to a user."""
        texts = []
        for call in self.calls:
            if call.status != 200 or call.error:
                continue
            shown_to = call.args.get("channel" if call.method == "chat.postMessage" else "user")
            if call.method in ("chat.postEphemeral", RESPONSE_URL, "chat.postMessage") and shown_to == user:
                texts.append(call.args["text"])
        return texts

    def response_url(self, channel: str, user: str, request: int) -> str:
        """Return a response_url for one request, as Slack puts in a slash command's or a click's payload."""
        return f"{self.url}response/{channel}/{user}/{request}"

    def posted(self, channel: str) -> list[dict[str, Any]]:
        return [a for a in self.of("chat.postMessage") if a.get("channel") == channel]

    def clear(self) -> None:
        self.calls.clear()

    # -- the server --------------------------------------------------------------------------------
    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/api/response/{channel}/{user}/{request}", self._response_url)
        app.router.add_post("/api/upload/{file_id}", self._upload)
        app.router.add_get("/link/", self._socket)
        return app

    # -- Socket Mode: apps.connections.open hands out this WebSocket ----------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        hello = {
            "type": "hello",
            "num_connections": 1,
            "connection_info": {"app_id": APP_ID},
            "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
        }
        await socket.send_json(hello)
        async for message in socket:
            if message.type == web.WSMsgType.TEXT:
                await self.acks.put(json.loads(message.data))
        return socket

    async def push(self, envelope: dict[str, Any], timeout: float = 3.0) -> dict[str, Any]:
        """Send a Socket Mode envelope and return the app's acknowledgement (Slack waits 3 s)."""
        deadline = time.monotonic() + 10  # the app connects in the background; a busy CI runner is slow
        while not self.sockets and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await self.sockets[-1].send_json(envelope)
        return dict(await asyncio.wait_for(self.acks.get(), timeout))

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        self._check(method, args, request)
        if self.slow.get(method):
            await asyncio.sleep(self.slow[method])  # a slow Slack: the answer comes late, unchanged
        fault = self._take_fault(method, args) or self._tier_fault(method, args)
        if fault is not None and fault.drop:
            self.calls.append(Call(method, args, 0))
            assert request.transport is not None
            request.transport.close()  # the client sees the server disconnect mid-request
            return web.Response(status=500)
        if fault is not None and fault.status in (502, 504):
            self.calls.append(Call(method, args, fault.status))
            page = GATEWAY_PAGE.format(status=fault.status)
            return web.Response(status=fault.status, text=page, content_type="text/html")
        if fault is not None and fault.status != 200:
            self.calls.append(Call(method, args, fault.status))
            headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            body = {"ok": False, "error": "ratelimited"} if fault.status == 429 else {"ok": False}
            return web.json_response(body, status=fault.status, headers=headers)
        if fault is not None:
            self.calls.append(Call(method, args, 200, fault.error))
            return web.json_response({"ok": False, "error": fault.error})
        answer = self._answer(method, args)
        self.calls.append(Call(method, args, 200, answer.get("error")))
        return web.json_response({"ok": True, **answer})

    async def _upload(self, request: web.Request) -> web.Response:
        """An upload URL files.getUploadURLExternal handed out: 200 once it has the file's bytes (fake_files.py)."""
        args = {"file_id": request.match_info["file_id"]}
        fault = self._take_fault(UPLOAD, args)
        if fault is not None and fault.status != 200:
            await request.read()
            self.calls.append(Call(UPLOAD, args, fault.status))
            headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            return web.Response(status=fault.status, text=GATEWAY_PAGE.format(status=fault.status), headers=headers)
        status, text = await self.files.receive(request)
        self.calls.append(Call(UPLOAD, args, status))
        return web.Response(status=status, text=text)

    async def _response_url(self, request: web.Request) -> web.Response:
        """A request's response_url: an ephemeral message to its person, at most 5 times (no rate tier applies).

        https://api.slack.com/interactivity/handling#message_responses: "You can use response_url to publish
        up to five responses within 30 minutes"; "response_type": "ephemeral" shows it only to that user.
        """
        where = request.match_info
        body = await request.json()
        args = {"channel": where["channel"], "user": where["user"], **body}
        used = sum(
            1 for call in self.calls if call.method == RESPONSE_URL and call.args.get("request") == where["request"]
        )
        args["request"] = where["request"]
        if used >= 5 or body.get("response_type") != "ephemeral":
            self.calls.append(Call(RESPONSE_URL, args, 404))
            return web.Response(status=404, text="used_url" if used >= 5 else "invalid_payload")
        self.calls.append(Call(RESPONSE_URL, args))
        return web.Response(text="ok")

    def _take_fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        queue = self._faults.get(method)
        for fault in queue or ():
            if fault.matches(args):
                queue.remove(fault)  # type: ignore[union-attr]
                return fault
        return None

    def _tier_fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        enforced = self.enforce_tiers if isinstance(self.enforce_tiers, bool) else method in self.enforce_tiers
        if not enforced:
            return None
        wait = self._tiers.retry_after(method, args, time.monotonic())
        return Fault(status=429, retry_after=wait) if wait else None

    def rate_limited(self) -> int:
        """Return how many calls Slack answered with 429."""
        return sum(1 for call in self.calls if call.status == 429)

    def _check(self, method: str, args: dict[str, Any], request: web.Request) -> None:
        spec = METHODS.get(method)
        if spec is None or method.startswith("_"):
            self.violations.append(f"unknown method {method}")
            return
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            self.violations.append(f"{method}: no bearer token")
        for name in spec["required_args"]:
            if name not in args:
                self.violations.append(f"{method}: missing required {name}")
        for group in spec.get("arg_groups") or []:
            present = [name for name in group["args"] if name in args]
            if group.get("mutually_exclusive") and len(present) > 1:
                self.violations.append(f"{method}: only one of {group['args']} allowed, got {present}")
            if group.get("required", True) and not present:
                self.violations.append(f"{method}: needs one of {group['args']}")
        known = set(spec["required_args"]) | set(spec.get("optional_args") or []) | {"token"}
        known |= BOLT_EXTRAS.get(method, set())
        for name in args:
            if name not in known:
                self.violations.append(f"{method}: undocumented argument {name}")

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        if method == "apps.connections.open":
            return {"url": self.url.replace("http://", "ws://").replace("/api/", "/link/") + "?ticket=fake"}
        if method == "auth.test":
            return {"user_id": BOT_USER, "bot_id": BOT_ID, "team_id": self.team, "team": "Stage", "url": "x"}
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"channel": channel, "ts": ts, "message": {"text": args.get("text"), "ts": ts}}
        if method == "chat.postEphemeral":
            return {"message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "users.info":
            user = self.users.get(args["user"]) or self.person(args["user"])
            return {"user": user}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            return {"view": {"id": args.get("view_id") or f"V{next(self._ts):08d}", **args["view"]}}
        if method == "conversations.info":
            return {"channel": {"id": channel, "name": f"room-{str(channel).lower()}"}}
        if method == "conversations.create":
            created = f"G{next(self._ts):08d}"
            self.members[created].add(BOT_USER)
            return {"channel": {"id": created, "name": args["name"], "is_private": True}}
        if method == "conversations.invite":
            self.members[channel].update(str(args["users"]).split(","))
            return {"channel": {"id": channel}}
        if method == "conversations.kick":
            self.members[channel].discard(args["user"])
            return {}
        if method == "conversations.open":
            return {"channel": {"id": dm_of(str(args.get("users") or args.get("channel")))}}
        if method == "files.getUploadURLExternal":
            return self.files.upload_url(args, self.url)
        if method == "files.completeUploadExternal":
            return self.files.complete(args)
        if method == "conversations.members":
            return {"members": sorted(self.members[channel]), "response_metadata": {"next_cursor": ""}}
        if method == "users.list":
            return self._users_page(args)
        if method == "usergroups.users.list":
            return {"users": self.groups.get(args["usergroup"], [])}
        return {}

    def users_left(self, args: dict[str, Any]) -> bool:
        """Say whether a users.list call with these arguments left people for a next page."""
        return int(args.get("cursor") or 0) + (int(args.get("limit") or 0) or USERS_PAGE) < len(self.users)

    def _users_page(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.list: the workspace's people a page at a time, `next_cursor` empty on the last page."""
        people = sorted(self.users)
        start = int(args.get("cursor") or 0)
        size = int(args.get("limit") or 0) or USERS_PAGE
        page = people[start : start + size]
        more = start + size < len(people)
        cursor = str(start + size) if more else ""
        return {"members": [self.users[u] for u in page], "cache_ts": 0, "response_metadata": {"next_cursor": cursor}}


async def _arguments(request: web.Request) -> dict[str, Any]:
    """Read a call's arguments the way Slack does: query, form or JSON body."""
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(dict(await request.post()))
    for name in ("blocks", "view", "users", "files"):
        value = args.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            args[name] = json.loads(value)
    return {name: value for name, value in args.items() if value is not None}
