"""Bolt listeners, one module per kind; each exposes `register(app, bot)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncApp

from adapters.slack.listeners import actions, commands, errors, events, views

if TYPE_CHECKING:
    from adapters.slack.app import SlackBot


def register_listeners(app: AsyncApp, bot: SlackBot) -> None:
    """Attach every listener to the app."""
    for kind in (commands, actions, views, events, errors):
        kind.register(app, bot)
