"""The Slack Web API client: the configured base URL, bounded retries, and which failures are worth retrying."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.respond import answer_in_place, answer_session

# `ok: false` answers that say Slack was busy or broken, not that the call was wrong: trying later may work.
TRANSIENT_CODES = {"ratelimited", "rate_limited", "request_timeout", "service_unavailable", "fatal_error"}


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one Web API call tries before its caller is told it failed (the outbox tries again later)."""

    retries: int = 3  # server errors and dropped connections
    rate_limit_retries: int = 5  # 429s, each after the Retry-After Slack asks for
    backoff: float = 0.5  # seconds before the first retry; doubled for each next one
    budget: float = 20.0  # seconds a call may spend waiting to retry: a stop is never held up longer


class _ProportionalJitter(Jitter):
    """Spread retries by up to half their wait (slack_sdk's default adds up to a whole second)."""

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.random() / 2)


class AsyncGatewayErrorRetryHandler(AsyncServerErrorRetryHandler):
    """Retry 502 and 504, which Slack's gateways answer during an incident (slack_sdk retries 500 and 503)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in (502, 504)


class WithinBudget(AsyncRetryHandler):
    """Let another handler retry only while the call has waited less than `seconds` since it first failed."""

    def __init__(self, inner: AsyncRetryHandler, seconds: float) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner = inner
        self.seconds = seconds

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        values = state.custom_values = state.custom_values or {}
        started = float(values.setdefault("first_failure", time.monotonic()))
        left = self.seconds - (time.monotonic() - started)
        if left <= 0 or _retry_after(response) > left:
            return False  # the caller hears of the failure now; the outbox tries the message again later
        return await self.inner.can_retry_async(state=state, request=request, response=response, error=error)

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        await self.inner.prepare_for_next_attempt_async(state=state, request=request, response=response, error=error)


def _retry_after(response: HttpResponse | None) -> float:
    if response is None or response.status_code != 429:
        return 0.0
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return float(values[0])
            except ValueError:
                return 0.0
    return 0.0


def retry_handlers(policy: RetryPolicy) -> list[AsyncRetryHandler]:
    """Return the handlers for 429 (after Retry-After), 500/502/503/504 and dropped connections, all bounded."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=policy.backoff, jitter=_ProportionalJitter())
    handlers: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(max_retry_count=policy.retries, interval_calculator=backoff),
        AsyncRateLimitErrorRetryHandler(max_retry_count=policy.rate_limit_retries),
        AsyncServerErrorRetryHandler(max_retry_count=policy.retries, interval_calculator=backoff),
        AsyncGatewayErrorRetryHandler(max_retry_count=policy.retries, interval_calculator=backoff),
    ]
    return [WithinBudget(handler, policy.budget) for handler in handlers]


class StageClient(AsyncWebClient):
    """The Web API client, answering the person a request came from through its response_url (respond.py)."""

    _answers: aiohttp.ClientSession | None = None  # made at the first answer, inside the running loop

    async def chat_postEphemeral(self, **kwargs: Any) -> AsyncSlackResponse:
        """Show one person an ephemeral message: in place of the request they made, else with the Web API."""
        channel, user = str(kwargs.get("channel")), str(kwargs.get("user"))
        plain = set(kwargs) <= {"channel", "user", "text", "blocks"}
        if plain and await answer_in_place(channel, user, kwargs.get("text"), kwargs.get("blocks"), self._session()):
            url = f"{self.base_url}chat.postEphemeral"
            data = {"ok": True, "via": "response_url"}
            return AsyncSlackResponse(
                client=self, http_verb="POST", api_url=url, req_args={}, data=data, headers={}, status_code=200
            )
        return await super().chat_postEphemeral(**kwargs)

    def _session(self) -> aiohttp.ClientSession:
        if self._answers is None or self._answers.closed:
            # Kept open: a burst of a thousand answers would otherwise open and close a connection each.
            self._answers = answer_session()
        return self._answers

    async def close_answers(self) -> None:
        """Close the connections kept for answers (the platform does at shutdown)."""
        if self._answers is not None:
            await self._answers.close()
            self._answers = None


def make_client(token: str, base_url: str, policy: RetryPolicy | None = None) -> AsyncWebClient:
    """Return a Web API client for the bot token that retries 429s, 5xx and dropped connections, within bounds."""
    if not base_url.endswith("/"):
        base_url += "/"
    return StageClient(token=token, base_url=base_url, retry_handlers=retry_handlers(policy or RetryPolicy()))


def error_code(error: BaseException) -> str:
    """Return Slack's error code for a failed call, or what went wrong on the way (`http_502`, `connection`)."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error")
        if code:
            return str(code)
        return f"http_{error.response.status_code}"
    return "connection"


def transient(error: BaseException) -> bool:
    """Say whether a call that failed (after the client's own retries) may work if made again later."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        return status == 429 or status >= 500 or error.response.get("error") in TRANSIENT_CODES
    return isinstance(error, aiohttp.ClientError | OSError | TimeoutError)
