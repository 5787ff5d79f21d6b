"""/stage text → core commands; mentions are Slack's escaped ids."""

from __future__ import annotations

import pytest

from adapters.slack.parse import parse, target_of
from core import commands as c
from core.commands import Actor

ME = Actor("UME000001")


def command(text: str, is_bot: bool = False) -> c.Command:
    parsed = parse(text)
    assert parsed.build is not None, parsed.problem
    return parsed.build(ME, is_bot)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("<@U0ALEX01|alex>", "U0ALEX01"),
        ("<@W0ALEX01>", "W0ALEX01"),
        ("<!subteam^S0HOSTS|@hosts>", "S0HOSTS"),
        ("U0ALEX0199", "U0ALEX0199"),
        ("@alex", None),
        ("alex", None),
    ],
)
def test_mentions_name_ids(word, expected):
    assert target_of(word) == expected


def test_subcommands_build_their_commands():
    assert command("start invite") == c.StartSession(ME, "invite")
    assert command("ask can I  show a demo?") == c.AskToJoin(ME, "can I  show a demo?")
    assert command("decline") == c.DeclineInvitation(ME)
    assert command("decline <@U0ALEX01|alex> not today") == c.DeclineRequest(ME, "U0ALEX01", False, "not today")
    assert command("hand down") == c.LowerHand(ME, "")
    assert command("hand down <@U0ALEX01>") == c.LowerHand(ME, "U0ALEX01")
    assert command("invite <@U0BOT001>", is_bot=True) == c.Invite(ME, "U0BOT001", True)
    assert command("moderators add <!subteam^S0HOSTS|@hosts>") == c.AddModerator(ME, "S0HOSTS")
    assert command("CAPACITY 50") == c.SetCapacity(ME, "50")


@pytest.mark.parametrize("text", ["mode", "capacity", "invite", "invite @alex", "hand up", "moderators", "dance"])
def test_bad_input_is_a_problem_that_says_what_to_do(text):
    parsed = parse(text)
    assert parsed.build is None and parsed.problem
    assert "/stage" in parsed.problem or "@" in parsed.problem


def test_help_and_join_are_special():
    assert parse("").special == "help" and parse("help").special == "help"
    assert parse("join").special == "join"


def test_Q1_Q2_Q3_T2_R1_line_words_build_their_commands():
    assert command("next") == c.NextSpeaker(ME)
    assert command("uninvite <@U0ALEX01|alex>") == c.Uninvite(ME, "U0ALEX01")
    assert command("hands down") == c.LowerAllHands(ME)
    assert command("extend <@U0ALEX01> 60") == c.ExtendTurn(ME, "U0ALEX01", False, "60")
    assert command("extend <@U0ALEX01>") == c.ExtendTurn(ME, "U0ALEX01", False, "")  # the core says what is missing
    assert command("stats") == c.Stats(ME)


def test_T1_T3_Q5_settings_words_go_to_the_core_which_checks_them():
    assert command("turn 90") == c.SetTurn(ME, "90")
    assert command("advance ON") == c.SetAdvance(ME, "ON")
    assert command("order fair") == c.SetOrder(ME, "fair")
    assert command("advance") == c.SetAdvance(ME, "")  # A5: not_admin before bad_argument


@pytest.mark.parametrize("text", ["hands", "hands up", "extend", "extend 60", "uninvite", "turn"])
def test_Q3_T2_T1_unreadable_line_words_say_what_to_type(text):
    parsed = parse(text)
    assert parsed.build is None and parsed.problem
    assert "/stage" in parsed.problem or "@ menu" in parsed.problem
