"""Slack's limit on how many people a huddle holds, and the warning when the stage's capacity is above it."""

from __future__ import annotations

# Slack: "Up to 50 people can join a huddle on paid plans; on the free plan huddles are for 2 people."
# https://slack.com/help/articles/4402059015315-Use-huddles-in-Slack
HUDDLE_CAP = 50


def over_cap(capacity: int) -> str | None:
    """Warn that a stage capacity cannot be met in a Slack huddle, or return None when it can."""
    if capacity <= HUDDLE_CAP:
        return None
    return (
        f":warning: The stage's capacity is {capacity}, but a Slack huddle holds at most {HUDDLE_CAP} people "
        "(2 on Slack's free plan), so the huddle fills up before the stage does. "
        f"An admin can lower it with `/stage capacity {HUDDLE_CAP}` in the channel or on the app's Home tab."
    )
