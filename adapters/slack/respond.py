"""Answer the person who just clicked or typed through the request's response_url, which no rate tier limits.

chat.postEphemeral is Tier 4 (about 100 a minute for the whole app): a thousand people clicking
Raise hand at once would wait up to ten minutes for their answers, and hold back every other
ephemeral message meanwhile. Slack gives every slash command and button click a `response_url`
that shows an ephemeral message to that person in that channel, usable "up to 5 times within 30
minutes" (https://api.slack.com/interactivity/handling#message_responses). A middleware keeps the
request's url for the listener that answers it (in a context variable, so it never leaks into
another request); the Web API client then answers that person there, and falls back to
chat.postEphemeral when the url is missing, used up or refused.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger(__name__)

USES = 5  # how many times Slack lets one response_url be used
LIFETIME = 30 * 60.0  # … within this many seconds of the request
TIMEOUT = 10  # seconds one answer may take


@dataclass
class Answer:
    """Where the request being handled may be answered: its channel, its person and its response_url."""

    channel: str
    user: str
    url: str
    at: float
    used: int = 0

    def fits(self, channel: str, user: str) -> bool:
        """Say whether this url can show `user` a message in `channel` now."""
        fresh = time.monotonic() - self.at < LIFETIME
        return fresh and self.used < USES and (self.channel, self.user) == (channel, user)


ANSWER: contextvars.ContextVar[Answer | None] = contextvars.ContextVar("stagedoor_slack_answer", default=None)


def _where(body: dict[str, Any]) -> tuple[str, str]:
    user = body.get("user_id") or body.get("user") or {}
    channel = body.get("channel_id") or body.get("channel") or {}
    user = user.get("id") if isinstance(user, dict) else user
    channel = channel.get("id") if isinstance(channel, dict) else channel
    return str(channel or ""), str(user or "")


async def remember_response_url(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
    """Bolt middleware: keep this request's response_url (if it has one) for its listener's answer."""
    url = body.get("response_url")
    channel, user = _where(body)
    ANSWER.set(Answer(channel, user, str(url), time.monotonic()) if url and channel and user else None)
    await next()


def answer_session() -> aiohttp.ClientSession:
    """Return a session for answers: its connections are kept open, so a burst of answers reuses them."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT))


async def answer_in_place(
    channel: str, user: str, text: str | None, blocks: Any, session: aiohttp.ClientSession | None = None
) -> bool:
    """Show the message through the current request's response_url if it is for this person; say if it was.

    Without a `session`, the answer opens (and closes) a connection of its own.
    """
    answer = ANSWER.get()
    if answer is None or not answer.fits(channel, user):
        return False
    answer.used += 1
    try:
        response = await AsyncWebhookClient(answer.url, timeout=TIMEOUT, session=session).send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=False
        )
    except Exception as error:  # an unreachable url: the Web API still answers them
        log.info("response_url failed (%s); using chat.postEphemeral", type(error).__name__)
        return False
    if response.status_code != 200:
        log.info("response_url answered %s; using chat.postEphemeral", response.status_code)
        answer.used = USES  # Slack refused it: do not try it again
        return False
    return True
