"""One platform's connection failing leaves the others serving: retried with back-off, reported unready.

The service here is bot.lifecycle's, with the real Slack HTTP platform on a real port; the platform
that fails is a small stand-in, since no local Discord gateway can be made to drop on cue.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from adapters.platform import PlatformFailure
from bot.bootstrap import open_stagedoor
from bot.lifecycle import Service
from bot.settings import Settings
from tests.process.launch import free_port, get
from tests.process.slack_run import SlackRun
from tests.slack.conftest import ADMIN, SECRET, TOKEN
from tests.slack.fake_slack import FakeSlack


class DroppingPlatform:
    """Connects, then loses its connection at once, every time; or refuses for good when told to."""

    name = "dropping"

    def __init__(self, permanent: bool = False) -> None:
        self.permanent = permanent
        self.runs = 0
        self.up = False

    async def start(self) -> None:
        self.up = True

    def listening(self) -> list[str]:
        return ["nowhere"]

    async def connected(self) -> bool:
        return self.up

    async def run(self) -> None:
        self.runs += 1
        self.up = False
        raise PlatformFailure(self.name, "the connection was reset", permanent=self.permanent)

    async def reconnect(self) -> None:
        self.up = True

    async def stop_input(self) -> None:
        self.up = False

    async def finish(self, seconds: float) -> list[str]:
        return []

    async def close(self) -> None:
        pass


async def serve_beside_slack(fake: FakeSlack, tmp: Path, dropping: DroppingPlatform) -> tuple[Service, int, int]:
    slack_port, health_port = free_port(), free_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.url,
        STAGEDOOR_SLACK_MODE="http",
        STAGEDOOR_SLACK_HTTP_HOST="127.0.0.1",
        STAGEDOOR_SLACK_HTTP_PORT=slack_port,
        STAGEDOOR_HEALTH_HOST="127.0.0.1",
        STAGEDOOR_HEALTH_PORT=health_port,
        STAGEDOOR_DATA_DIR=str(tmp / "data"),
    )
    app = await open_stagedoor(settings, time.time)
    service = Service(app, ["slack"])
    service.platforms.append(dropping)
    return service, slack_port, health_port


async def ready_body(port: int, until: str, timeout: float = 10.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, body = await get(f"http://127.0.0.1:{port}/readyz")
        except OSError:
            status, body = 0, {}
        if status == 503 and until in str(body):
            return dict(body)
        await asyncio.sleep(0.05)
    raise AssertionError(f"/readyz never mentioned {until!r}")


async def test_a_dropping_platform_is_retried_with_back_off_while_slack_keeps_serving(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    dropping = DroppingPlatform()
    service, slack_port, health_port = await serve_beside_slack(fake_slack, tmp_path, dropping)
    running = asyncio.create_task(service.run())
    try:
        body = await ready_body(health_port, "reconnecting")
        assert body["not_ready"] == {"dropping": "reconnecting (the connection was reset)"}
        signer = SlackRun(fake_slack, tmp_path, migrated_database)
        signer.port = slack_port
        assert await signer.command(ADMIN, "start open") == 200  # Slack is untouched by the other's trouble
        await asyncio.sleep(2.5)
        assert 2 <= dropping.runs <= 4, "retried, but backing off (1 s, 2 s, … jittered), not in a hot loop"
    finally:
        service.stop.set()
        assert await asyncio.wait_for(running, 20) == 0
        await service.app.close()


async def test_a_platform_refused_for_good_is_not_retried_and_the_others_keep_serving(
    fake_slack: FakeSlack, tmp_path: Path, migrated_database: Path
) -> None:
    dropping = DroppingPlatform(permanent=True)
    service, slack_port, health_port = await serve_beside_slack(fake_slack, tmp_path, dropping)
    running = asyncio.create_task(service.run())
    try:
        body = await ready_body(health_port, "reset")
        assert body["not_ready"] == {"dropping": "the connection was reset"}
        await asyncio.sleep(1.5)
        assert dropping.runs == 1
        assert not running.done(), "Slack is still being served"
    finally:
        service.stop.set()
        assert await asyncio.wait_for(running, 20) == 0
        await service.app.close()
