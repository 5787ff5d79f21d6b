"""The console's own contract: line syntax, bad input, JSON shape and recipients, readable output."""

from __future__ import annotations

import json
import re

import pytest

from adapters.console.parser import Action, Wait, parse_line
from tests.e2e.conftest import REPO, Stage, StageFactory

EVENT_NAMES = {
    "session.started",
    "session.ended",
    "mode.changed",
    "stage.joined",
    "stage.left",
    "request.created",
    "request.cancelled",
    "request.approved",
    "request.declined",
    "request.next",
    "invitation.sent",
    "invitation.declined",
    "invitation.expired",
    "invitation.cancelled",
    "hand.raised",
    "hand.lowered",
    "turn.warning",
    "turn.extended",
    "settings.changed",
    "error",
    "status",
    "stats",
}


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "  # indented comment"])
def test_blank_lines_and_comments_are_skipped(line: str) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(wait 30)", Wait(30)),
        ("( wait 1.5 )", Wait(1.5)),
        ("host: (wait 5)", Wait(5)),
        ("@alice: /stage join", "alice"),
        ("alice:/stage join", "alice"),
        ("Alice: /STAGE Join", "Alice"),
    ],
)
def test_lines_parse_into_actions_and_waits(line: str, expected: object) -> None:
    parsed = parse_line(line)
    if isinstance(expected, str):
        assert isinstance(parsed, Action) and parsed.actor == expected
    else:
        assert parsed == expected


async def test_at_name_and_name_are_the_same_person(stage: Stage) -> None:
    await stage.play("host: /stage start open\n@alice: /stage join\nhost: /stage remove @alice")
    played = await stage.play("alice: /stage status")
    assert played.last("status", "alice")["on_stage"] == []


async def test_names_are_case_sensitive(stage: Stage) -> None:
    await stage.play("host: /stage start open\nalice: /stage join")
    played = await stage.play("host: /stage remove Alice")
    assert played.errors("host") == ["not_on_stage"]


async def test_everyone_named_as_target_is_in_the_room(stage: Stage) -> None:
    played = await stage.play("host: /stage start\nhost: /stage invite zoe")
    assert played.last("invitation.sent", "zoe")["user"] == "zoe"


@pytest.mark.parametrize(
    ("line", "to"),
    [
        ("this is not a line", "room"),
        ("(wait soon)", "room"),
        ("(wait -5)", "room"),
        ("alice: hello everyone", "alice"),
        ("alice:", "alice"),
        ("alice: /stage", "alice"),
        ("alice: /stage dance", "alice"),
        ("alice: (dances)", "alice"),
        ("alice: /stage hand sideways", "alice"),
        ("admin: /stage moderators list", "admin"),
        ("host: /stage mode sideways", "host"),
        ("admin: /stage default party", "admin"),
        ("admin: /stage capacity many", "admin"),
        ("admin: /stage capacity 0", "admin"),
        ("admin: /stage capacity 100000", "admin"),
        ("admin: /stage cameras -1", "admin"),
        ("admin: /stage cooldown soon", "admin"),
        ("admin: /stage expiry 0", "admin"),
        ("host: /stage invite @", "host"),
        ("host: /stage approve", "host"),
        ("host: /stage remove", "host"),
        ("admin: /stage moderators add", "admin"),
        ("alice: /stage ask " + "x" * 201, "alice"),
        ("host: /stage decline alice " + "y" * 201, "host"),
    ],
)
async def test_bad_input_is_a_bad_argument_that_says_what_to_do_and_changes_nothing(
    stage: Stage, line: str, to: str
) -> None:
    await stage.play("host: /stage start\nalice: /stage ask\nhost: /stage invite bob")
    before = await stage.status("host")
    played = await stage.play(line)
    assert [(o["to"], o["event"], o["code"]) for o in played.json] == [(to, "error", "bad_argument")]
    assert len(played.json[0]["message"]) > 20
    assert await stage.status("host") == before


async def test_M1_starting_in_an_unknown_mode_is_refused(stage: Stage) -> None:
    played = await stage.play("host: /stage start sideways")
    assert played.errors("host") == ["bad_argument"]
    assert (await stage.status())["live"] is False


async def test_overlong_note_names_the_cap(stage: Stage) -> None:
    played = await stage.play("host: /stage start\nalice: /stage ask " + "x" * 201)
    assert "200" in played.last("error", "alice")["message"]
    assert (await stage.play("alice: /stage ask " + "x" * 200)).last("request.created", "alice")["position"] == 1


async def test_unknown_subcommand_lists_the_subcommands(stage: Stage) -> None:
    message = (await stage.play("alice: /stage dance")).last("error", "alice")["message"]
    # The words only, so the answer stays short enough to read with the line's long words quoted back.
    assert all(word in message for word in ("approve", "hand down", "hands down", "extend", "stats", "order"))


async def test_a_person_who_left_is_an_unknown_user_as_target(stage: Stage) -> None:
    played = await stage.play("host: /stage start\nbob: (leaves)\nhost: /stage invite bob\nhost: /stage approve bob")
    assert played.errors("host") == ["unknown_user", "unknown_user"]


async def test_every_line_is_one_object_per_recipient_with_to_first(stage: Stage) -> None:
    played = await stage.play(
        "admin: /stage capacity 1\nhost: /stage start\nalice: /stage ask hi\nhost: /stage approve alice\n"
        "alice: /stage join\nbob: /stage hand\nhost: /stage invite bob\nbob: /stage join\nalice: /stage status\n"
        "carol: /stage dance\nhost: /stage end"
    )
    assert {o["event"] for o in played.json} <= EVENT_NAMES
    for item in played.json:
        assert next(iter(item)) == "to" and isinstance(item["to"], str)
    joined = played.events("stage.joined")
    assert [o["to"] for o in joined] == ["alice", "moderators", "bob", "moderators"]
    assert joined[-1]["evicted"] == "alice"


async def test_status_answers_anyone_anytime_with_every_field(stage: Stage) -> None:
    status = await stage.status("nobody_yet")
    assert status == {
        "to": "nobody_yet",
        "event": "status",
        "live": False,
        "mode": "request",
        "count": 0,
        "capacity": 100,
        "on_stage": [],
        "on_camera": [],
        "requests": [],
        "invitations": [],
        "hands": [],
    }


async def test_status_lists_are_in_rule_order(stage: Stage) -> None:
    await stage.play(
        "host: /stage start\nz: /stage ask\ny: /stage ask\nx: /stage hand\nw: /stage hand\n"
        "host: /stage invite v\nhost: /stage invite u\nhost: /stage join\nu: /stage join"
    )
    status = await stage.status("host")
    assert [r["user"] for r in status["requests"]] == ["z", "y"]
    assert [r["position"] for r in status["requests"]] == [1, 2]
    assert status["hands"] == ["x", "w"]
    assert status["invitations"] == ["v"]
    assert status["on_stage"] == ["host", "u"] == status["on_camera"]
    assert status["count"] == 2


async def test_text_mode_reads_like_a_chat(stage: Stage) -> None:
    played = await stage.play(
        "host: /stage start\nalice: /stage ask a demo\nhost: /stage approve alice\n"
        "alice: /stage join\nhost: /stage remove alice\nalice: /stage dance\nhost: /stage status"
    )
    text = "\n".join(played.text)
    assert "{" not in text
    for phrase in (
        "[everyone] host started a session. The stage is in Join by request mode.",
        '[moderators] alice wants to join the stage (number 1 in line): "a demo".',
        "[alice] You have been invited to join the stage.",
        "[alice] You are on stage.",
        "[alice] You are now a viewer",
        "[alice] Sorry: 'dance' is not a stage command.",
        "on stage: 0 / 100",
    ):
        assert phrase in text


def test_every_public_event_has_readable_words() -> None:
    from adapters.console.render import as_text
    from core.events import EVENT_TYPES
    from tests.golden.catalogue import cases_of

    assert set(EVENT_TYPES) == EVENT_NAMES
    for event_type in EVENT_TYPES.values():
        assert cases_of(event_type), f"the golden catalogue has no {event_type.name}"
        for case in cases_of(event_type):
            for recipient in case.event.recipients():
                label, _, words = as_text((recipient, case.event), case.batch).partition("] ")
                assert label and words.strip(), case.name


async def test_webinar_example_reads_like_a_chat(stage_factory: StageFactory) -> None:
    stage = await stage_factory(moderators=(), admins=("host",))
    played = await stage.play((REPO / "examples" / "webinar.stage").read_text())
    text = "\n".join(played.text)
    assert "{" not in text
    for phrase in (
        '[moderators] ana wants to join the stage (number 1 in line): "I\'d like to show our demo".',
        '[ben] host declined your request to join the stage. Reason: "We\'ll take open questions at the end".',
        "[ana] You are now a viewer: the stage was full",
        "[moderators] cleo joined the stage, moving ana to the audience to make room.",
        "[everyone] host changed the stage to Invite only mode.",
        "[ben] Your request is now a raised hand",
        "  on stage: 2 / 2: host, cleo (on camera: host, cleo)",
    ):
        assert phrase in text


async def test_the_readme_example_prints_what_the_readme_shows(stage: Stage) -> None:
    readme = (REPO / "README.md").read_text()
    example = readme[readme.index("For example (`stagedoor console --json --moderator host`)") :]
    script, output = re.findall(r"```\n(.*?)```", example, re.DOTALL)[:2]
    played = await stage.play(script)
    assert played.json == [json.loads(line) for line in output.splitlines()]
