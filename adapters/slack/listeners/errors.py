"""The one error handler: log the failure and tell the person something went wrong."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError

from adapters.slack.client import error_code, transient
from adapters.slack.kit import words
from adapters.slack.listeners.common import Body, room_of, user_of, uses_of
from adapters.slack.notices import slack_failure

log = logging.getLogger(__name__)

FAILED = ":warning: stagedoor could not finish that. Check the roster, then try again."
# Slack busy or unreachable past the client's retries (a 5xx, a dropped connection): not a refusal of Slack's.
NO_ANSWER = (
    ":warning: stagedoor could not finish that: Slack did not answer ({code}). "
    "Check the roster, then try again in a moment."
)


def register(app: AsyncApp) -> None:
    """Render unexpected failures once, here."""
    app.error(on_error)


async def on_error(error: Exception, body: Body | None, context: AsyncBoltContext) -> None:
    """Log a listener's failure and tell the person who acted."""
    log.error("Slack listener failed: %r", error, exc_info=error)
    user = user_of(body or {})
    if not user or (body or {}).get("type") == "event_callback":
        return
    if transient(error):
        text = NO_ANSWER.format(code=error_code(error))
    elif isinstance(error, SlackApiError):
        text = slack_failure("finish that", error_code(error))
    else:
        text = FAILED
    await uses_of(context).stage.tell(room_of(body or {}), user, words(text))
