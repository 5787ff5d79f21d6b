"""Process tests: `stagedoor run` as its own process against local fakes on 127.0.0.1."""

from __future__ import annotations

from tests.discord.conftest import app, env, settings, world  # noqa: F401 (simcord's Discord, for the stop test)
from tests.slack.conftest import fake_slack  # noqa: F401 (the local Slack Web API these processes talk to)
