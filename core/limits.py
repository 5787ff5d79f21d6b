"""The limits and built-in defaults of what people type and admins set: the one place every adapter reads them."""

from __future__ import annotations

from dataclasses import dataclass

# A request's note and a decline's reason, in characters.
NOTE_LIMIT = 200
# Names (participants, moderators) are keys in the store; PostgreSQL's b-tree index refuses very long ones.
NAME_LIMIT = 80


@dataclass(frozen=True)
class NumberSetting:
    """A whole-number admin setting: its lowest and highest values and its built-in default."""

    name: str
    low: int
    high: int
    default: int


CAPACITY = NumberSetting("capacity", 1, 10_000, 100)
CAMERAS = NumberSetting("cameras", 0, 1_000, 25)
COOLDOWN = NumberSetting("cooldown", 0, 86_400, 0)
EXPIRY = NumberSetting("expiry", 1, 86_400, 600)
# T1: a turn's length in seconds; 0, the default, is no limit.
TURN = NumberSetting("turn", 0, 86_400, 0)
NUMBER_SETTINGS = {setting.name: setting for setting in (CAPACITY, CAMERAS, COOLDOWN, EXPIRY, TURN)}
# T2: the seconds one `extend` may add to a turn.
EXTEND_LOW, EXTEND_HIGH = 1, 86_400
# T1: the warning comes this long before a turn's end, or at half a turn shorter than twice this.
WARNING_SECONDS = 30
# Q5: the request orders admins choose from; the first is the default.
ORDERS = ("asked", "fair")
