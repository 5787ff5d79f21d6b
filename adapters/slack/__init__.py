"""The Slack adapter: a channel's huddle as the stage, run with slack-bolt."""

from __future__ import annotations

import contextlib

from adapters.slack.app import SlackBot, build_app
from adapters.slack.options import SlackOptions
from adapters.slack.service import Core, SlackPlatform

__all__ = ["SlackBot", "SlackOptions", "SlackPlatform", "build_app", "serve"]


async def serve(options: SlackOptions, app: Core) -> None:
    """Run the Slack app (Socket Mode, or HTTP on the configured host and port) until cancelled."""
    platform = SlackPlatform(options, app)
    try:
        await platform.start()
        await platform.run()
    finally:
        with contextlib.suppress(Exception):
            await platform.stop_input()
            await platform.finish(seconds=5.0)
        await platform.close()
