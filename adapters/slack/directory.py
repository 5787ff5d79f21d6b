"""The workspace's people, read with users.list ahead of any click, so the ack path needs no Web API call.

A click's role check (A3) needs the person's admin and owner flags. Looked up one person at a time
(users.info, Tier 4: about 100 a minute), a thousand people clicking at once would wait minutes for
their acks. users.list (Tier 2) gives 200 people a call: read at start and again before the kept
copies expire (roles.USER_TTL_SECONDS), the flags of everyone in a workspace of a few thousand are
always at hand. In a larger one the pages read late leave some copies expired for a moment; those
people cost one users.info, as before. A `user_change` event still replaces a person's copy at once.
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.roles import USER_TTL_SECONDS, Roles

log = logging.getLogger(__name__)

PAGE = 200  # people per users.list call: Slack advises no more than 200 a page
PAGE_INTERVAL = 3.0  # seconds between pages: Tier 2 allows 20 calls a minute
REFRESH_SECONDS = USER_TTL_SECONDS * 0.75  # read again before the first copies expire


class Directory:
    """Keep the role checks' copies of everyone's profile fresh from users.list."""

    def __init__(self, client: AsyncWebClient, roles: Roles, page_interval: float = PAGE_INTERVAL) -> None:
        self._client = client
        self._roles = roles
        self._page_interval = page_interval
        self.loaded = asyncio.Event()  # set once the whole workspace has been read once

    async def load(self) -> int:
        """Read every page of users.list into the role checks' copies; return how many people were read."""
        people, cursor = 0, ""
        while True:
            response = await self._client.users_list(limit=PAGE, cursor=cursor or None)
            for member in response.get("members") or []:
                self._roles.learn(dict(member))
                people += 1
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return people
            await asyncio.sleep(self._page_interval)

    async def run(self) -> None:
        """Read the workspace now and every REFRESH_SECONDS until cancelled; a failed read is tried next time."""
        while True:
            try:
                people = await self.load()
                log.info("slack: read %s people's roles from users.list", people)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # The role checks fall back to users.info per person: slower under a stampede, never wrong.
                log.warning("slack: reading users.list failed (%s); trying again later", type(error).__name__)
            self.loaded.set()
            await asyncio.sleep(REFRESH_SECONDS)
