"""Representative instances of every event type and each of its variants, for golden tests in every style.

Each case names its variant, gives the event, and the other events of the same command where the
wording depends on them (the batch). People are plain names here; a platform's golden test may map
them to its own ids (see PEOPLE).
"""

from __future__ import annotations

from dataclasses import dataclass

from core import errors as e
from core import events as ev

# Everyone the catalogue names.
PEOPLE = ("host", "alice", "bob", "cleo")


@dataclass(frozen=True)
class Case:
    """One variant of one event: a name for it, the event, and its batch."""

    name: str
    event: ev.Event
    batch: tuple[ev.Event, ...] = ()


def _mode_switch(to: str) -> tuple[ev.Event, ...]:
    return (ev.RequestCancelled("alice", "mode_changed"), ev.ModeChanged(to, "host"))


def _error(refusal: e.StageError, actor: str = "alice") -> ev.ErrorReply:
    return ev.ErrorReply.of(actor, refusal)


_STATUS_LIVE = ev.StatusReply(
    "alice",
    live=True,
    mode="request",
    count=2,
    capacity=3,
    on_stage=["host", "cleo"],
    on_camera=["host"],
    requests=[{"user": "alice", "position": 1, "note": "a demo"}, {"user": "bob", "position": 2, "note": None}],
    invitations=[],
    hands=["bob"],
)

CASES: tuple[Case, ...] = (
    Case("session started", ev.SessionStarted("request", "host")),
    Case("session started, by nobody named", ev.SessionStarted("open", None)),
    Case("session ended", ev.SessionEnded("host")),
    Case("session ended, by nobody named", ev.SessionEnded(None)),
    Case("mode changed", ev.ModeChanged("invite", "host")),
    Case("mode changed, by nobody named", ev.ModeChanged("open", None)),
    Case("joined the stage", ev.StageJoined("alice")),
    Case("joined the stage, moving someone off", ev.StageJoined("alice", evicted="bob")),
    Case("left: removed", ev.StageLeft("alice", "removed", "host")),
    Case("left: removed, by nobody named", ev.StageLeft("alice", "removed", None)),
    Case("left: evicted", ev.StageLeft("bob", "evicted", "alice")),
    Case("left: evicted, for nobody named", ev.StageLeft("bob", "evicted", None)),
    Case("left: left the room", ev.StageLeft("alice", "left_room", None)),
    Case("left: session ended", ev.StageLeft("alice", "session_ended", "host")),
    Case("left: turn ended", ev.StageLeft("alice", "turn_ended", None)),
    Case("request created", ev.RequestCreated("alice", 1, None)),
    Case("request created, with a note", ev.RequestCreated("alice", 2, "a demo of *the* {new} build")),
    Case("request cancelled: withdrawn", ev.RequestCancelled("alice", "withdrawn")),
    Case("request cancelled: left the room", ev.RequestCancelled("alice", "left_room")),
    Case("request cancelled: session ended", ev.RequestCancelled("alice", "session_ended")),
    Case("request cancelled: switch to open", _mode_switch("open")[0], _mode_switch("open")),
    Case("request cancelled: switch to invite", _mode_switch("invite")[0], _mode_switch("invite")),
    Case("request cancelled: mode changed, mode unknown", ev.RequestCancelled("alice", "mode_changed")),
    Case("request approved", ev.RequestApproved("alice", "host")),
    Case("request approved, by nobody named", ev.RequestApproved("alice", None)),
    Case("request declined", ev.RequestDeclined("alice", "host", None)),
    Case("request declined, with a reason", ev.RequestDeclined("alice", "host", "out of time today")),
    Case("request declined, by nobody named", ev.RequestDeclined("alice", None, None)),
    Case("request declined, by nobody named, with a reason", ev.RequestDeclined("alice", None, "full")),
    Case("request next", ev.RequestNext("alice")),
    Case("invitation sent", ev.InvitationSent("alice", "host")),
    Case("invitation sent, by nobody named", ev.InvitationSent("alice", None)),
    Case("invitation declined", ev.InvitationDeclined("alice")),
    Case("invitation expired", ev.InvitationExpired("alice")),
    Case("invitation cancelled: left the room", ev.InvitationCancelled("alice", "left_room")),
    Case("invitation cancelled: session ended", ev.InvitationCancelled("alice", "session_ended")),
    Case("invitation cancelled: withdrawn", ev.InvitationCancelled("alice", "withdrawn", "host")),
    Case("invitation cancelled: withdrawn, by nobody named", ev.InvitationCancelled("alice", "withdrawn", None)),
    Case("hand raised", ev.HandRaised("alice", "alice")),
    Case(
        "hand raised: a request became a hand",
        ev.HandRaised("alice", "host"),
        (
            ev.RequestCancelled("alice", "mode_changed"),
            ev.HandRaised("alice", "host"),
            ev.ModeChanged("invite", "host"),
        ),
    ),
    Case("hand lowered", ev.HandLowered("alice", "alice")),
    Case("hand lowered by a moderator", ev.HandLowered("alice", "host")),
    Case("hand lowered: left the room", ev.HandLowered("alice", None)),
    Case(
        "hand lowered: session ended",
        ev.HandLowered("alice", "host"),
        (ev.HandLowered("alice", "host"), ev.SessionEnded("host")),
    ),
    Case("turn warning", ev.TurnWarning("alice", 30)),
    Case("turn extended", ev.TurnExtended("alice", 60, "host")),
    Case("turn extended, by nobody named", ev.TurnExtended("alice", 60, None)),
    Case("setting: default mode", ev.SettingsChanged("default", "open", "host")),
    Case("setting: capacity", ev.SettingsChanged("capacity", 50, "host")),
    Case("setting: cameras", ev.SettingsChanged("cameras", 9, "host")),
    Case("setting: cooldown", ev.SettingsChanged("cooldown", 30, "host")),
    Case("setting: expiry", ev.SettingsChanged("expiry", 600, "host")),
    Case("setting: moderators", ev.SettingsChanged("moderators", ["alice", "bob"], "host")),
    Case("setting: moderators, none", ev.SettingsChanged("moderators", [], "host")),
    Case("setting: turn", ev.SettingsChanged("turn", 120, "host")),
    Case("setting: turn, no limit", ev.SettingsChanged("turn", 0, "host")),
    Case("setting: advance on", ev.SettingsChanged("advance", True, "host")),
    Case("setting: advance off", ev.SettingsChanged("advance", False, "host")),
    Case("setting: order asked", ev.SettingsChanged("order", "asked", "host")),
    Case("setting: order fair", ev.SettingsChanged("order", "fair", "host")),
    Case("workspace setting: default mode", ev.SettingsChanged("workspace.default", "invite", "host")),
    Case("workspace setting: capacity", ev.SettingsChanged("workspace.capacity", 80, "host")),
    Case("workspace setting: cameras", ev.SettingsChanged("workspace.cameras", 4, "host")),
    Case("workspace setting: cooldown", ev.SettingsChanged("workspace.cooldown", 60, "host")),
    Case("workspace setting: expiry", ev.SettingsChanged("workspace.expiry", 300, "host")),
    Case("workspace setting: moderators", ev.SettingsChanged("workspace.moderators", ["cleo"], "host")),
    Case("workspace setting: moderators, none", ev.SettingsChanged("workspace.moderators", [], "host")),
    Case("workspace setting: turn", ev.SettingsChanged("workspace.turn", 90, "host")),
    Case("workspace setting: turn, no limit", ev.SettingsChanged("workspace.turn", 0, "host")),
    Case("workspace setting: advance on", ev.SettingsChanged("workspace.advance", True, "host")),
    Case("workspace setting: advance off", ev.SettingsChanged("workspace.advance", False, "host")),
    Case("workspace setting: order asked", ev.SettingsChanged("workspace.order", "asked", "host")),
    Case("workspace setting: order fair", ev.SettingsChanged("workspace.order", "fair", "host")),
    Case("error: not a moderator", _error(e.NotModerator("start a session"))),
    Case("error: not an admin", _error(e.NotAdmin("the capacity"))),
    Case("error: no session", _error(e.NoSession())),
    Case("error: session active", _error(e.SessionActive(), "host")),
    Case(
        "error: mode forbids",
        _error(e.ModeForbids("Invite only", "ask to join", "Raise your hand with /stage hand instead.")),
    ),
    Case("error: already on stage, you", _error(e.AlreadyOnStage("alice", you=True))),
    Case("error: already on stage, someone else", _error(e.AlreadyOnStage("bob"), "host")),
    Case("error: already requested", _error(e.AlreadyRequested("alice", 3))),
    Case("error: already invited, you", _error(e.AlreadyInvited("alice", you=True))),
    Case("error: already invited, someone else", _error(e.AlreadyInvited("bob"), "host")),
    Case("error: no request, you", _error(e.NoRequest("alice", you=True))),
    Case("error: no request, someone else", _error(e.NoRequest("bob"), "host")),
    Case("error: no request, approved", _error(e.NoRequest("bob", answered_by="cleo", outcome="approved"), "host")),
    Case("error: no request, declined", _error(e.NoRequest("bob", answered_by="cleo", outcome="declined"), "host")),
    Case("error: no request, invited", _error(e.NoRequest("bob", answered_by="cleo", outcome="invited"), "host")),
    Case("error: no request, answered", _error(e.NoRequest("bob", answered_by="cleo"), "host")),
    Case("error: no invitation", _error(e.NoInvitation("alice"))),
    Case("error: no invitation, someone else", _error(e.NoInvitation("bob", you=False), "host")),
    Case("error: nobody waiting", _error(e.NobodyWaiting(), "host")),
    Case("error: not on stage", _error(e.NotOnStage("bob"), "host")),
    Case("error: stage full", _error(e.StageFull(2), "host")),
    Case("error: unknown user, you", _error(e.UnknownUser("alice", you=True))),
    Case("error: unknown user, someone else", _error(e.UnknownUser("bob"), "host")),
    Case("error: not an allowed target", _error(e.NotAllowedTarget("stagedoor"), "host")),
    Case("error: cooldown", _error(e.Cooldown(25))),
    Case("error: no change", _error(e.NoChange("the stage is already in Invite only mode"), "host")),
    Case("error: bad argument", _error(e.BadArgument("Give a whole number, for example /stage capacity 50."))),
    Case("error: without the refusal's data", ev.ErrorReply("alice", "bad_argument", "Could not read that line.")),
    Case("status: live", _STATUS_LIVE),
    Case(
        "status: live, nobody waiting",
        ev.StatusReply("alice", live=True, mode="open", count=1, capacity=100, on_stage=["host"], on_camera=["host"]),
    ),
    Case("status: no session", ev.StatusReply("alice", live=False, mode="request", count=0, capacity=100)),
    Case(
        "stats: live",
        ev.StatsReply(
            "host",
            live=True,
            people=[
                {"user": "alice", "stage_seconds": 95, "joins": 2, "requests": 1, "declined": 0, "waited_seconds": 12},
                {"user": "bob", "stage_seconds": 0, "joins": 0, "requests": 2, "declined": 1, "waited_seconds": 40},
            ],
        ),
    ),
    Case(
        "stats: last session",
        ev.StatsReply(
            "host",
            live=False,
            people=[
                {"user": "cleo", "stage_seconds": 30, "joins": 1, "requests": 0, "declined": 0, "waited_seconds": 0}
            ],
        ),
    ),
    Case("stats: live, nobody yet", ev.StatsReply("host", live=True)),
    Case("stats: no session ever", ev.StatsReply("host", live=False)),
)


def cases_of(event_type: type[ev.Event]) -> list[Case]:
    """Return the catalogue's cases of one event type."""
    return [case for case in CASES if type(case.event) is event_type]
