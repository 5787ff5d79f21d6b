"""Process tests: `stagedoor run` as its own process against local fakes on 127.0.0.1."""

from __future__ import annotations

from tests.slack.conftest import fake_slack  # noqa: F401 (the local Slack Web API these processes talk to)
