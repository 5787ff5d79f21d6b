"""The presenter: every event worded for every recipient the rulebook names, with data, not parsed text."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.present import Action, ActionKind, Notice, present, present_error
from core import commands as c
from core import errors as e
from core import events as ev
from tests.golden.catalogue import CASES, Case, cases_of
from tests.unit.stage import MODERATOR, Stage

RULES = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
ROW = re.compile(r"^\| `(?P<name>[a-z_.]+)` \| [^|]* \| (?P<told>[^|]+) \| (?P<status>implemented|planned) \|$")


def told_in_the_rulebook() -> dict[str, tuple[str, ...]]:
    """Return each implemented event's recipients as the rulebook's events table names them."""
    section = RULES.read_text().split("\n## Events\n", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in section.splitlines()]
    return {
        row["name"]: tuple(word.strip() for word in row["told"].split(","))
        for row in rows
        if row and row["status"] == "implemented"
    }


TOLD = told_in_the_rulebook()


def expected_recipients(event: ev.Event, told: tuple[str, ...]) -> list[str]:
    """Turn the rulebook's words for recipients into the ids a notice is addressed to."""
    actor = getattr(event, "actor", None) or getattr(event, "by", None)  # settings.changed tells who changed it
    ids = {"room": ev.ROOM, "moderators": ev.MODERATORS, "user": getattr(event, "user", None), "actor": actor}
    return [str(ids[word]) for word in told]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_rulebook_names_recipients_for_every_event_type_the_core_has() -> None:
    assert set(TOLD) == set(ev.EVENT_TYPES)
    assert all(TOLD.values())


@pytest.mark.parametrize("name", sorted(ev.EVENT_TYPES))
def test_every_event_type_has_wording_for_every_recipient_the_rulebook_names(name: str) -> None:
    cases = cases_of(ev.EVENT_TYPES[name])
    assert cases, f"tests/golden/catalogue.py has no {name}: add its variants, then word them in adapters/present"
    for case in cases:
        notices = present(case.event, case.batch)
        assert [n.recipient for n in notices] == expected_recipients(case.event, TOLD[name]), case.name
        assert [n.recipient for n in notices] == case.event.recipients(), case.name
        for notice in notices:
            assert notice.text.strip() and notice.key.startswith(name + "."), (case.name, notice)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_placeholder_in_a_notice_is_given(case: Case) -> None:
    for notice in present(case.event, case.batch):
        given = set(notice.people) | set(notice.values) | set(notice.groups)
        assert placeholders(notice.text) <= given, notice
        assert set(notice.groups) <= placeholders(notice.text), notice
        assert all(notice.groups.values()), "a group of people is never empty: the template says so instead"


def test_one_key_always_means_one_template_so_a_platform_can_reword_a_key() -> None:
    templates: dict[str, set[str]] = {}
    for case in CASES:
        for notice in present(case.event, case.batch):
            templates.setdefault(notice.key, set()).add(notice.text)
    assert {key: texts for key, texts in templates.items() if len(texts) > 1} == {}


def test_an_event_type_the_presenter_does_not_know_is_refused_not_worded_vaguely() -> None:
    @dataclass(frozen=True)
    class Applause(ev.Event):
        user: str
        name = "applause"

    with pytest.raises(TypeError, match="not a stage event"):
        present(Applause("alice"))


def _told(events: list[ev.Event], recipient: str) -> list[Notice]:
    return [n for event in events for n in present(event, events) if n.recipient == recipient]


def test_M4_requesters_are_told_they_can_join_directly_after_a_switch_to_open_mode_and_get_a_join_action() -> None:
    stage = Stage(mode="request")
    stage.ok("ann", c.AskToJoin)
    events = stage.send(c.ChangeMode(stage.actor(MODERATOR), "open"))
    (told,) = [n for n in _told(events, "ann") if n.key.startswith("request.cancelled")]
    assert "join directly" in told.text
    assert told.actions == (Action(ActionKind.JOIN_STAGE),)
    (moderators,) = [n for n in _told(events, ev.MODERATORS) if n.key.startswith("request.cancelled")]
    assert "can now join directly" in moderators.text and moderators.people["user"] == "ann"


def test_M4_requesters_kept_as_hands_after_a_switch_to_invite_mode_are_told_so_and_moderators_may_invite_them() -> None:
    stage = Stage(mode="request")
    stage.ok("ann", c.AskToJoin)
    events = stage.send(c.ChangeMode(stage.actor(MODERATOR), "invite"))
    assert any("raised hand" in n.text and not n.actions for n in _told(events, "ann"))
    hands = [n for n in _told(events, ev.MODERATORS) if n.key.startswith("hand.raised")]
    assert [n.actions for n in hands] == [(Action(ActionKind.INVITE, "ann"),)]


def test_an_invitation_offers_join_and_decline_and_a_request_offers_its_answers_to_moderators() -> None:
    stage = Stage(mode="request")
    asked = stage.send(c.AskToJoin(stage.actor("ann")))
    (mine,) = _told(asked, "ann")
    assert mine.actions == (Action(ActionKind.CANCEL_REQUEST),)
    (theirs,) = _told(asked, ev.MODERATORS)
    assert theirs.actions == (Action(ActionKind.BRING_TO_STAGE, "ann"), Action(ActionKind.DECLINE_REQUEST, "ann"))
    approved = stage.send(c.BringToStage(stage.actor(MODERATOR), "ann"))
    (invited,) = _told(approved, "ann")
    assert invited.actions == (Action(ActionKind.JOIN_STAGE), Action(ActionKind.DECLINE_INVITATION))


def test_a_refusal_reaches_the_presenter_with_its_data_and_names_people_by_id() -> None:
    stage = Stage(mode="request")
    (reply,) = stage.send(c.RemoveFromStage(stage.actor(MODERATOR), "bob"))
    assert isinstance(reply, ev.ErrorReply) and reply.refusal == e.NotOnStage("bob")
    notice = present_error(reply)
    assert (notice.recipient, notice.key, notice.text) == (
        MODERATOR,
        "error.not_on_stage.actor",
        "{user} is not on stage.",
    )
    assert notice.people == {"user": "bob"}
    assert present(reply) == [notice]


def test_a_refusal_someone_already_answered_names_both_people_from_its_data() -> None:
    stage = Stage(mode="request", moderators=(MODERATOR, "cid"))
    stage.ok("ann", c.AskToJoin)
    stage.ok("cid", c.DeclineRequest, "ann")
    (reply,) = stage.send(c.BringToStage(stage.actor(MODERATOR), "ann"))
    assert isinstance(reply, ev.ErrorReply)
    notice = present_error(reply)
    assert notice.key == "error.no_request.answered.declined.actor"
    assert notice.people == {"user": "ann", "by": "cid"}


def test_the_refusal_is_kept_out_of_the_error_s_public_form_and_its_equality() -> None:
    with_data = ev.ErrorReply.of("ann", e.NotOnStage("bob"))
    assert with_data.as_dict() == {"event": "error", "code": "not_on_stage", "message": "bob is not on stage."}
    assert with_data == ev.ErrorReply("ann", "not_on_stage", "bob is not on stage.")
    rebuilt = ev.event_from_dict(with_data.as_dict(), actor="ann")
    assert isinstance(rebuilt, ev.ErrorReply) and rebuilt.refusal is None


def test_an_error_without_its_refusal_is_still_worded_from_its_message() -> None:
    notice = present_error(ev.ErrorReply("ann", "bad_argument", "Could not read that."))
    assert (notice.text, notice.values) == ("{problem}", {"problem": "Could not read that."})


def test_logged_events_are_grouped_by_the_command_that_caused_them_so_a_deliverer_has_the_batch() -> None:
    from adapters.present import command_batches
    from core.service import LoggedEvent
    from tests.unit.stage import KEY

    stage = Stage(mode="request")
    stage.ok("ann", c.AskToJoin)
    asked = stage.send(c.AskToJoin(stage.actor("bob")))
    stage.wait(1)
    switched = stage.send(c.ChangeMode(stage.actor(MODERATOR), "open"))
    items = [LoggedEvent(i, KEY, 1_000.0, "bob", event) for i, event in enumerate(asked)]
    items += [LoggedEvent(10 + i, KEY, 1_001.0, MODERATOR, event) for i, event in enumerate(switched)]
    groups = command_batches(items)
    assert [[item.event for item in group] for group in groups] == [asked, switched]
    batch = [item.event for item in groups[1]]
    (told,) = [n for n in present(batch[0], batch) if n.recipient == "ann"]
    assert told.actions == (Action(ActionKind.JOIN_STAGE),)
