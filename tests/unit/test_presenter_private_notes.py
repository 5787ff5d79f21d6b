"""J2: a request's note is for moderators; the presenter words the same news for places others read too."""

from __future__ import annotations

from adapters.present import Action, ActionKind, Notice, present, request_note
from core import events as ev

NOTE = "a demo of the {new} build"


def moderators_notice(event: ev.Event) -> Notice:
    return next(n for n in present(event) if n.recipient == ev.MODERATORS)


def test_J2_a_noted_request_tells_moderators_the_note_and_words_a_shared_notice_without_it() -> None:
    told = moderators_notice(ev.RequestCreated(user="ann", position=2, note=NOTE))
    assert told.values["note"] == NOTE and "{note}" in told.text
    shared = told.shared
    assert shared is not None and shared.recipient == ev.MODERATORS
    assert "{note}" not in shared.text and NOTE not in shared.values.values()
    assert "left a note" in shared.text and shared.values["position"] == 2
    assert Action(ActionKind.SHOW_NOTE, "ann") in shared.actions
    assert Action(ActionKind.BRING_TO_STAGE, "ann") in shared.actions


def test_J2_a_request_without_a_note_has_nothing_private_to_leave_out() -> None:
    assert moderators_notice(ev.RequestCreated(user="ann", position=1, note=None)).shared is None


def test_J2_showing_a_note_names_the_requester_and_offers_the_answers() -> None:
    shown = request_note("mo", "ann", 2, NOTE)
    assert shown.recipient == "mo" and shown.values["note"] == NOTE and shown.people["user"] == "ann"
    assert [a.kind for a in shown.actions] == [ActionKind.BRING_TO_STAGE, ActionKind.DECLINE_REQUEST]
    assert "left no note" in request_note("mo", "ann", 1, None).text
