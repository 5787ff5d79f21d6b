"""The Slack adapter: a channel's huddle as the stage, run with slack-bolt."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from adapters.slack.app import SlackBot, build_app
from adapters.slack.service import SlackPlatform

if TYPE_CHECKING:
    from bot.bootstrap import Stagedoor

__all__ = ["SlackBot", "SlackPlatform", "build_app", "serve"]


async def serve(app: Stagedoor) -> None:
    """Run the Slack app (Socket Mode, or HTTP on the configured host and port) until cancelled."""
    platform = SlackPlatform(app)
    try:
        await platform.start()
        await platform.run()
    finally:
        with contextlib.suppress(Exception):
            await platform.stop_input()
            await platform.finish(seconds=5.0)
        await platform.close()
