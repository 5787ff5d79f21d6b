"""The four stage voice-state rows both ways, Discord's own controls as moderators' actions, and what the bot
remembers across a restart, against the simulated Discord of tests/discord/world.py."""

from __future__ import annotations

from adapters.discord.memory import PLATFORM, SERVER_WIDE
from core import events as ev
from core.room import RoomKey
from tests.discord.world import World, bot_for, click, pick, said, slash


async def start(world: World, mode: str, *people: str, channel=None) -> None:
    for name in ("mo", *people):
        await world.connect(name, channel or world.stage)
    await slash(world, "mo", "start", channel=channel or world.stage, mode=mode)


async def history(world: World, channel=None) -> list[ev.Event]:
    from adapters.discord.runtime import room_key

    key = room_key(world.guild.id, (channel or world.stage).id)
    return [item.event for item in await world.app.store.history(key)]


async def test_J7_an_invitation_is_discords_prompt_and_the_roster_says_invited_not_on_stage(world: World) -> None:
    await start(world, "invite", "bea")
    await pick(world, "mo", "invite", "bea")
    assert world.row("bea") == "invited"  # suppress false + a timestamp: Discord's prompt
    status = await world.status()
    assert status.invitations == [world.id("bea")] and status.on_stage == []
    await world.accept_speak("bea")  # invited -> speaker: the timestamp is cleared
    assert world.row("bea") == "speaker"
    assert (await world.status()).on_stage == [world.id("bea")]


async def test_J7_decline_invitation_from_the_dm_withdraws_discords_prompt(world: World) -> None:
    await start(world, "invite", "bea")
    await pick(world, "mo", "invite", "bea")
    declined = await click(world, "bea", "Decline invitation", world.dms("bea")[-1])
    assert "You declined the invitation to join the stage." in said(declined)
    assert world.row("bea") == "audience"  # re-suppressed by the bot, so the prompt is gone


async def test_J7_declining_discords_own_prompt_is_a_declined_invitation_and_moderators_are_told(
    world: World,
) -> None:
    await start(world, "invite", "bea")
    await slash(world, "mo", "invite", member=world.people["bea"])
    await world.decline_speak("bea")  # invited -> audience, by bea herself
    assert world.row("bea") == "audience"
    assert (await world.status()).invitations == []
    assert any(
        f"{world.mention('bea')} declined the invitation." in line for line in world.chat()
    )  # after the moderators' role ping
    assert any(isinstance(e, ev.InvitationDeclined) for e in await history(world))
    assert not any(isinstance(e, ev.StageLeft) for e in await history(world))


async def test_J8_an_unanswered_invitation_expires_by_suppressing_again(world: World) -> None:
    await world.connect("ada")
    await start(world, "invite", "bea")
    await slash(world, "ada", "expiry", seconds=30)
    await slash(world, "mo", "invite", member=world.people["bea"])
    assert world.row("bea") == "invited"
    await world.settle(40)
    assert world.row("bea") == "audience"
    assert (await world.status()).invitations == []
    assert "Your invitation to join the stage expired." in world.dms("bea")[-1].content


async def test_J2_J10_raising_and_lowering_discords_hand_both_ways(world: World) -> None:
    await start(world, "request", "alex")
    await world.raise_hand("alex")  # audience -> hand
    assert world.row("alex") == "hand"
    assert [item["user"] for item in (await world.status()).requests] == [world.id("alex")]
    await world.lower_hand("alex")  # hand -> audience
    assert (await world.status()).requests == []


async def test_J11_a_moderator_becoming_a_speaker_and_back_to_the_audience(world: World) -> None:
    await start(world, "invite")
    await world.become_speaker("mo")  # audience -> speaker directly (Mute Members)
    assert (await world.status()).on_stage == [world.id("mo")]
    await world.move_to_audience("mo", "mo")  # speaker -> audience
    assert (await world.status()).on_stage == []


async def test_J4_a_moderators_native_invite_to_speak_on_a_requester_is_their_approval(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    await world.invite_to_speak("mo", "alex")
    assert world.row("alex") == "invited"  # never undone
    status = await world.status()
    assert status.invitations == [world.id("alex")] and status.requests == []
    approved = [e for e in await history(world) if isinstance(e, ev.RequestApproved)]
    assert [(e.user, e.by) for e in approved] == [(world.id("alex"), world.id("mo"))]
    await world.accept_speak("alex")
    assert (await world.status()).on_stage == [world.id("alex")]


async def test_J7_J10_a_moderators_native_invite_on_a_raised_hand_invites_and_lowers_it(world: World) -> None:
    await start(world, "invite", "alex")
    await world.raise_hand("alex")
    assert (await world.status()).hands == [world.id("alex")]
    await world.invite_to_speak("mo", "alex")  # hand -> invited
    assert world.row("alex") == "invited"
    status = await world.status()
    assert status.invitations == [world.id("alex")] and status.hands == []
    sent = [e for e in await history(world) if isinstance(e, ev.InvitationSent)]
    assert [(e.user, e.by) for e in sent] == [(world.id("alex"), world.id("mo"))]


async def test_J7_a_moderators_native_invite_in_request_mode_is_kept(world: World) -> None:
    await start(world, "request", "alex")
    await world.invite_to_speak("mo", "alex")  # no request, no hand: an invitation by mo
    assert world.row("alex") == "invited"
    assert (await world.status()).invitations == [world.id("alex")]
    assert "invited to join the stage" in world.dms("alex")[-1].content


async def test_L1_a_moderators_native_move_to_audience_is_their_removal(world: World) -> None:
    await start(world, "open", "alex")
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    await world.move_to_audience("mo", "alex")  # speaker -> audience
    assert world.row("alex") == "audience"
    left = [e for e in await history(world) if isinstance(e, ev.StageLeft)]
    assert [(e.user, e.reason, e.by) for e in left] == [(world.id("alex"), "removed", world.id("mo"))]


async def test_J4_a_moderators_server_unmute_on_a_requester_is_their_approval(world: World) -> None:
    await start(world, "request", "alex", channel=world.voice)
    await click(world, "alex", "Ask to join stage", world.panel(world.voice))
    await world.server_mute("mo", "alex", on=False)
    assert world.speaking("alex")  # never undone
    assert (await world.status(world.voice)).on_stage == [world.id("alex")]
    approved = [e for e in await history(world, world.voice) if isinstance(e, ev.RequestApproved)]
    assert [(e.user, e.by) for e in approved] == [(world.id("alex"), world.id("mo"))]


async def test_L1_a_moderators_server_mute_is_their_removal_and_stays_after_the_session(world: World) -> None:
    await start(world, "open", "alex", channel=world.voice)
    await slash(world, "alex", "join", channel=world.voice)
    await world.server_mute("mo", "alex")
    left = [e for e in await history(world, world.voice) if isinstance(e, ev.StageLeft)]
    assert [(e.reason, e.by) for e in left] == [("removed", world.id("mo"))]
    await slash(world, "mo", "end", channel=world.voice)
    assert world.muted("alex") and not world.muted("mo")  # the bot lifts only the mutes it applied


async def test_a_server_mute_from_before_the_session_is_not_lifted_when_it_ends(world: World) -> None:
    await world.connect("alex", world.voice)
    await world.connect("mo", world.voice)
    await world.server_mute("mo", "alex")  # a moderator's own mute, no session yet
    await slash(world, "mo", "start", channel=world.voice, mode="request")
    await world.connect("bea", world.voice)
    assert world.muted("bea")
    await slash(world, "mo", "end", channel=world.voice)
    assert world.muted("alex")
    assert not world.muted("bea") and not world.muted("mo")


async def test_X4_a_restart_mid_invitation_still_knows_the_invitation_was_the_bots(world: World) -> None:
    await start(world, "invite", "bea", "cy")
    await slash(world, "mo", "invite", member=world.people["bea"])
    await slash(world, "mo", "invite", member=world.people["cy"])
    rows = await world.app.store.load_adapter_state(PLATFORM)
    remembered = rows[RoomKey(PLATFORM, str(world.guild.id), SERVER_WIDE)]["unsuppressed"]
    assert remembered == {str(world.stage.id): sorted([world.id("bea"), world.id("cy")])}
    world.declines_unseen("cy")  # while the bot is away
    await world.env.restart_bot(bot_for(world.app))
    await world.settle()
    assert (await world.status()).invitations == [world.id("bea")]
    assert any(
        f"{world.mention('cy')} declined the invitation." in line for line in world.chat()
    )  # after the moderators' role ping
    await world.accept_speak("bea")
    assert (await world.status()).on_stage == [world.id("bea")]


async def test_J1_a_restart_keeps_a_self_joins_prompt_and_knows_one_declined_meanwhile(world: World) -> None:
    await start(world, "open", "bea", "cy")
    await click(world, "bea", "Join stage")
    await click(world, "cy", "Join stage")
    world.declines_unseen("cy")  # while the bot is away
    await world.env.restart_bot(bot_for(world.app))
    await world.settle()
    assert world.row("bea") == "invited"  # still Discord's prompt, not taken back at the restart
    assert world.row("cy") == "audience"
    status = await world.status()
    assert status.on_stage == [] and status.invitations == []
    assert not any("declined" in line for line in world.chat())  # their own join, not an invitation
    await world.accept_speak("bea")
    assert (await world.status()).on_stage == [world.id("bea")]


async def test_a_stage_instance_discord_closes_for_want_of_speakers_ends_the_session(world: World) -> None:
    await start(world, "request", "alex")
    assert world.stage.id in world.env.backend.stage_instances
    await world.settle(400)  # nobody speaks: Discord deletes the Stage instance after minutes
    assert world.stage.id not in world.env.backend.stage_instances
    assert not (await world.status()).live


async def test_C5_a_speaker_with_a_live_mic_stays_active_until_it_goes_off(world: World) -> None:
    await world.connect("ada")
    await start(world, "open", "alex", "bea", "cy")
    await slash(world, "ada", "capacity", people=2)
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    await world.mute_self("alex", on=False)  # alex's mic goes on, and stays on
    await world.settle(5)
    await click(world, "bea", "Join stage")
    await world.accept_speak("bea")  # joined later, mic muted
    await world.settle(10)
    await click(world, "cy", "Join stage")
    await world.accept_speak("cy")  # J1: the join, and the room it needs, come with the accept
    assert "you made room for" in world.dms("bea")[-1].content
    assert (await world.status()).on_stage == [world.id("alex"), world.id("cy")]
