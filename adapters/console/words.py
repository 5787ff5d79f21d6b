"""The console's own words: the welcome, and answers to lines it could not use."""

from __future__ import annotations

from collections.abc import Callable, Collection

from adapters.console.parser import HAPPENINGS, SUBCOMMANDS, Problem
from core import errors as e
from core import events as ev
from core.rules.checks import shown

# The subcommands' words, for refusals short enough to read (SUBCOMMANDS adds each one's arguments).
SUBCOMMAND_WORDS = tuple(
    dict.fromkeys(" ".join(w for w in s.split() if w.islower() and w.isalpha()) for s in SUBCOMMANDS)
)

# A line's output: who is told, and what.
Delivery = tuple[str, ev.Event]

WELCOME_HEAD = (
    "stagedoor console. Type one action a line: `NAME: /stage SUBCOMMAND`, `NAME: (arrives)`, `NAME: (leaves)`, "
    "`NAME: (speaks)`, `NAME: (mic on)`, `NAME: (mic off)` or `(wait SECONDS)`."
)
ROLES = (
    "Roles come from how the console was started, as a platform would grant them: `--moderator NAME` runs sessions "
    "and answers requests, `--admin NAME` also changes the channel's settings; everyone else takes part."
)
WELCOME_TAIL = (
    "Subcommands: start, end, mode, default, capacity, cameras, cooldown, expiry, join, ask, cancel, approve, "
    "decline, invite, remove, hand, hand down, status, moderators add|remove, next, uninvite, hands down, extend, "
    "stats, turn, advance, order. Ctrl-D quits."
)


def welcome(moderators: Collection[str], admins: Collection[str]) -> str:
    """Return what an interactive terminal is shown first: how roles work, then commands that work as typed."""
    hosts = sorted({*admins, *moderators})
    guest = next(name for name in ("alex", "sam", "kim", "lee") if name not in hosts)
    if not hosts:
        example = (
            "No role was given, so nobody can start a session yet: quit with Ctrl-D and run "
            "`stagedoor console --admin host`, then type `host: /stage start`. "
            f"Meanwhile anyone can look: `{guest}: /stage status`."
        )
    else:
        host = hosts[0]
        named = ", ".join(f"{name} (admin)" if name in admins else name for name in hosts)
        example = (
            f"Moderators here: {named}. Try `{host}: /stage start`, `{guest}: /stage ask a question`, "
            f"`{host}: /stage approve {guest}`, `{guest}: (speaks)`, `(wait 30)`, `{guest}: /stage status`."
        )
    return "\n".join([WELCOME_HEAD, ROLES, example, WELCOME_TAIL])


USAGE = (
    "Type `NAME: /stage SUBCOMMAND`, a happening `NAME: (WHAT)` — " + ", ".join(HAPPENINGS) + " — or `(wait SECONDS)`."
)


def problem_reply(problem: Problem) -> Delivery:
    """Turn a line the console could not use into an error for whoever typed it (the room if nobody)."""
    message = _PROBLEMS[problem.kind](shown(problem.detail, 60))  # long input is cut, not echoed whole
    who = problem.actor or ev.ROOM
    return who, ev.ErrorReply.of(who, e.BadArgument(message))


_PROBLEMS: dict[str, Callable[[str], str]] = {
    "unparsed": lambda line: f"Could not read '{line}'. {USAGE}",
    "not_a_command": lambda text: (
        (f"'{text}' is not a stage command. " if text else "Nothing follows the name. ")
        + "Start the action with /stage (e.g. /stage status) or write a happening: "
        + ", ".join(HAPPENINGS)
        + "."
    ),
    "no_subcommand": lambda _: "Say what to do after /stage: " + ", ".join(SUBCOMMAND_WORDS) + ".",
    "unknown_subcommand": lambda word: (
        f"'{word}' is not a stage command. Use one of: "
        + ", ".join(SUBCOMMAND_WORDS)
        + ". Their arguments are in the README's console section."
    ),
    "unknown_happening": lambda what: (
        f"'({what})' is not something that happens here. Use one of: " + ", ".join(HAPPENINGS) + "."
    ),
    "bad_wait": lambda text: f"'{text}' is not a number of seconds to wait. Write it like (wait 30).",
    "hand_usage": lambda text: (
        f"'hand {text}' is not a hand action. Use /stage hand to raise your hand, "
        "/stage hand down to lower it, or /stage hand down NAME to lower someone's."
    ),
    "hands_usage": lambda text: (
        f"'hands {text}' is not a hands action. Use /stage hands down to lower every raised hand."
    ),
    "moderators_usage": lambda text: (
        f"'moderators {text}' is not a moderator-list action. "
        "Use /stage moderators add NAME or /stage moderators remove NAME."
    ),
}
