"""The stage rules through the console adapter: lines in, JSON deliveries out (in-process, real SQLite)."""

from __future__ import annotations

from tests.e2e.conftest import Stage, StageFactory

LIVE_REQUEST = "host: /stage start request\n"


async def test_J12_start_twice_is_session_active_and_actions_need_a_live_session(stage: Stage) -> None:
    before = await stage.play("alice: /stage ask\nhost: /stage end\nalice: /stage hand")
    assert before.errors() == ["no_session", "no_session", "no_session"]
    played = await stage.play("host: /stage start\nhost: /stage start")
    assert played.json[0] == {"to": "room", "event": "session.started", "mode": "request", "by": "host"}
    assert played.errors("host") == ["session_active"]


async def test_M1_mode_aliases_are_accepted_case_insensitively(stage: Stage) -> None:
    played = await stage.play("host: /stage start Everyone\nhost: /stage mode Invite-Only\nhost: /stage mode ASK")
    assert [o["mode"] for o in played.json if o["event"] in ("session.started", "mode.changed")] == [
        "open",
        "invite",
        "request",
    ]


async def test_M1_unknown_mode_is_bad_argument_listing_the_three_modes(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "host: /stage mode sideways")
    error = played.last("error", "host")
    assert error["code"] == "bad_argument"
    assert all(word in error["message"] for word in ("open", "request", "invite"))
    assert (await stage.status())["mode"] == "request"


async def test_M2_presets_set_the_default_and_status_shows_the_next_mode(stage: Stage) -> None:
    assert (await stage.status())["mode"] == "request"
    played = await stage.play("admin: /stage default event")
    assert played.json == [
        {"to": "admin", "event": "settings.changed", "setting": "default", "value": "open", "by": "admin"}
    ]
    status = await stage.status()
    assert (status["live"], status["mode"]) == (False, "open")
    started = await stage.play("host: /stage start")
    assert started.last("session.started")["mode"] == "open"


async def test_M3_mode_change_is_told_to_the_room_and_keeps_the_stage(stage: Stage) -> None:
    played = await stage.play("host: /stage start open\nalice: /stage join\nhost: /stage mode invite")
    assert played.last("mode.changed") == {"to": "room", "event": "mode.changed", "mode": "invite", "by": "host"}
    assert (await stage.status())["on_stage"] == ["alice"]


async def test_M4_going_to_invite_turns_requests_into_hands_in_order(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask\nbob: /stage ask\nhost: /stage mode invite")
    tail = [(o["event"], o["to"], o.get("user")) for o in played.json[-9:]]
    assert tail == [
        ("request.cancelled", "alice", "alice"),
        ("request.cancelled", "moderators", "alice"),
        ("request.cancelled", "bob", "bob"),
        ("request.cancelled", "moderators", "bob"),
        ("hand.raised", "alice", "alice"),
        ("hand.raised", "moderators", "alice"),
        ("hand.raised", "bob", "bob"),
        ("hand.raised", "moderators", "bob"),
        ("mode.changed", "room", None),
    ]
    status = await stage.status("host")
    assert (status["requests"], status["hands"]) == ([], ["alice", "bob"])


async def test_M4_going_to_open_tells_requesters_they_can_join(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask\nhost: /stage mode open\nalice: /stage join")
    assert played.last("request.cancelled", "alice")["reason"] == "mode_changed"
    assert any("join directly" in line for line in played.text if line.startswith("[alice]"))
    assert played.last("stage.joined", "alice")["user"] == "alice"


async def test_M5_invitations_survive_mode_changes(stage: Stage) -> None:
    await stage.play(LIVE_REQUEST + "host: /stage invite alice\nhost: /stage mode open\nhost: /stage mode invite")
    assert (await stage.status())["invitations"] == ["alice"]


async def test_J1_open_mode_join_puts_the_participant_on_stage_at_once(stage: Stage) -> None:
    played = await stage.play("host: /stage start open\nalice: /stage join")
    assert played.events("stage.joined") == [
        {"to": "alice", "event": "stage.joined", "user": "alice", "evicted": None},
        {"to": "moderators", "event": "stage.joined", "user": "alice", "evicted": None},
    ]


async def test_J2_requests_queue_in_order_and_notes_are_for_moderators_only(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask I have a demo\nbob: /stage ask")
    assert played.events("request.created", "moderators")[0] == {
        "to": "moderators",
        "event": "request.created",
        "user": "alice",
        "position": 1,
        "note": "I have a demo",
    }
    assert played.last("request.created", "bob")["position"] == 2
    assert any("alice wants to join the stage" in line for line in played.text)
    host_view = await stage.status("host")
    assert host_view["requests"] == [
        {"user": "alice", "position": 1, "note": "I have a demo"},
        {"user": "bob", "position": 2, "note": None},
    ]
    assert all("note" not in item for item in (await stage.status("carol"))["requests"])


async def test_J3_requester_cancels_before_an_answer(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask\nalice: /stage cancel\nalice: /stage cancel")
    assert played.last("request.cancelled", "alice")["reason"] == "withdrawn"
    assert played.errors("alice") == ["no_request"]


async def test_J4_approval_is_an_invitation_then_join(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask\nhost: /stage approve @alice\nalice: /stage join")
    assert played.last("request.approved", "alice") == {
        "to": "alice",
        "event": "request.approved",
        "user": "alice",
        "by": "host",
    }
    assert any("You have been invited to join the stage" in line for line in played.text)
    assert played.last("stage.joined", "moderators")["user"] == "alice"


async def test_J5_decline_with_reason_then_ask_again(stage: Stage) -> None:
    played = await stage.play(
        LIVE_REQUEST + "alice: /stage ask\nhost: /stage decline alice not today, sorry\nalice: /stage ask"
    )
    assert played.last("request.declined", "alice") == {
        "to": "alice",
        "event": "request.declined",
        "user": "alice",
        "by": "host",
        "reason": "not today, sorry",
    }
    assert played.last("request.created", "alice")["position"] == 1


async def test_J5_cooldown_makes_a_declined_participant_wait(stage: Stage) -> None:
    played = await stage.play(
        "admin: /stage cooldown 30\n"
        + LIVE_REQUEST
        + "alice: /stage ask\nhost: /stage decline alice\nalice: /stage ask\n(wait 30)\n"
        "alice: /stage ask"
    )
    assert played.errors("alice") == ["cooldown"]
    assert len(played.events("request.created", "alice")) == 2


async def test_J6_invite_only_refuses_join_and_ask_suggesting_a_hand(stage: Stage) -> None:
    played = await stage.play("host: /stage start invite\nalice: /stage join\nalice: /stage ask")
    assert played.errors("alice") == ["mode_forbids", "mode_forbids"]
    assert all("hand" in o["message"] for o in played.events("error"))


async def test_J7_invitation_sent_and_declined(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "host: /stage invite alice\nalice: /stage decline")
    assert [(o["event"], o["to"]) for o in played.json[1:]] == [
        ("invitation.sent", "alice"),
        ("invitation.sent", "moderators"),
        ("invitation.declined", "alice"),
        ("invitation.declined", "moderators"),
    ]
    assert any("Invitation sent to alice" in line for line in played.text)


async def test_J7_inviting_a_requester_answers_the_request(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask\nhost: /stage invite alice")
    assert played.json[-1]["event"] == "invitation.sent"
    status = await stage.status("host")
    assert (status["requests"], status["invitations"]) == ([], ["alice"])


async def test_J8_unanswered_invitation_expires_after_a_wait(stage: Stage) -> None:
    played = await stage.play("admin: /stage expiry 60\n" + LIVE_REQUEST + "host: /stage invite alice\n(wait 59)")
    assert played.events("invitation.expired") == []
    played = await stage.play("(wait 1)")
    assert played.json == [
        {"to": "alice", "event": "invitation.expired", "user": "alice"},
        {"to": "moderators", "event": "invitation.expired", "user": "alice"},
    ]


async def test_J9_one_position_at_a_time(stage: Stage) -> None:
    played = await stage.play(
        LIVE_REQUEST + "host: /stage invite alice\nalice: /stage ask\n"
        "alice: /stage join\nalice: /stage ask\nhost: /stage invite alice"
    )
    assert played.errors() == ["already_invited", "already_on_stage", "already_on_stage"]


async def test_J10_hands_raise_lower_and_moderators_lower_anyones(stage: Stage) -> None:
    played = await stage.play(
        LIVE_REQUEST + "alice: /stage hand\nbob: /stage hand\nalice: /stage hand\n"
        "carol: /stage hand down bob\nhost: /stage hand down bob\nalice: /stage hand down"
    )
    assert played.errors() == ["no_change", "not_moderator"]
    assert played.last("hand.lowered", "bob") == {"to": "bob", "event": "hand.lowered", "user": "bob", "by": "host"}
    assert (await stage.status("host"))["hands"] == []


async def test_J10_joining_lowers_the_hand(stage: Stage) -> None:
    await stage.play("host: /stage start open\nalice: /stage hand\nalice: /stage join")
    assert (await stage.status())["hands"] == []


async def test_J11_moderators_join_directly_in_invite_mode(stage: Stage) -> None:
    played = await stage.play("host: /stage start invite\nhost: /stage join")
    assert played.last("stage.joined", "host")["user"] == "host"


async def test_C1_capacity_below_the_stage_is_refused_with_the_count(stage: Stage) -> None:
    played = await stage.play("host: /stage start open\nalice: /stage join\nbob: /stage join\nadmin: /stage capacity 1")
    assert played.last("error", "admin")["code"] == "bad_argument"
    assert "2" in played.last("error", "admin")["message"]
    assert (await stage.status())["capacity"] == 100


async def test_C2_the_most_recent_joiners_are_on_camera(stage: Stage) -> None:
    await stage.play("admin: /stage cameras 2\nhost: /stage start open\na: /stage join\nb: /stage join\nc: /stage join")
    status = await stage.status()
    assert (status["on_stage"], status["on_camera"], status["count"]) == (["a", "b", "c"], ["b", "c"], 3)


async def test_C3_full_stage_moves_the_least_recently_active_speaker(stage: Stage) -> None:
    played = await stage.play(
        "admin: /stage capacity 2\nhost: /stage start open\na: /stage join\nb: /stage join\na: (speaks)\nc: /stage join"
    )
    assert [(o["event"], o["to"], o["user"]) for o in played.json[-4:]] == [
        ("stage.left", "b", "b"),
        ("stage.left", "moderators", "b"),
        ("stage.joined", "c", "c"),
        ("stage.joined", "moderators", "c"),
    ]
    assert played.last("stage.left", "b") == {
        "to": "b",
        "event": "stage.left",
        "user": "b",
        "reason": "evicted",
        "by": "c",
    }
    assert played.last("stage.joined", "c")["evicted"] == "b"
    assert (await stage.status())["on_stage"] == ["a", "c"]


async def test_C3_a_stage_of_moderators_is_full(stage_factory: StageFactory) -> None:
    stage = await stage_factory(moderators=("host", "mia"))
    played = await stage.play(
        "admin: /stage capacity 2\nhost: /stage start open\nhost: /stage join\nmia: /stage join\nalice: /stage join"
    )
    assert played.errors("alice") == ["stage_full"]


async def test_L1_moderator_removes_and_the_person_is_a_viewer(stage: Stage) -> None:
    played = await stage.play(
        "host: /stage start open\nalice: /stage join\nbob: /stage remove alice\n"
        "host: /stage remove alice\nhost: /stage remove alice"
    )
    assert played.errors() == ["not_moderator", "not_on_stage"]
    assert played.last("stage.left", "alice")["reason"] == "removed"
    assert any("You are now a viewer" in line for line in played.text)


async def test_L2_leaving_the_room_cancels_and_arriving_brings_back(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask\nalice: (leaves)\nhost: /stage invite alice")
    assert played.last("request.cancelled", "alice")["reason"] == "left_room"
    assert played.errors("host") == ["unknown_user"]
    played = await stage.play("alice: (arrives)\nhost: /stage invite alice")
    assert played.last("invitation.sent", "alice")["by"] == "host"


async def test_L3_end_closes_everything_before_session_ended(stage: Stage) -> None:
    played = await stage.play(
        LIVE_REQUEST + "a: /stage ask\nhost: /stage invite b\nhost: /stage join\nc: /stage hand\nhost: /stage end"
    )
    ending = [
        (o["event"], o["to"])
        for o in played.json
        if o["event"] in ("stage.left", "request.cancelled", "invitation.cancelled", "hand.lowered", "session.ended")
    ]
    assert ending[-1] == ("session.ended", "room")
    assert {e for e, _ in ending} == {
        "stage.left",
        "request.cancelled",
        "invitation.cancelled",
        "hand.lowered",
        "session.ended",
    }
    status = await stage.status()
    assert (status["live"], status["on_stage"], status["requests"], status["hands"]) == (False, [], [], [])


async def test_A1_participants_cannot_run_the_session(stage: Stage) -> None:
    played = await stage.play(
        "alice: /stage start\n" + LIVE_REQUEST + "bob: /stage ask\nalice: /stage approve bob\n"
        "alice: /stage mode open\nalice: /stage end\nalice: /stage invite bob"
    )
    assert played.errors("alice") == ["not_moderator"] * 5


async def test_A2_only_admins_change_channel_defaults(stage: Stage) -> None:
    played = await stage.play("host: /stage capacity 5\nhost: /stage default event\nhost: /stage moderators add bob")
    assert played.errors("host") == ["not_admin"] * 3


async def test_A2_the_database_moderator_list_adds_to_platform_roles(stage: Stage) -> None:
    played = await stage.play("bob: /stage start\nadmin: /stage moderators add @bob\nbob: /stage start")
    assert played.errors("bob") == ["not_moderator"]
    assert played.last("settings.changed", "admin")["value"] == ["bob"]
    assert played.last("session.started")["by"] == "bob"
    played = await stage.play("admin: /stage moderators remove bob\nbob: /stage end")
    assert played.errors("bob") == ["not_moderator"]


async def test_A5_permission_is_checked_before_the_session_and_the_arguments(stage: Stage) -> None:
    played = await stage.play("alice: /stage mode sideways\nhost: /stage mode sideways\nalice: /stage capacity lots")
    assert played.errors() == ["not_moderator", "no_session", "not_admin"]


async def test_A5_repeating_what_is_already_so_is_no_change(stage: Stage) -> None:
    played = await stage.play(LIVE_REQUEST + "host: /stage mode request\nalice: /stage hand down")
    assert played.errors() == ["no_change", "no_change"]


async def test_settings_changes_are_told_to_the_admin_only(stage: Stage) -> None:
    played = await stage.play(
        "admin: /stage capacity 50\nadmin: /stage cameras 10\nadmin: /stage cooldown 5\nadmin: /stage expiry 120"
    )
    assert [(o["to"], o["setting"], o["value"]) for o in played.json] == [
        ("admin", "capacity", 50),
        ("admin", "cameras", 10),
        ("admin", "cooldown", 5),
        ("admin", "expiry", 120),
    ]
    assert (await stage.status())["capacity"] == 50


async def test_X1_the_second_moderator_is_told_who_already_answered(stage_factory: StageFactory) -> None:
    stage = await stage_factory(moderators=("host", "mia"))
    played = await stage.play(LIVE_REQUEST + "alice: /stage ask\nhost: /stage approve alice\nmia: /stage decline alice")
    error = played.last("error", "mia")
    assert error["code"] == "no_request" and "host" in error["message"]
    assert (await stage.status())["invitations"] == ["alice"]


async def test_L2_leaving_takes_people_off_stage_and_withdraws_invitations(stage: Stage) -> None:
    played = await stage.play(
        "host: /stage start open\nalice: /stage join\nhost: /stage invite bob\n"
        "bob: /stage hand\nalice: (leaves)\nbob: (leaves)"
    )
    assert played.last("stage.left", "alice") == {
        "to": "alice",
        "event": "stage.left",
        "user": "alice",
        "reason": "left_room",
        "by": None,
    }
    assert played.last("invitation.cancelled", "moderators") == {
        "to": "moderators",
        "event": "invitation.cancelled",
        "user": "bob",
        "reason": "left_room",
        "by": None,
    }
    status = await stage.status()
    assert (status["on_stage"], status["invitations"]) == ([], [])


async def test_A4_the_app_itself_is_not_a_target(stage: Stage) -> None:
    """A4: inviting or bringing up the app itself is refused, and it never enters the room."""
    played = await stage.play("host: /stage start\nhost: /stage invite stagedoor\nhost: /stage approve @stagedoor")
    assert played.errors("host") == ["not_allowed_target", "not_allowed_target"]
    status = await stage.status("host")
    assert status["invitations"] == [] and status["on_stage"] == []
