"""Every rulebook flow on a Discord stage channel, driven through discord.py by simcord."""

from __future__ import annotations

from tests.discord.world import World, click, pick, said, slash


async def start(world: World, mode: str = "request", *people: str) -> None:
    for name in ("mo", *people):
        await world.connect(name)
    await slash(world, "mo", "start", mode=mode)


def field(world: World, name: str, channel=None) -> str:
    embed = world.panel(channel).embeds[0]
    return next(f.value for f in embed.fields if f.name == name)


async def test_J12_start_opens_the_stage_and_posts_one_panel(world: World) -> None:
    await world.connect("mo")
    answer = await slash(world, "mo", "start", mode="request")
    assert "The stage is in **Join by request** mode" in said(answer)
    assert world.stage.id in world.env.backend.stage_instances
    assert "on stage: 0 / 100" in world.panel().embeds[0].description
    again = await slash(world, "mo", "start")
    assert "already live" in said(again)
    assert len(world.panels()) == 1


async def test_J2_J4_ask_then_bring_to_stage_then_accept_discords_invitation(world: World) -> None:
    await start(world, "request", "alex")
    asked = await click(world, "alex", "Ask to join stage")
    assert "number 1 in line" in said(asked)
    assert f"{world.mention('alex')} wants to join the stage (number 1 in line)." in world.chat()[-1]
    assert world.mention("alex") in field(world, "Requests")
    brought = await click(world, "mo", "Bring 1. alex")
    assert f"Invitation sent to {world.mention('alex')}" in said(brought)
    assert "You have been invited to join the stage" in world.dms("alex")[-1].content
    assert world.people["alex"].id in world.speak_invitations  # Discord's own "invited to speak" prompt
    assert not world.speaking("alex")
    await world.accept_speak("alex")
    assert world.speaking("alex")
    status = await world.status()
    assert status.on_stage == [world.id("alex")]
    assert world.mention("alex") in field(world, "On camera")


async def test_J3_cancel_request_before_an_answer(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    cancelled = await click(world, "alex", "Cancel request")
    assert "You cancelled your request to join the stage." in said(cancelled)
    assert (await world.status()).requests == []
    again = await click(world, "alex", "Cancel request")
    assert "no pending request" in said(again)


async def test_J5_decline_with_reason_then_ask_again(world: World) -> None:
    await start(world, "request", "alex")
    await slash(world, "alex", "ask", note="a question about pricing")
    declined = await slash(world, "mo", "decline", member=world.people["alex"], reason="we're out of time")
    assert f"{world.mention('mo')} declined {world.mention('alex')}'s request." in said(declined)
    assert "declined your request to join the stage. Reason: \"we're out of time" in world.dms("alex")[-1].content
    again = await click(world, "alex", "Ask to join stage")
    assert "number 1 in line" in said(again)


ACCEPT = "Discord now shows you its invitation to speak"


async def test_J1_open_mode_join_is_discords_accept_prompt_and_counts_once_accepted(world: World) -> None:
    await start(world, "open", "bea")
    joined = await click(world, "bea", "Join stage")
    assert ACCEPT in said(joined) and "accept it to join the stage" in said(joined)
    assert world.row("bea") == "invited"  # Discord's prompt, the get-ready step
    assert (await world.status()).on_stage == []  # not on stage until they accept
    await world.accept_speak("bea")
    assert world.speaking("bea")
    assert (await world.status()).on_stage == [world.id("bea")]


async def test_J1_declining_discords_prompt_after_join_stage_leaves_them_in_the_audience(world: World) -> None:
    await start(world, "open", "bea")
    await click(world, "bea", "Join stage")
    await world.decline_speak("bea")
    assert world.row("bea") == "audience"
    status = await world.status()
    assert status.on_stage == [] and status.invitations == []
    assert not any("declined" in line for line in world.chat())  # their own join, nobody else's invitation
    again = await click(world, "bea", "Join stage")  # and they can try again
    assert ACCEPT in said(again)


async def test_J1_a_join_prompt_left_unanswered_is_withdrawn_after_two_minutes(world: World) -> None:
    await start(world, "open", "bea")
    await click(world, "bea", "Join stage")
    await world.settle(60)
    assert world.row("bea") == "invited"  # still held
    await world.settle(70)  # past JOIN_PROMPT_SECONDS and the next tick of the timers
    assert world.row("bea") == "audience"
    assert (await world.status()).on_stage == []
    assert "you did not accept Discord's invitation to speak in time" in world.dms("bea")[-1].content


async def test_J1_slash_join_on_a_stage_channel_also_waits_for_the_prompt(world: World) -> None:
    await start(world, "open", "bea")
    joined = await slash(world, "bea", "join")
    assert ACCEPT in said(joined)
    assert (await world.status()).on_stage == []
    await world.accept_speak("bea")
    assert (await world.status()).on_stage == [world.id("bea")]


async def test_J1_a_refused_join_is_answered_at_once_without_a_prompt_J6(world: World) -> None:
    await start(world, "open", "bea")
    await slash(world, "mo", "mode", mode="invite")
    refused = said(await click(world, "bea", "Join stage"))
    assert "Invite only" in refused and ACCEPT not in refused
    assert world.row("bea") == "audience"
    assert world.people["bea"].id not in world.speak_invitations


async def test_J1_a_prompt_accepted_after_a_switch_to_invite_only_is_undone_and_explained(world: World) -> None:
    await start(world, "open", "bea")
    await click(world, "bea", "Join stage")
    await slash(world, "mo", "mode", mode="invite")
    await world.accept_speak("bea")
    assert not world.speaking("bea")
    assert (await world.status()).on_stage == []
    assert "Invite only" in world.dms("bea")[-1].content


async def test_J6_invite_only_refuses_join_and_ask_and_suggests_a_hand(world: World) -> None:
    await start(world, "invite", "bea")
    join = said(await click(world, "bea", "Join stage"))
    ask = said(await click(world, "bea", "Ask to join stage"))
    for answer in (join, ask):
        assert "Invite only" in answer and "/stage hand" in answer
    assert (await world.status()).requests == []
    assert not world.speaking("bea")
    assert world.people["bea"].id not in world.speak_invitations  # refused at once: no prompt


async def test_J7_invite_from_the_panel_and_accept(world: World) -> None:
    await start(world, "invite", "bea")
    sent = await pick(world, "mo", "invite", "bea")
    assert f"Invitation sent to {world.mention('bea')}" in said(sent)
    assert "invited to join the stage" in world.dms("bea")[-1].content
    await world.accept_speak("bea")
    assert (await world.status()).on_stage == [world.id("bea")]


async def test_J7_invitation_for_someone_not_connected_waits_until_they_connect(world: World) -> None:
    await start(world, "invite")
    await slash(world, "mo", "invite", member=world.people["dee"])
    assert f"<#{world.stage.id}>" in world.dms("dee")[-1].content
    assert world.people["dee"].id not in world.speak_invitations
    await world.connect("dee")
    assert world.people["dee"].id in world.speak_invitations
    await world.accept_speak("dee")
    assert (await world.status()).on_stage == [world.id("dee")]


async def test_J7_declining_an_invitation_tells_moderators(world: World) -> None:
    await start(world, "invite", "bea")
    await pick(world, "mo", "invite", "bea")
    declined = await click(world, "bea", "Decline invitation", message=world.dms("bea")[-1])
    assert "You declined the invitation to join the stage." in said(declined)
    assert any(
        f"{world.mention('bea')} declined the invitation." in line for line in world.chat()
    )  # after the moderators' role ping
    assert (await world.status()).invitations == []
    assert world.people["bea"].id not in world.speak_invitations  # Discord's prompt is withdrawn
    assert not world.speaking("bea")


async def test_J8_unanswered_invitation_expires_and_both_sides_are_told(world: World) -> None:
    await world.connect("ada")
    await start(world, "invite", "bea")
    await slash(world, "ada", "expiry", seconds=60)
    await slash(world, "mo", "invite", member=world.people["bea"])
    await world.settle(70)
    assert (await world.status()).invitations == []
    assert "Your invitation to join the stage expired." in world.dms("bea")[-1].content
    assert any(
        f"{world.mention('bea')}'s invitation expired unanswered." in line for line in world.chat()
    )  # after the moderators' role ping
    assert not world.speaking("bea")


async def test_J10_hands_in_order_and_a_moderator_lowers_one(world: World) -> None:
    await start(world, "invite", "alex", "bea")
    await click(world, "bea", "Raise hand")
    await click(world, "alex", "Raise hand")
    assert field(world, "Hands").splitlines() == [f"1. {world.mention('bea')}", f"2. {world.mention('alex')}"]
    again = await click(world, "bea", "Raise hand")
    assert "already raised" in said(again)
    await slash(world, "mo", "hand", action="lower", member=world.people["bea"])
    assert (await world.status()).hands == [world.id("alex")]
    assert f"{world.mention('mo')} lowered your hand." in world.dms("bea")[-1].content
    lowered = await click(world, "alex", "Lower hand")
    assert "Your hand is lowered." in said(lowered)


async def test_J11_moderators_join_directly_in_every_mode(world: World) -> None:
    await start(world, "invite")
    joined = await slash(world, "mo", "join")
    assert ACCEPT in said(joined)
    await world.accept_speak("mo")
    assert world.speaking("mo")
    assert (await world.status()).on_stage == [world.id("mo")]


async def test_L1_remove_from_stage_suppresses_and_tells_them(world: World) -> None:
    await start(world, "open", "alex")
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    removed = await pick(world, "mo", "remove", "alex")
    assert f"{world.mention('alex')} is now a viewer: {world.mention('mo')} removed them from the stage." in said(
        removed
    )
    assert not world.speaking("alex")
    assert "You are now a viewer:" in world.dms("alex")[-1].content


async def test_L2_leaving_the_channel_cancels_a_request(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    await world.disconnect("alex")
    assert (await world.status()).requests == []
    assert field(world, "Requests") == "—"


async def test_L3_ending_returns_everyone_to_the_audience_and_closes_the_stage(world: World) -> None:
    await start(world, "open", "alex", "bea")
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    await click(world, "bea", "Raise hand")
    ended = await slash(world, "mo", "end")
    assert "ended the session. Everyone is back in the audience." in said(ended)
    assert not world.speaking("alex")
    assert world.stage.id not in world.env.backend.stage_instances
    status = await world.status()
    assert not status.live and status.on_stage == [] and status.hands == []
    assert "No session is live" in world.panel().embeds[0].description
    assert world.panel().components == []


async def test_M3_M4_leaving_request_mode_turns_requests_into_hands(world: World) -> None:
    await start(world, "request", "alex", "bea")
    await click(world, "alex", "Ask to join stage")
    await click(world, "bea", "Ask to join stage")
    changed = await slash(world, "mo", "mode", mode="invite")
    assert "changed the stage to **Invite only** mode" in said(changed)
    assert f"{world.mention('mo')} changed the stage to **Invite only** mode." in world.chat()
    status = await world.status()
    assert status.requests == [] and status.hands == [world.id("alex"), world.id("bea")]
    assert any("you keep your place as a raised hand" in m.content for m in world.dms("alex"))


async def test_C1_C3_a_full_stage_moves_the_least_recently_active_to_the_audience(world: World) -> None:
    await world.connect("ada")
    await start(world, "open", "alex", "bea", "cy")
    await slash(world, "ada", "capacity", people=2)
    for name in ("alex", "bea"):
        await click(world, name, "Join stage")
        await world.accept_speak(name)
    await world.settle(10)
    await world.unmute_self("alex")  # C4: un-muting is activity
    await click(world, "cy", "Join stage")
    assert (await world.status()).on_stage == [world.id("alex"), world.id("bea")]  # until cy accepts
    await world.accept_speak("cy")
    assert not world.speaking("bea")
    assert "you made room for" in world.dms("bea")[-1].content
    assert (await world.status()).on_stage == [world.id("alex"), world.id("cy")]


async def test_C2_camera_slots_list_the_rest_as_audio_only(world: World) -> None:
    await world.connect("ada")
    await start(world, "open", "alex", "bea")
    await slash(world, "ada", "cameras", slots=1)
    for name in ("alex", "bea"):
        await click(world, name, "Join stage")
        await world.accept_speak(name)
    assert field(world, "On camera") == world.mention("bea")
    assert field(world, "Audio only") == world.mention("alex")


async def test_X1_two_moderators_answer_the_same_request(world: World) -> None:
    await start(world, "request", "ada", "alex")
    await click(world, "alex", "Ask to join stage")
    panel = world.panel()
    # Both click before the panel changes.
    first = await world.people["mo"].click(panel, label="Bring 1. alex")
    second = await world.people["ada"].click(panel, label="Bring 1. alex")
    await world.settle()
    assert "Invitation sent" in said(first)
    assert f"{world.mention('mo')} already brought {world.mention('alex')} to the stage" in said(second)
    assert (await world.status()).invitations == [world.id("alex")]


async def test_a_stage_instance_started_in_discord_starts_and_ends_the_session(world: World) -> None:
    world.env.backend.create_stage_instance(world.stage.id, "Town hall")
    await world.settle()
    assert (await world.status()).live
    assert "started a session. The stage is in **Join by request** mode." in world.chat()[-1]
    world.env.backend.delete_stage_instance(world.stage.id)
    await world.settle()
    assert not (await world.status()).live


async def test_M4_going_from_request_to_open_tells_requesters_they_can_join(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    await slash(world, "mo", "mode", mode="open")
    told = world.dms("alex")[-1]
    assert "you can now join directly" in told.content
    assert ACCEPT in said(await click(world, "alex", "Join stage", told))  # the DM's own button
    await world.accept_speak("alex")
    assert (await world.status()).on_stage == [world.id("alex")]


async def test_C4_turning_the_camera_on_counts_as_activity(world: World) -> None:
    await world.connect("ada")
    await start(world, "open", "alex", "bea", "cy")
    await slash(world, "ada", "capacity", people=2)
    for name in ("alex", "bea"):
        await click(world, name, "Join stage")
        await world.accept_speak(name)
    await world.settle(10)
    await world.camera("alex")
    await click(world, "cy", "Join stage")
    await world.accept_speak("cy")
    assert (await world.status()).on_stage == [world.id("alex"), world.id("cy")]


async def test_X2_a_repeated_click_changes_nothing_the_second_time(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    again = await click(world, "alex", "Ask to join stage")
    assert "already pending (position 1)" in said(again)
    assert sum("wants to join the stage" in line for line in world.chat()) == 1
    await click(world, "mo", "Bring 1. alex", world.panel())
    assert sum("invited to join the stage" in m.content for m in world.dms("alex")) == 1


async def test_joining_needs_a_connection_to_the_channel(world: World) -> None:
    await start(world, "open")
    answer = await click(world, "alex", "Join stage")
    assert f"Connect to <#{world.stage.id}> first" in said(answer)
    assert (await world.status()).on_stage == []


async def test_J5_declining_from_the_panel_asks_for_an_optional_reason(world: World) -> None:
    await start(world, "request", "alex", "bea")
    await click(world, "alex", "Ask to join stage")
    await click(world, "bea", "Ask to join stage")
    shown = await world.people["mo"].click(world.panel(), label="Decline 1. alex")
    assert shown.modal is not None and shown.modal["title"] == "Decline a request"
    done = await world.people["mo"].submit_modal(shown, {"reason": "only two questions today"})
    await world.settle()
    assert (
        f'{world.mention("mo")} declined {world.mention("alex")}\'s request. Reason: "only two questions today"'
        in said(done)
    )
    assert 'Reason: "only two questions today"' in world.dms("alex")[-1].content
    shown = await world.people["mo"].click(world.panel(), label="Decline 1. bea")
    await world.people["mo"].submit_modal(shown, {})
    await world.settle()
    assert (await world.status()).requests == []
    assert (
        "declined your request to join the stage." in world.dms("bea")[-1].content
        and "Reason" not in world.dms("bea")[-1].content
    )
