"""The one error handler: log the failure and tell the person something went wrong."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.slack import blocks
from adapters.slack.listeners.common import room_of, user_of

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot

log = logging.getLogger(__name__)


def register(app: AsyncApp, bot: SlackBot) -> None:
    """Render unexpected failures once, here."""

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        """Log a listener's failure and tell the person who acted."""
        log.error("Slack listener failed: %r", error, exc_info=error)
        user = user_of(body or {})
        if not user or (body or {}).get("type") == "event_callback":
            return
        if isinstance(error, SlackApiError):
            text = blocks.slack_failure("finish that", str(error.response.get("error")))
        else:
            text = ":warning: stagedoor could not finish that. Check the roster, then try again."
        await bot.stage.tell(room_of(body), user, blocks.Message(text, [blocks.section(text)]))
