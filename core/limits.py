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
NUMBER_SETTINGS = {setting.name: setting for setting in (CAPACITY, CAMERAS, COOLDOWN, EXPIRY)}
