"""Refusals: every one is a StageError carrying the data its message is made from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StageError(Exception):
    """A refused action; it changed nothing."""

    code = "bad_argument"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Say what went wrong and what to do."""
        return "That action was refused."


@dataclass
class NotModerator(StageError):
    action: str
    code = "not_moderator"

    @property
    def message(self) -> str:
        return f"Only moderators can {self.action}. Ask a moderator of this channel."


@dataclass
class NotAdmin(StageError):
    setting: str
    code = "not_admin"

    @property
    def message(self) -> str:
        return f"Only admins can change {self.setting}. Ask an admin to do it, or to make you one."


@dataclass
class NoSession(StageError):
    code = "no_session"

    @property
    def message(self) -> str:
        return "No session is live in this channel. A moderator can start one with /stage start."


@dataclass
class SessionActive(StageError):
    code = "session_active"

    @property
    def message(self) -> str:
        return "A session is already live here. End it with /stage end before starting another."


@dataclass
class ModeForbids(StageError):
    mode_label: str
    action: str
    hint: str
    code = "mode_forbids"

    @property
    def message(self) -> str:
        return f"The stage is in {self.mode_label} mode, so you can't {self.action}. {self.hint}"


@dataclass
class AlreadyOnStage(StageError):
    user: str
    you: bool = False
    code = "already_on_stage"

    @property
    def message(self) -> str:
        who = "You are" if self.you else f"{self.user} is"
        return f"{who} already on stage."


@dataclass
class AlreadyRequested(StageError):
    user: str
    position: int
    code = "already_requested"

    @property
    def message(self) -> str:
        return (
            f"Your request to join the stage is already pending (position {self.position}). "
            "Wait for a moderator, or cancel it with /stage cancel."
        )


@dataclass
class AlreadyInvited(StageError):
    user: str
    you: bool = False
    code = "already_invited"

    @property
    def message(self) -> str:
        if self.you:
            return "You already have an invitation: accept it with /stage join or refuse it with /stage decline."
        return f"{self.user} already has a pending invitation."


@dataclass
class NoRequest(StageError):
    user: str
    you: bool = False
    answered_by: str | None = None
    outcome: str | None = None
    code = "no_request"

    @property
    def message(self) -> str:
        if self.answered_by:
            done = {
                "approved": f"brought {self.user} to the stage",
                "declined": f"declined {self.user}'s request",
                "invited": f"invited {self.user} on stage",
            }.get(self.outcome or "", f"answered {self.user}'s request")
            return f"{self.answered_by} already {done}; there is no pending request to answer."
        if self.you:
            return "You have no pending request. Ask with /stage ask."
        return f"{self.user} has no pending request."


@dataclass
class NoInvitation(StageError):
    user: str
    you: bool = True
    code = "no_invitation"

    @property
    def message(self) -> str:
        if self.you:
            return "You have no pending invitation to decline."
        return f"{self.user} has no pending invitation to withdraw. Check /stage status for who is invited."


@dataclass
class NobodyWaiting(StageError):
    """Q1: `next` with an empty line."""

    code = "no_request"

    @property
    def message(self) -> str:
        return (
            "Nobody is waiting: there is no pending request and no raised hand in the audience. "
            "Invite someone with /stage invite NAME."
        )


@dataclass
class NotOnStage(StageError):
    user: str
    code = "not_on_stage"

    @property
    def message(self) -> str:
        return f"{self.user} is not on stage."


@dataclass
class StageFull(StageError):
    capacity: int
    code = "stage_full"

    @property
    def message(self) -> str:
        return (
            f"The stage is full ({self.capacity} of {self.capacity}) and only moderators are on it, "
            "so nobody can be moved off to make room. A moderator can remove someone or raise the capacity."
        )


@dataclass
class UnknownUser(StageError):
    user: str
    you: bool = False
    code = "unknown_user"

    @property
    def message(self) -> str:
        if self.you:
            return "You are not in the room, so you can't do that. Join the room first."
        return f"{self.user} is not in the room. Check the name, or wait until they arrive."


@dataclass
class NotAllowedTarget(StageError):
    user: str
    code = "not_allowed_target"

    @property
    def message(self) -> str:
        return f"{self.user} is a bot or the app itself, not a participant; pick a person."


@dataclass
class Cooldown(StageError):
    seconds_left: int
    code = "cooldown"

    @property
    def message(self) -> str:
        return f"Your last request was declined; you can ask again in {self.seconds_left} s."


@dataclass
class NoChange(StageError):
    what: str
    code = "no_change"

    @property
    def message(self) -> str:
        return f"Nothing changed: {self.what}."


@dataclass
class BadArgument(StageError):
    problem: str
    code = "bad_argument"

    @property
    def message(self) -> str:
        return self.problem
