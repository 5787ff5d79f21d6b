"""Read an export's channel key and date range as they are typed on the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.records.errors import BadChannelKey, BadRange, BadTime
from core.room import RoomKey

__all__ = ["parse_channel", "parse_range", "parse_time"]


def parse_channel(text: str) -> RoomKey:
    """Return the room named PLATFORM:WORKSPACE:CHANNEL (the channel part may itself hold colons)."""
    platform, _, rest = text.partition(":")
    workspace, _, channel = rest.partition(":")
    if not (platform.strip() and workspace.strip() and channel.strip()) or text != text.strip():
        raise BadChannelKey(text)
    return RoomKey(platform, workspace, channel)


def parse_time(option: str, text: str, *, end_of_day: bool = False) -> float:
    """Return an ISO 8601 date or date-time as a Unix time; UTC unless it carries an offset.

    A bare date means its midnight, or with `end_of_day` the next midnight, so that
    `--until 2026-03-31` takes in the whole of the 31st.
    """
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadTime(option, text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if end_of_day and "T" not in value.upper() and " " not in value:
        moment += timedelta(days=1)
    return moment.timestamp()


def parse_range(since: str | None, until: str | None) -> tuple[float | None, float | None]:
    """Return (since, until) as Unix times: since included, until excluded; either may be open."""
    start = parse_time("--since", since) if since is not None else None
    if until is None:
        return start, None
    if start is not None and start > parse_time("--until", until):  # as typed: a bare date is its midnight
        raise BadRange(str(since), until)
    return start, parse_time("--until", until, end_of_day=True)
