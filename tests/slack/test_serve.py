"""`serve()` as `stagedoor run` uses it: HTTP mode on a port, outbox and roster running, until cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from urllib.parse import parse_qsl

import aiohttp
import pytest
from pydantic import ValidationError

from adapters.slack import serve
from bot.bootstrap import CommitSignal, Stagedoor
from bot.lifecycle import slack_options
from bot.settings import Settings
from core.service import StageService
from tests.slack.conftest import ADMIN, SECRET, TOKEN, Clock, SlackHarness


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_serve_in_http_mode_answers_slack_and_delivers_the_roster(slack: SlackHarness, tmp_path):
    port = free_port()
    settings = Settings(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.fake.url,
        STAGEDOOR_SLACK_MODE="http",
        STAGEDOOR_SLACK_HTTP_HOST="127.0.0.1",
        STAGEDOOR_SLACK_HTTP_PORT=port,
        STAGEDOOR_DATA_DIR=str(tmp_path / "served"),
    )
    commits = CommitSignal()
    clock = Clock()
    service = StageService(slack.store.unit_of_work, clock, on_commit=commits)
    running = asyncio.create_task(
        serve(slack_options(settings), Stagedoor(settings, slack.store, service, clock, commits))
    )
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 10  # serve() starts in the background
            while time.monotonic() < deadline:
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                        if health.status == 200:
                            break
                await asyncio.sleep(0.02)
            body = slack.command_body(ADMIN, "start open")
            signed = slack.request(body, "application/x-www-form-urlencoded")
            headers = {name: values[0] for name, values in signed.headers.items()}
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as answer:
                assert answer.status == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            a["blocks"][0]["type"] == "header" for a in slack.fake.of("chat.postMessage")
        ):
            await asyncio.sleep(0.02)
        assert "Everyone on stage" in str(slack.roster()["blocks"])
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


def test_settings_refuse_a_slack_mode_without_the_token_it_needs(tmp_path):
    # serve() never sees these: stagedoor refuses them when it reads its settings (bot/cli.py prints one line).
    with pytest.raises(ValidationError, match="SLACK_APP_TOKEN is not set"):
        Settings(SLACK_BOT_TOKEN=TOKEN, STAGEDOOR_DATA_DIR=str(tmp_path))
    with pytest.raises(ValidationError, match="SLACK_SIGNING_SECRET is not set"):
        Settings(SLACK_BOT_TOKEN=TOKEN, STAGEDOOR_SLACK_MODE="http", STAGEDOOR_DATA_DIR=str(tmp_path))


async def test_serve_in_socket_mode_takes_slack_envelopes_and_acks_them(slack: SlackHarness, tmp_path):
    settings = Settings(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_APP_TOKEN="xapp-1-test-token",
        SLACK_API_URL=slack.fake.url,
        STAGEDOOR_DATA_DIR=str(tmp_path / "served"),
    )
    commits = CommitSignal()
    clock = Clock()
    service = StageService(slack.store.unit_of_work, clock, on_commit=commits)
    running = asyncio.create_task(
        serve(slack_options(settings), Stagedoor(settings, slack.store, service, clock, commits))
    )
    try:
        form = dict(parse_qsl(slack.command_body(ADMIN, "start invite")))
        ack = await slack.fake.push(
            {"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True, "payload": form}
        )
        assert ack["envelope_id"] == "env-1"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            a["blocks"][0]["type"] == "header" for a in slack.fake.of("chat.postMessage")
        ):
            await asyncio.sleep(0.02)
        assert "Invite only" in str(slack.roster()["blocks"])
        connect = [c for c in slack.fake.calls if c.method == "apps.connections.open"]
        assert connect, "Socket Mode opened no connection"
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
