"""Channel defaults that admins set (A2, M2, C1, C2)."""

from __future__ import annotations

from typing import Any

from core import commands as c
from core import errors as e
from core import events as ev
from core.modes import parse_default
from core.room import Position, Room
from core.rules.checks import LIMITS, Events, mode_from, require_admin, require_name


def _scope(room: Room, cmd: c.Command, setting: str) -> Any:
    require_admin(room, cmd, setting)
    return room.channel


def set_default(room: Room, cmd: c.SetDefaultMode, now: float) -> Events:
    settings = _scope(room, cmd, "the channel's default mode")
    mode = mode_from(cmd.mode, parse_default)
    if settings.default_mode is mode:
        raise e.NoChange(f"the default mode is already {mode.value}")
    settings.default_mode = mode
    room.dirty_room = True
    return [ev.SettingsChanged("default", mode.value, cmd.actor.user)]


def _number(setting: str, raw: str) -> int:
    low, high = LIMITS[setting]
    text = str(raw).strip()
    try:
        value = int(text)
    except ValueError:
        raise e.BadArgument(f"{setting} needs a whole number from {low} to {high}; '{text}' is not one.") from None
    if not low <= value <= high:
        raise e.BadArgument(f"{setting} must be from {low} to {high}; {value} is out of range.")
    return value


def _set_number(room: Room, cmd: c.Command, setting: str, raw: str) -> Events:
    settings = _scope(room, cmd, f"the {setting}")
    value = _number(setting, raw)
    if setting == "capacity" and room.session.live and value < len(room.stage):
        raise e.BadArgument(
            f"{len(room.stage)} people are on stage now, more than a capacity of {value}. "
            "Remove people first or choose a larger number."
        )
    if getattr(room, setting) == value and getattr(settings, setting) is not None:
        raise e.NoChange(f"{setting} is already {value}")
    setattr(settings, setting, value)
    room.dirty_room = True
    return [ev.SettingsChanged(setting, value, cmd.actor.user)]


def set_capacity(room: Room, cmd: c.SetCapacity, now: float) -> Events:
    return _set_number(room, cmd, "capacity", cmd.value)


def set_cameras(room: Room, cmd: c.SetCameras, now: float) -> Events:
    return _set_number(room, cmd, "cameras", cmd.value)


def set_cooldown(room: Room, cmd: c.SetCooldown, now: float) -> Events:
    return _set_number(room, cmd, "cooldown", cmd.value)


def set_expiry(room: Room, cmd: c.SetExpiry, now: float) -> Events:
    return _set_number(room, cmd, "expiry", cmd.value)


def _moderator_target(room: Room, cmd: c.Targeted) -> str:
    require_admin(room, cmd, "the moderator list")
    return require_name(cmd)


def add_moderator(room: Room, cmd: c.AddModerator, now: float) -> Events:
    name = _moderator_target(room, cmd)
    if name in room.channel.moderators:
        raise e.NoChange(f"{name} is already a moderator here")
    room.channel.moderators.append(name)
    room.dirty_room = True
    _protect_seat(room, name)
    return [ev.SettingsChanged("moderators", list(room.channel.moderators), cmd.actor.user)]


def remove_moderator(room: Room, cmd: c.RemoveModerator, now: float) -> Events:
    name = _moderator_target(room, cmd)
    if name not in room.channel.moderators:
        raise e.NoChange(f"{name} is not on this channel's moderator list")
    room.channel.moderators.remove(name)
    room.dirty_room = True
    return [ev.SettingsChanged("moderators", list(room.channel.moderators), cmd.actor.user)]


def _protect_seat(room: Room, user: str) -> None:
    """C3: a new moderator already on stage is never moved off from now on.

    Taking someone off the list does not lift the protection they joined with:
    the platform may still grant them a moderator role, which only their own
    next action would tell us.
    """
    person = room.people.get(user)
    if person is not None and person.position is Position.ON_STAGE and not person.seat_moderator:
        person.seat_moderator = True
        room.touch(person)
