"""Read one console line into a stage command, a platform happening, a wait, or a problem.

The parser only splits words: modes, numbers, notes and names are checked by
the core, so a refusal follows the rulebook's order (A5: permission, then a
live session, then the arguments).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core import commands as c

# `NAME: rest`; names are single words and `@name` is the same person as `name`.
LINE = re.compile(r"^@?(?P<name>[^\s:@]+)\s*:\s*(?P<rest>.*)$")
WAIT = re.compile(r"^\(\s*wait\b(?P<seconds>.*)\)$", re.IGNORECASE)
HAPPENING = re.compile(r"^\((?P<what>[^()]*)\)$")
STAGE = re.compile(r"^/stage(?:\s+(?P<args>.*))?$", re.IGNORECASE)
# ASCII digits only: float() would also take "١٢", "1_0", "inf" and "1e3".
SECONDS = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")

Build = Callable[[c.Actor], c.Command]


@dataclass(frozen=True)
class Action:
    """Someone's line: who acts, everyone the line names, and how to build the command for them."""

    actor: str
    build: Build
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wait:
    """`(wait SECONDS)`: move the clock on and let timers run."""

    seconds: float


@dataclass(frozen=True)
class Problem:
    """A line that is not an action; `kind` picks its words in the renderer."""

    kind: str
    actor: str | None = None
    detail: str = ""
    names: tuple[str, ...] = field(default=())


Line = Action | Wait | Problem | None


def name_of(word: str) -> str:
    """Return the person a word names: `@alex` and `alex` are the same person."""
    return word[1:] if word.startswith("@") else word


def parse_line(text: str) -> Line:
    """Return what one input line asks for; None for blank lines and comments."""
    line = text.strip().lstrip("\ufeff").strip()
    if not line or line.startswith("#"):
        return None
    wait = WAIT.match(line)
    if wait:
        return _wait(wait.group("seconds").strip())
    match = LINE.match(line)
    if not match:
        return Problem("unparsed", detail=line)
    actor, rest = match.group("name"), match.group("rest").strip()
    if WAIT.match(rest):  # `host: (wait 5)`: time passes for everyone, whoever writes it
        return parse_line(rest)
    happening = HAPPENING.match(rest)
    if happening:
        return _happening(actor, happening.group("what").strip().lower())
    stage = STAGE.match(rest)
    if not stage:
        return Problem("not_a_command", actor, rest)
    return _subcommand(actor, (stage.group("args") or "").strip())


def _wait(text: str) -> Wait | Problem:
    if not SECONDS.fullmatch(text):
        return Problem("bad_wait", detail=text)
    seconds = float(text)
    if not seconds < 10**9:
        return Problem("bad_wait", detail=text)
    return Wait(seconds)


def _happening(actor: str, what: str) -> Action | Problem:
    build = _HAPPENINGS.get(" ".join(what.split()))  # `(mic  on)` is `(mic on)`
    return Action(actor, build) if build is not None else Problem("unknown_happening", actor, what)


# What the platform reports about NAME; nobody checks a permission for these.
_HAPPENINGS: dict[str, Build] = {
    "arrives": lambda who: c.Arrive(who),
    "leaves": lambda who: c.Leave(who),
    "speaks": lambda who: c.Speak(who),
    # C5: the console stands for a platform that shows a speaker's mic but cannot hear them.
    "mic on": lambda who: c.MicChanged(who, on=True),
    "mic off": lambda who: c.MicChanged(who, on=False),
}
HAPPENINGS = tuple(f"({what})" for what in _HAPPENINGS)


def _split(args: str) -> tuple[str, str]:
    """Return the first word and the rest of the text."""
    words = args.split(None, 1)
    return (words[0], words[1].strip()) if len(words) == 2 else (args.strip(), "")


def _subcommand(actor: str, args: str) -> Action | Problem:
    word, rest = _split(args)
    word = word.lower()
    if not word:
        return Problem("no_subcommand", actor)
    simple = _SIMPLE.get(word)
    if simple is not None:
        return Action(actor, simple)
    valued = _VALUED.get(word)
    if valued is not None:
        return Action(actor, lambda who: valued(who, rest))
    targeted = _TARGETED.get(word)
    if targeted is not None:
        target = name_of(rest)
        return Action(actor, lambda who: targeted(who, target), _names(target))
    if word == "ask":
        return Action(actor, lambda who: c.AskToJoin(who, rest or None))
    if word == "decline":
        return _decline(actor, rest)
    if word == "hand":
        return _hand(actor, rest)
    if word == "hands":
        if rest.lower() in ("down", "lower"):  # Q3
            return Action(actor, lambda who: c.LowerAllHands(who))
        return Problem("hands_usage", actor, rest)
    if word == "extend":
        return _extend(actor, rest)
    if word in ("moderators", "moderator", "mods"):
        return _moderators(actor, rest)
    return Problem("unknown_subcommand", actor, word)


def _names(*words: str) -> tuple[str, ...]:
    """Return the single-word names among the words (the people a line brings into the room)."""
    return tuple(w for w in words if w and " " not in w)


def _decline(actor: str, rest: str) -> Action:
    if not rest:
        return Action(actor, lambda who: c.DeclineInvitation(who))
    target, reason = _split(rest)
    target = name_of(target)
    return Action(actor, lambda who: c.DeclineRequest(who, target, reason=reason or None), _names(target))


def _hand(actor: str, rest: str) -> Action | Problem:
    word, tail = _split(rest)
    word = word.lower()
    if word in ("", "up", "raise"):
        return Action(actor, lambda who: c.RaiseHand(who)) if not tail else Problem("hand_usage", actor, rest)
    if word in ("down", "lower"):
        if not tail:
            return Action(actor, lambda who: c.LowerHand(who))
        target = name_of(tail)
        return Action(actor, lambda who: c.LowerHand(who, target), _names(target))
    return Problem("hand_usage", actor, rest)


def _extend(actor: str, rest: str) -> Action:
    """T2: `extend NAME SECONDS`; the core checks the seconds (and says so when they are missing)."""
    target, seconds = _split(rest)
    target = name_of(target)
    return Action(actor, lambda who: c.ExtendTurn(who, target, seconds=seconds), _names(target))


def _moderators(actor: str, rest: str) -> Action | Problem:
    word, target = _split(rest)
    target = name_of(target)
    if word.lower() == "add":
        return Action(actor, lambda who: c.AddModerator(who, target), _names(target))
    if word.lower() == "remove":
        return Action(actor, lambda who: c.RemoveModerator(who, target), _names(target))
    return Problem("moderators_usage", actor, rest)


_SIMPLE: dict[str, Build] = {
    "end": lambda who: c.EndSession(who),
    "join": lambda who: c.JoinStage(who),
    "cancel": lambda who: c.CancelRequest(who),
    "status": lambda who: c.Status(who),
    "next": lambda who: c.NextSpeaker(who),
    "stats": lambda who: c.Stats(who),
}

_VALUED: dict[str, Callable[[c.Actor, str], c.Command]] = {
    "start": lambda who, mode: c.StartSession(who, mode or None),
    "mode": lambda who, mode: c.ChangeMode(who, mode),
    "default": lambda who, mode: c.SetDefaultMode(who, mode),
    "capacity": lambda who, value: c.SetCapacity(who, value),
    "cameras": lambda who, value: c.SetCameras(who, value),
    "cooldown": lambda who, value: c.SetCooldown(who, value),
    "expiry": lambda who, value: c.SetExpiry(who, value),
    "turn": lambda who, value: c.SetTurn(who, value),
    "advance": lambda who, value: c.SetAdvance(who, value),
    "order": lambda who, value: c.SetOrder(who, value),
}

_TARGETED: dict[str, Callable[[c.Actor, str], c.Command]] = {
    "approve": lambda who, name: c.BringToStage(who, name),
    "invite": lambda who, name: c.Invite(who, name),
    "remove": lambda who, name: c.RemoveFromStage(who, name),
    "uninvite": lambda who, name: c.Uninvite(who, name),
}

SUBCOMMANDS = (
    "start [MODE]",
    "end",
    "mode MODE",
    "default MODE|event|webinar",
    "capacity N",
    "cameras N",
    "cooldown SECONDS",
    "expiry SECONDS",
    "join",
    "ask [NOTE]",
    "cancel",
    "approve NAME",
    "decline [NAME [REASON]]",
    "invite NAME",
    "remove NAME",
    "hand",
    "hand down [NAME]",
    "status",
    "moderators add|remove NAME",
    "next",
    "uninvite NAME",
    "hands down",
    "extend NAME SECONDS",
    "stats",
    "turn SECONDS",
    "advance on|off",
    "order asked|fair",
)
