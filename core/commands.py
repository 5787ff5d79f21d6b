"""What people ask the stage to do, and what the platform reports."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """Who clicked or typed, with the roles the platform grants them right now (A3)."""

    user: str
    moderator: bool = False
    admin: bool = False


@dataclass(frozen=True)
class Command:
    actor: Actor


@dataclass(frozen=True)
class Targeted(Command):
    target: str
    # A4: the adapter knows whether a name belongs to a bot or to the app itself.
    target_is_bot: bool = False


# Session (moderators)
@dataclass(frozen=True)
class StartSession(Command):
    mode: str | None = None


@dataclass(frozen=True)
class EndSession(Command):
    pass


@dataclass(frozen=True)
class ChangeMode(Command):
    mode: str


# Channel defaults (admins)
@dataclass(frozen=True)
class ChangeDefaults(Command):
    """An admin's change to the channel's defaults, or with workspace=True to the workspace's (M2)."""

    workspace: bool = field(default=False, kw_only=True)
    # C1: the largest stage among the workspace's other live rooms that take the workspace capacity. The
    # service fills it in from the store, read under the workspace's lock; the platform never sets it.
    stage_elsewhere: int = field(default=0, kw_only=True)


@dataclass(frozen=True)
class SetDefaultMode(ChangeDefaults):
    mode: str


@dataclass(frozen=True)
class SetCapacity(ChangeDefaults):
    value: str


@dataclass(frozen=True)
class SetCameras(ChangeDefaults):
    value: str


@dataclass(frozen=True)
class SetCooldown(ChangeDefaults):
    value: str


@dataclass(frozen=True)
class SetExpiry(ChangeDefaults):
    value: str


@dataclass(frozen=True)
class SetTurn(ChangeDefaults):
    value: str


@dataclass(frozen=True)
class SetAdvance(ChangeDefaults):
    value: str


@dataclass(frozen=True)
class SetOrder(ChangeDefaults):
    value: str


@dataclass(frozen=True)
class AddModerator(Targeted, ChangeDefaults):
    pass


@dataclass(frozen=True)
class RemoveModerator(Targeted, ChangeDefaults):
    pass


# Participants
@dataclass(frozen=True)
class JoinStage(Command):
    pass


@dataclass(frozen=True)
class AskToJoin(Command):
    note: str | None = None


@dataclass(frozen=True)
class CancelRequest(Command):
    pass


@dataclass(frozen=True)
class DeclineInvitation(Command):
    pass


@dataclass(frozen=True)
class RaiseHand(Command):
    pass


@dataclass(frozen=True)
class LowerHand(Command):
    target: str | None = None


@dataclass(frozen=True)
class Status(Command):
    pass


# Moderators acting on someone
@dataclass(frozen=True)
class BringToStage(Targeted):
    pass


@dataclass(frozen=True)
class DeclineRequest(Targeted):
    reason: str | None = None


@dataclass(frozen=True)
class Invite(Targeted):
    pass


@dataclass(frozen=True)
class RemoveFromStage(Targeted):
    pass


# Running the line and timed turns (moderators)
@dataclass(frozen=True)
class NextSpeaker(Command):
    pass


@dataclass(frozen=True)
class Uninvite(Targeted):
    pass


@dataclass(frozen=True)
class LowerAllHands(Command):
    pass


@dataclass(frozen=True)
class ExtendTurn(Targeted):
    seconds: str = ""


@dataclass(frozen=True)
class Stats(Command):
    pass


# Platform happenings (no permission check: the platform reports them)
@dataclass(frozen=True)
class Arrive(Command):
    """The actor is in the room; `if_new` only introduces someone never seen before."""

    if_new: bool = False


@dataclass(frozen=True)
class Leave(Command):
    pass


@dataclass(frozen=True)
class Speak(Command):
    pass


@dataclass(frozen=True)
class MicChanged(Command):
    """The actor's microphone went on or off, where the platform shows that but not speech (C5)."""

    on: bool


@dataclass(frozen=True)
class MovedToAudience(Command):
    """The platform's own controls took the actor off stage (L2)."""

    by: str | None = None


@dataclass(frozen=True)
class Tick(Command):
    """Let timers run (invitation expiries, turn warnings and ends) up to now."""
