"""Read `/stage …` text into a core command (targets are Slack mentions)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core import commands as c
from core.commands import Actor

USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
GROUP_MENTION = re.compile(r"^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$")
BARE_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")

Build = Callable[[Actor, bool], c.Command]  # (actor, target_is_bot) → command

SUBCOMMANDS = (
    "start, end, mode, default, capacity, cameras, cooldown, expiry, join, ask, cancel, approve, "
    "decline, invite, remove, hand, status, next, uninvite, hands, extend, stats, turn, advance, order, "
    "export, moderators, help"
)


@dataclass(frozen=True)
class Parsed:
    """What `/stage` text asks for: a command, the get-ready step, help, or a problem to explain."""

    build: Build | None = None
    target: str | None = None
    special: str | None = None  # "help", "join" or "export"
    problem: str | None = None
    argument: str = ""  # what follows a special word (export's days, checked after the admin check)


def target_of(word: str) -> str | None:
    """Return the user (or user group) id an @-mention names, or None."""
    for pattern in (USER_MENTION, GROUP_MENTION):
        found = pattern.match(word)
        if found:
            return found.group(1)
    return word if BARE_ID.match(word) else None


def parse(text: str) -> Parsed:
    """Turn the text after /stage into what to do."""
    words = text.split()
    if not words or words[0].lower() in ("help", "?"):
        return Parsed(special="help")
    verb, rest = words[0].lower(), words[1:]
    tail = text.strip()[len(words[0]) :].strip()
    simple: dict[str, Build] = {
        "end": lambda a, _: c.EndSession(a),
        "cancel": lambda a, _: c.CancelRequest(a),
        "status": lambda a, _: c.Status(a),
        "next": lambda a, _: c.NextSpeaker(a),
        "stats": lambda a, _: c.Stats(a),
    }
    if verb in simple:
        return Parsed(simple[verb])
    if verb == "join":
        return Parsed(special="join")
    if verb == "export":
        return Parsed(special="export", argument=tail)
    if verb == "start":
        return Parsed(lambda a, _: c.StartSession(a, rest[0] if rest else None))
    if verb == "ask":
        return Parsed(lambda a, _: c.AskToJoin(a, tail or None))
    if verb in ("mode", "default"):
        if not rest:
            return Parsed(problem=f"Say which mode, for example `/stage {verb} request`.")
        kind = c.ChangeMode if verb == "mode" else c.SetDefaultMode
        return Parsed(lambda a, _: kind(a, rest[0]))
    numbers = {
        "capacity": c.SetCapacity,
        "cameras": c.SetCameras,
        "cooldown": c.SetCooldown,
        "expiry": c.SetExpiry,
        "turn": c.SetTurn,
    }
    if verb in numbers:
        setting = numbers[verb]
        if not rest:
            return Parsed(problem=f"Give a whole number, for example `/stage {verb} 50`.")
        return Parsed(lambda a, _: setting(a, rest[0]))
    if verb in WORD_SETTINGS:
        return _word_setting(verb, rest)
    if verb == "hands":
        if [w.lower() for w in rest] != ["down"]:
            return Parsed(problem="Use `/stage hands down` to lower every raised hand (Q3).")
        return Parsed(lambda a, _: c.LowerAllHands(a))
    if verb == "extend":
        if not rest:
            return Parsed(problem="Name the speaker and the seconds to add, for example `/stage extend @alex 60`.")
        seconds = " ".join(rest[1:])  # the core checks the number (T2: 1 to 86,400), after the moderator check
        return _targeted(rest[:1], lambda a, t, bot: c.ExtendTurn(a, t, bot, seconds))
    if verb == "hand":
        if not rest:
            return Parsed(lambda a, _: c.RaiseHand(a))
        if rest[0].lower() != "down":
            return Parsed(problem="Use `/stage hand` to raise your hand, `/stage hand down [@name]` to lower one.")
        return _targeted(rest[1:], lambda a, t, _: c.LowerHand(a, t), optional=True)
    if verb == "decline":
        if not rest:
            return Parsed(lambda a, _: c.DeclineInvitation(a))
        reason = " ".join(rest[1:]) or None
        return _targeted(rest, lambda a, t, bot: c.DeclineRequest(a, t, bot, reason))
    targeted = {"approve": c.BringToStage, "invite": c.Invite, "remove": c.RemoveFromStage, "uninvite": c.Uninvite}
    if verb in targeted:
        kind_t = targeted[verb]
        return _targeted(rest, lambda a, t, bot: kind_t(a, t, bot))
    if verb == "moderators":
        if not rest or rest[0].lower() not in ("add", "remove"):
            return Parsed(problem="Use `/stage moderators add @name` or `/stage moderators remove @name` (or @group).")
        kind_m = c.AddModerator if rest[0].lower() == "add" else c.RemoveModerator
        return _targeted(rest[1:], lambda a, t, bot: kind_m(a, t, bot))
    return Parsed(problem=f"`{verb}` is not a /stage subcommand. Use one of: {SUBCOMMANDS}.")


# The settings that take a word; the core checks the word (A5: the admin check comes first), so any text goes on.
WORD_SETTINGS: dict[str, Callable[[Actor, str], c.Command]] = {"advance": c.SetAdvance, "order": c.SetOrder}


def _word_setting(verb: str, rest: list[str]) -> Parsed:
    kind, word = WORD_SETTINGS[verb], " ".join(rest)
    return Parsed(lambda a, _: kind(a, word))


def _targeted(rest: list[str], make: Callable[[Actor, str, bool], c.Command], optional: bool = False) -> Parsed:
    if not rest:
        if optional:
            return Parsed(lambda a, _: make(a, "", False))
        return Parsed(problem="Name the person with an @-mention, for example `/stage invite @alex`.")
    target = target_of(rest[0])
    if target is None:
        return Parsed(
            problem=f"`{rest[0]}` is not a mention Slack can resolve. Pick the person from the @ menu, e.g. `@alex`."
        )
    return Parsed(lambda a, bot: make(a, target, bot), target=target)
