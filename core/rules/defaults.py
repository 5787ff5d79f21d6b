"""Channel defaults that admins set (A2, M2, C1, C2)."""

from __future__ import annotations

from core import commands as c
from core import errors as e
from core import events as ev
from core.limits import NUMBER_SETTINGS, ORDERS
from core.modes import parse_default
from core.room import Position, Room, Settings
from core.rules.checks import Events, mode_from, require_admin, require_name, shown, whole_number


def _scope(room: Room, cmd: c.ChangeDefaults, setting: str) -> Settings:
    """Check the admin, then return the settings the change is for (the channel's or the workspace's)."""
    require_admin(room, cmd, setting)
    return room.workspace if cmd.workspace else room.channel


def _changed(room: Room, cmd: c.ChangeDefaults, setting: str, value: object) -> Events:
    if cmd.workspace:
        room.dirty_workspace = True
    else:
        room.dirty_room = True
    name = f"workspace.{setting}" if cmd.workspace else setting
    return [ev.SettingsChanged(name, value, cmd.actor.user)]


def set_default(room: Room, cmd: c.SetDefaultMode, now: float) -> Events:
    settings = _scope(room, cmd, "the default mode")
    mode = mode_from(cmd.mode, parse_default)
    if settings.default_mode is mode:
        raise e.NoChange(f"the default mode is already {mode.value}")
    settings.default_mode = mode
    return _changed(room, cmd, "default", mode.value)


def _set_number(room: Room, cmd: c.ChangeDefaults, setting: str, raw: str) -> Events:
    settings = _scope(room, cmd, f"the {setting}")
    limits = NUMBER_SETTINGS[setting]
    value = whole_number(setting, raw, limits.low, limits.high)
    if setting == "capacity":
        _check_capacity(room, cmd, value)
    if getattr(settings, setting) == value:
        raise e.NoChange(f"{setting} is already {value}")
    setattr(settings, setting, value)
    return _changed(room, cmd, setting, value)


def _check_capacity(room: Room, cmd: c.ChangeDefaults, value: int) -> None:
    """C1: refuse a capacity below a live stage it would rule: this room's, or for the workspace, any of its rooms'."""
    overridden = cmd.workspace and room.channel.capacity is not None  # the channel's own capacity still rules
    here = len(room.stage) if room.session.live and not overridden else 0
    elsewhere = cmd.stage_elsewhere if cmd.workspace else 0
    if value >= max(here, elsewhere):
        return
    if not cmd.workspace:
        raise e.BadArgument(
            f"{here} people are on stage now, more than a capacity of {value}. "
            "Remove people first or choose a larger number."
        )
    where = "in this channel" if here >= elsewhere else "in another live channel of this workspace"
    largest = max(here, elsewhere)
    raise e.BadArgument(
        f"{largest} people are on stage now {where}, more than a workspace capacity of {value}. "
        f"Remove people from that stage first or choose {largest} or more."
    )


def set_capacity(room: Room, cmd: c.SetCapacity, now: float) -> Events:
    return _set_number(room, cmd, "capacity", cmd.value)


def set_cameras(room: Room, cmd: c.SetCameras, now: float) -> Events:
    return _set_number(room, cmd, "cameras", cmd.value)


def set_cooldown(room: Room, cmd: c.SetCooldown, now: float) -> Events:
    return _set_number(room, cmd, "cooldown", cmd.value)


def set_expiry(room: Room, cmd: c.SetExpiry, now: float) -> Events:
    return _set_number(room, cmd, "expiry", cmd.value)


def set_turn(room: Room, cmd: c.SetTurn, now: float) -> Events:
    """T1: a new length applies from the next turn; a running turn keeps its own."""
    return _set_number(room, cmd, "turn", cmd.value)


SWITCH = {"on": True, "off": False}


def set_advance(room: Room, cmd: c.SetAdvance, now: float) -> Events:
    """T3: auto-advance on or off."""
    settings = _scope(room, cmd, "auto-advance")
    value = SWITCH.get(cmd.value.strip().lower())
    if value is None:
        raise e.BadArgument(f"advance takes on or off; '{shown(cmd.value.strip())}' is neither. Use /stage advance on.")
    if settings.advance is value:
        raise e.NoChange(f"auto-advance is already {cmd.value.strip().lower()}")
    settings.advance = value
    return _changed(room, cmd, "advance", value)


def set_order(room: Room, cmd: c.SetOrder, now: float) -> Events:
    """Q5: the request order; switching it re-sorts the pending line at once."""
    settings = _scope(room, cmd, "the request order")
    order = cmd.value.strip().lower()
    if order not in ORDERS:
        raise e.BadArgument(
            f"order takes asked (by asking time) or fair (least time on stage first); '{shown(cmd.value.strip())}' "
            "is neither. Use /stage order fair."
        )
    if settings.order == order:
        raise e.NoChange(f"the request order is already {order}")
    settings.order = order
    room.reorder_requests()
    return _changed(room, cmd, "order", order)


def add_moderator(room: Room, cmd: c.AddModerator, now: float) -> Events:
    settings = _scope(room, cmd, "the moderator list")
    name = require_name(cmd)
    if name in settings.moderators:
        raise e.NoChange(f"{name} is already on the moderator list")
    settings.moderators.append(name)
    _protect_seat(room, name)
    return _changed(room, cmd, "moderators", list(settings.moderators))


def remove_moderator(room: Room, cmd: c.RemoveModerator, now: float) -> Events:
    settings = _scope(room, cmd, "the moderator list")
    name = require_name(cmd)
    if name not in settings.moderators:
        raise e.NoChange(f"{name} is not on the moderator list")
    settings.moderators.remove(name)
    return _changed(room, cmd, "moderators", list(settings.moderators))


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
