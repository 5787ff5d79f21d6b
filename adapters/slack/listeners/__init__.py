"""Bolt listeners, one module per kind; each exposes `register(app)` and reads the use cases from the context."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from adapters.slack.listeners import actions, commands, errors, events, views
from adapters.slack.listeners.common import provide
from adapters.slack.uses import SlackUses


def register_listeners(app: AsyncApp, uses: SlackUses) -> None:
    """Hand the use cases to every request, and attach every listener to the app."""
    app.use(provide(uses))
    for kind in (commands, actions, views, events, errors):
        kind.register(app)
