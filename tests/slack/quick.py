"""The `slack` fixture's app with a client whose retries take milliseconds, its outbox run as the real pump runs it."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from adapters.outbox import pump
from adapters.slack import SlackOptions, build_app
from adapters.slack.client import RetryPolicy, make_client
from adapters.slack.state import SlackState
from core.service import StageService
from tests.conftest import open_store
from tests.slack.conftest import SECRET, TOKEN, SlackHarness

# The client's retries as in production, only quicker: two retries, a few milliseconds apart.
QUICK = RetryPolicy(retries=2, rate_limit_retries=2, backoff=0.01, budget=2.0)


class QuickHarness(SlackHarness):
    """The app as the `slack` fixture builds it, with quick client retries (`policy`)."""

    policy: ClassVar[RetryPolicy] = QUICK

    async def start(self) -> None:
        self.store = await open_store(self.tmp / "stagedoor.db", self.template)
        service = StageService(self.store.unit_of_work, self.clock)
        options = SlackOptions(bot_token=TOKEN, signing_secret=SECRET, api_url=self.fake.url, mode="http")
        client = make_client(TOKEN, self.fake.url, self.policy)
        state = await SlackState.load(self.store)
        self.bot = build_app(
            options, service, self.clock, client=client, state=state, roster_interval=0, records=self.store
        )

    async def deliver(self) -> None:
        """Run one round of the real outbox pump for each lane, side by side as the running app does.

        A failed round is logged and its cursor kept.
        """
        stopped = asyncio.Event()
        stopped.set()
        lanes = self.bot.deliverer.lanes()
        await asyncio.gather(*(pump(self.store, cursor, send, asyncio.Event(), stop=stopped) for cursor, send in lanes))
        await self.bot.stage.roster.flush()

    async def pending(self) -> int:
        """Return how many events the lane furthest behind has still to deliver."""
        return max([len(await self.store.read(cursor, 100)) for cursor, _ in self.bot.deliverer.lanes()])
