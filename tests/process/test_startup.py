"""A wrong token is one line and exit 2 at start, checked once, never a traceback or a retry loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.process.launch import clean_environment, free_port, launch
from tests.process.slack_run import SlackRun
from tests.slack.conftest import TOKEN
from tests.slack.fake_slack import FakeSlack


@pytest.fixture
async def discord_refusing_the_token() -> AsyncIterator[dict[str, object]]:
    """A local Discord HTTP API that answers the login call the way Discord does for a wrong token."""
    seen: dict[str, object] = {"calls": []}

    async def users_me(request: web.Request) -> web.Response:
        seen["calls"].append(request.path)  # type: ignore[attr-defined]
        seen["authorization"] = request.headers.get("Authorization")
        return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)

    server = web.Application()
    server.router.add_get("/api/v10/users/@me", users_me)
    runner = web.AppRunner(server)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    # discord.py's real HTTP client, pointed at this server instead of discord.com.
    seen["prelude"] = f"import discord.http\ndiscord.http.Route.BASE = 'http://127.0.0.1:{port}/api/v10'"
    yield seen
    await runner.cleanup()


@pytest.mark.parametrize("code", ["invalid_auth", "not_authed", "account_inactive", "token_revoked"])
async def test_a_bad_slack_bot_token_is_one_line_naming_it_and_exit_2(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path, code: str
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    fake_slack.fail("auth.test", code)
    process = await launch(run.cwd, {k: v for k, v in run.env.items() if not k.startswith("STAGEDOOR_HEALTH")}, "run")
    assert await process.exit_code() == 2
    assert len(process.lines) == 1, process.stderr
    assert "SLACK_BOT_TOKEN" in process.lines[0] and code in process.lines[0]
    assert process.lines[0].startswith("stagedoor: slack: ")
    assert [call.method for call in fake_slack.calls] == ["auth.test"], "a wrong token is asked about once"


async def test_a_refused_slack_app_token_is_one_line_naming_it_and_exit_2(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    fake_slack.fail("apps.connections.open", "invalid_auth")
    env = clean_environment(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_APP_TOKEN="xapp-1-test-token",
        SLACK_API_URL=fake_slack.url,
        STAGEDOOR_DATA_DIR=str(tmp_path / "data"),
    )
    process = await launch(tmp_path, env, "run")
    assert await process.exit_code() == 2
    refusals = [line for line in process.lines if line.startswith("stagedoor: ")]
    assert len(refusals) == 1 and "SLACK_APP_TOKEN" in refusals[0], process.stderr
    assert "Traceback" not in process.stderr


async def test_a_refused_discord_token_is_one_line_naming_it_and_exit_2(
    discord_refusing_the_token: dict[str, object], tmp_path: Path
) -> None:
    env = clean_environment(DISCORD_TOKEN="not-a-real-token", STAGEDOOR_DATA_DIR=str(tmp_path / "data"))
    process = await launch(tmp_path, env, "run", prelude=str(discord_refusing_the_token["prelude"]))
    assert await process.exit_code() == 2
    refusals = [line for line in process.lines if line.startswith("stagedoor: ")]
    assert len(refusals) == 1, process.stderr
    assert refusals[0].startswith("stagedoor: discord: ") and "DISCORD_TOKEN" in refusals[0]
    assert not [line for line in process.lines if " WARNING " in line or " ERROR " in line], process.stderr
    assert "Traceback" not in process.stderr
    assert discord_refusing_the_token["calls"] == ["/api/v10/users/@me"], "a wrong token is tried once"
    assert discord_refusing_the_token["authorization"] == "Bot not-a-real-token"


async def test_when_one_platform_cannot_start_the_run_names_it_and_stops_the_other(
    discord_refusing_the_token: dict[str, object], fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    env = {**run.env, "DISCORD_TOKEN": "not-a-real-token"}
    process = await launch(run.cwd, env, "run", prelude=str(discord_refusing_the_token["prelude"]))
    assert await process.exit_code() == 2
    refusals = [line for line in process.lines if line.startswith("stagedoor: ")]
    assert len(refusals) == 1 and refusals[0].startswith("stagedoor: discord: "), process.stderr
    assert "Traceback" not in process.stderr


async def test_an_unusable_health_port_is_one_line_naming_the_setting(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    run = SlackRun(fake_slack, tmp_path, migrated_database)
    taken = web.AppRunner(web.Application())
    await taken.setup()
    await web.TCPSite(taken, "127.0.0.1", run.health_port).start()
    try:
        process = await launch(run.cwd, run.env, "run")
        assert await process.exit_code() == 2
    finally:
        await taken.cleanup()
    refusals = [line for line in process.lines if line.startswith("stagedoor: ")]
    assert len(refusals) == 1 and "STAGEDOOR_HEALTH_PORT" in refusals[0], process.stderr
    assert "Traceback" not in process.stderr
