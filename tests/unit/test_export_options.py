"""R2: an export's channel key and dates, read as they are typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.records.errors import BadChannelKey, BadRange, BadTime
from adapters.records.options import parse_channel, parse_range, parse_time
from core.room import RoomKey


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def test_R2_a_channel_key_has_three_parts_and_the_channel_may_hold_colons() -> None:
    assert parse_channel("slack:T1:C2") == RoomKey("slack", "T1", "C2")
    assert parse_channel("console:local:stage:2") == RoomKey("console", "local", "stage:2")
    for bad in ("slack:T1", "slack::C2", ":T1:C2", "slack:T1:", " slack:T1:C2", ""):
        with pytest.raises(BadChannelKey, match="give all three parts"):
            parse_channel(bad)


def test_R2_dates_are_iso_8601_in_utc_unless_an_offset_is_given() -> None:
    assert parse_time("--since", "2026-03-01") == utc(2026, 3, 1)
    assert parse_time("--since", "2026-03-01T09:30") == utc(2026, 3, 1, 9, 30)
    assert parse_time("--since", "2026-03-01T09:30Z") == utc(2026, 3, 1, 9, 30)
    assert parse_time("--since", "2026-03-01T09:30+01:00") == utc(2026, 3, 1, 8, 30)
    assert parse_time("--until", "2026-03-01", end_of_day=True) == utc(2026, 3, 2)
    assert parse_time("--until", "2026-03-01T00:00", end_of_day=True) == utc(2026, 3, 1)
    for bad in ("yesterday", "2026-02-30", "1 March", "2026-03-01T25:00"):
        with pytest.raises(BadTime, match="is not an ISO 8601 date or time"):
            parse_time("--since", bad)


def test_R2_a_range_includes_since_and_the_whole_until_day_and_refuses_a_reversed_one() -> None:
    assert parse_range(None, None) == (None, None)
    assert parse_range("2026-03-01", "2026-03-31") == (utc(2026, 3, 1), utc(2026, 4, 1))
    assert parse_range("2026-03-01", "2026-03-01") == (utc(2026, 3, 1), utc(2026, 3, 2))
    with pytest.raises(BadRange, match="give the earlier time as --since"):
        parse_range("2026-03-02", "2026-03-01")
    with pytest.raises(BadRange):
        parse_range("2026-03-01T10:00", "2026-03-01T09:00+00:00")
