"""Every event, in each of its variants, as each recipient gets it in Discord: the message payload JSON.

Each recipient's message is rendered as Discord receives it (content, embeds, components, allowed
mentions) in a stage channel, and again in a voice channel where the two differ, and checked
against Discord's documented limits and its API schema for posting a message.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from adapters.discord.kit import Message, Place
from adapters.discord.notices import message, moderator_notice, personal_notice, pings_moderators, reply, room_notice
from adapters.present import present
from core import events as ev
from core.events import EVENT_TYPES, Event
from tests.discord import spec
from tests.golden.catalogue import PEOPLE, Case, cases_of
from tests.golden.golden import HERE, check, updating

STYLE = HERE / "discord"
GUILD, CHANNEL = 1456000000000000001, 1456000000000000002
PLACES = {"stage": Place(GUILD, CHANNEL, stage=True), "voice": Place(GUILD, CHANNEL, stage=False)}
IDS = {name: str(1456000000000000100 + n) for n, name in enumerate(PEOPLE)}
MODERATOR_ROLE = 1456000000000000009


def _ids(value: Any) -> Any:
    """Give the catalogue's people Discord ids, as the core knows Discord users."""
    if isinstance(value, str):
        return IDS.get(value, value)
    if isinstance(value, list):
        return [_ids(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_ids(item) for item in value)
    if isinstance(value, dict):
        return {key: _ids(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _ids(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        if isinstance(value, ev.ErrorReply) and value.refusal is not None:
            return ev.ErrorReply.of(changes["actor"], changes["refusal"])
        return dataclasses.replace(value, **changes)
    return value


def _sent(event: Event, recipient: str, batch: tuple[Event, ...], place: Place) -> tuple[str, Message | None]:
    """Return how Discord tells this recipient of the event, and the message."""
    if recipient == ev.ROOM:
        return "posted in the channel's chat", room_notice(event, place, batch)
    if recipient == ev.MODERATORS:
        if pings_moderators(event, batch):
            return "posted in the chat, pinging the moderator roles", moderator_notice(
                event, place, [MODERATOR_ROLE], batch
            )
        notice = next(n for n in present(event, batch) if n.recipient == ev.MODERATORS)
        return "shown to the moderator who acted (the panel shows it to the others)", message(notice, place)
    if recipient == getattr(event, "user", None):
        # The person whose own command it was reads the same words in its answer, without the channel.
        return "a DM when someone else caused it (a mention in the chat if DMs are closed)", personal_notice(
            event, place, batch
        )
    return "shown only to them, in answer to their command", reply([event], recipient, place)


def _payload(sent: Message | None) -> dict[str, Any] | None:
    if sent is None:
        return None
    body = sent.payload()
    return {key: value for key, value in body.items() if value not in (None, [])}


def _rendered(case: Case) -> list[dict[str, Any]]:
    event = _ids(case.event)
    batch = _ids(case.batch)
    out = []
    for recipient in event.recipients():
        told: dict[str, Any] = {"to": next((n for n, i in IDS.items() if i == recipient), recipient)}
        payloads = {}
        for kind, place in PLACES.items():
            how, sent = _sent(event, recipient, batch, place)
            told["as"] = how
            payloads[kind] = _payload(sent)
        if payloads["voice"] == payloads["stage"]:
            told["message"] = payloads["stage"]
        else:
            told["stage channel"], told["voice channel"] = payloads["stage"], payloads["voice"]
        out.append(told)
    return out


def _document(event_type: type[Event]) -> tuple[str, list[dict[str, Any]]]:
    cases = {case.name: _rendered(case) for case in cases_of(event_type)}
    bodies = [
        body
        for told in (t for case in cases.values() for t in case)
        for key in ("message", "stage channel", "voice channel")
        if (body := told.get(key)) is not None
    ]
    return json.dumps(cases, indent=2, ensure_ascii=False) + "\n", bodies


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_discord_messages_for_every_variant_match_the_checked_in_payloads(name: str) -> None:
    text, _ = _document(EVENT_TYPES[name])
    check(STYLE / f"{name}.json", text)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_discord_message_stays_inside_discords_limits_and_schema(name: str) -> None:
    _, bodies = _document(EVENT_TYPES[name])
    assert bodies, f"no Discord message renders {name}"
    for body in bodies:
        assert spec.check_body("POST", f"/channels/{CHANNEL}/messages", body) == []


def test_every_checked_in_discord_file_belongs_to_an_event_type() -> None:
    if updating():
        pytest.skip("rewriting the expected files")
    found = {path.name for path in STYLE.glob("*")}
    assert found == {f"{name}.json" for name in EVENT_TYPES}
