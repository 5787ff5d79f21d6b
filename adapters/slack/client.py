"""The Slack Web API client: the configured base URL, and retries that never drop a call."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

# Slack asks callers to honour Retry-After; a roster update that waits is better than one dropped (X4).
RATE_LIMIT_RETRIES = 5
SERVER_ERROR_RETRIES = 3


def make_client(token: str, base_url: str) -> AsyncWebClient:
    """Return a Web API client for the bot token that retries 429s, 5xx and dropped connections."""
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )
