"""The Slack side's own settings, built by whoever starts it (bot/ reads them from the environment)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

DEFAULT_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackOptions:
    """Tokens, where Slack's Web API is, and how its input arrives (Socket Mode or HTTP)."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "0.0.0.0"
    http_port: int = 3000
    data_dir: Path | None = None  # where versions before the adapter_state table kept Slack state
