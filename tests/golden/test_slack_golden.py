"""Every event, in each of its variants, as each recipient sees it in Slack: Block Kit JSON, checked in.

Each file under tests/golden/slack/ holds, per catalogue case, what stagedoor sends: to the person
an event is about and to the moderators (what the outbox delivers), to the channel (announcements),
and to the actor (the answer to a command or click). Every payload must also fit Slack's limits.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.present import present
from adapters.slack.forms import ask_note, decline_reason, get_ready, settings_form, workspace_form
from adapters.slack.home import home
from adapters.slack.kit import Message
from adapters.slack.notices import reply
from adapters.slack.panels import panel, roster
from adapters.slack.render import render
from core import events as ev
from core.events import EVENT_TYPES, Event
from core.room import RoomKey
from tests.golden.catalogue import CASES, cases_of
from tests.golden.golden import HERE, check, updating
from tests.slack.limits import problems_in_call

STYLE = HERE / "slack"
KEY = RoomKey("slack", "T0STAGE", "C0STAGE01")
WORKSPACE = RoomKey("slack", "T0STAGE", "*")
ACTOR_TOLD = "actor"


def _payload(to: str, message: Message) -> dict[str, Any]:
    return {"to": to, "text": message.text, "blocks": message.blocks}


def sent(case_event: Event, batch: tuple[Event, ...]) -> list[dict[str, Any]]:
    """Return every message Slack is sent about one event, in the order people are told."""
    if case_event.told == ACTOR_TOLD or isinstance(case_event, ev.SettingsChanged):
        # Told only to whoever acted: the answer to their command, as the listener sends it.
        (actor,) = case_event.recipients()
        message = reply([case_event], actor, KEY)
        assert message is not None
        return [_payload(actor, message)]
    return [_payload(notice.recipient, render(notice, KEY)) for notice in present(case_event, batch)]


def _rendered(event_type: type[Event]) -> str:
    cases = {case.name: sent(case.event, case.batch) for case in cases_of(event_type)}
    return json.dumps(cases, indent=2, ensure_ascii=False) + "\n"


def _views() -> dict[str, Any]:
    live = next(case.event for case in CASES if case.name == "status: live")
    idle = next(case.event for case in CASES if case.name == "status: no session")
    assert isinstance(live, ev.StatusReply) and isinstance(idle, ev.StatusReply)
    shown: dict[str, Any] = {}
    for mode in ("open", "request", "invite"):
        message = roster(ev.StatusReply(**{**live.__dict__, "mode": mode}), KEY)
        shown[f"roster: {mode}"] = _payload("C0STAGE01", message)
    shown["roster: gated stage channel"] = _payload("C0STAGE01", roster(live, KEY, "G0GATED01"))
    shown["roster: no session"] = _payload("C0STAGE01", roster(idle, KEY))
    shown["moderator panel"] = panel(live, KEY)
    shown["moderator panel: no session"] = panel(idle, KEY)
    shown["get ready"] = get_ready(KEY)
    shown["ask with a note"] = ask_note(KEY)
    shown["decline with a reason"] = decline_reason(KEY, "alice", "VPANEL001")
    shown["channel settings"] = settings_form(KEY, live, None)
    shown["workspace defaults"] = workspace_form(WORKSPACE)
    shown["home"] = home([(KEY, live, ["host", "S0GROUP01"], None), (KEY, idle, [], "G0GATED01")], WORKSPACE)
    return shown


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_slack_messages_for_every_variant_and_recipient_match_the_checked_in_block_kit(name: str) -> None:
    check(STYLE / f"{name}.json", _rendered(EVENT_TYPES[name]))


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_slack_message_for_every_variant_fits_slacks_limits(name: str) -> None:
    for case in cases_of(EVENT_TYPES[name]):
        for payload in sent(case.event, case.batch):
            assert problems_in_call("chat.postEphemeral", payload) == [], case.name


def test_slack_roster_panel_forms_and_home_match_the_checked_in_block_kit_and_fit_slacks_limits() -> None:
    views = _views()
    for name, view in views.items():
        method, args = ("chat.update", view) if name.startswith("roster") else ("views.open", {"view": view})
        assert problems_in_call(method, args) == [], name
    check(STYLE / "views.json", json.dumps(views, indent=2, ensure_ascii=False) + "\n")


def test_every_checked_in_slack_file_belongs_to_an_event_type_or_the_views() -> None:
    if updating():
        pytest.skip("rewriting the expected files")
    expected = {f"{name}.json" for name in EVENT_TYPES} | {"views.json"}
    assert {path.name for path in STYLE.glob("*")} == expected
