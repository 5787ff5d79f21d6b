"""When Discord refuses (X4): missing permissions, rate limits, closed DMs, restarts."""

from __future__ import annotations

import discord

from tests.discord.world import World, bot_for, click, pick, said, slash


async def start(world: World, mode: str, *people: str) -> None:
    for name in ("mo", *people):
        await world.connect(name)
    await slash(world, "mo", "start", mode=mode)


def take_from_bot(world: World, permission: str) -> None:
    """Take a permission away from the bot's role, as a server admin would."""
    guild = world.env.backend.get_guild(world.guild.id)
    me = guild.members[world.env.backend.bot_user.id]
    for role_id in me.role_ids:
        role = guild.roles[role_id]
        role.permissions &= ~getattr(discord.Permissions, permission).flag


def panel_edits(world: World) -> list[object]:
    panel_path = f"/channels/{world.stage.id}/messages/{world.panel().id}"
    return [r for r in world.env.http_requests if r.method == "PATCH" and r.path == panel_path]


async def test_X4_missing_permission_tells_moderators_and_the_roster_does_not_lie(world: World) -> None:
    await start(world, "open", "alex")
    take_from_bot(world, "mute_members")
    joined = await click(world, "alex", "Join stage")
    assert "Discord now shows you its invitation to speak" in said(joined)  # the rules said yes ...
    await world.settle()
    # ... Discord said no (50013), so there is no prompt, and moderators are told why and what to do.
    assert (await world.status()).on_stage == []
    assert world.people["alex"].id not in world.speak_invitations
    notice = world.chat()[-1]
    assert "Moderators: I couldn't send Discord's invitation to speak to" in notice
    assert world.mention("alex") in notice
    assert "missing the **Mute Members** permission" in notice and "stay in the audience" in notice
    assert world.mention("alex") not in next(f.value for f in world.panel().embeds[0].fields if f.name == "On camera")
    assert "Discord did not let me bring you on stage" in world.dms("alex")[-1].content


async def test_X4_a_removal_discord_refuses_is_flagged_on_the_panel_until_it_holds(world: World) -> None:
    await start(world, "open", "alex")
    await click(world, "alex", "Join stage")
    await world.accept_speak("alex")
    take_from_bot(world, "mute_members")
    await pick(world, "mo", "remove", "alex")
    assert world.speaking("alex")
    warnings = next(f.value for f in world.panel().embeds[0].fields if f.name.endswith("Not yet matching Discord"))
    assert f"{world.mention('alex')} still speaks in Discord" in warnings
    assert "couldn't move to the audience" in world.chat()[-1]
    await world.moderator_sets("alex", suppress=True)  # a moderator does it by hand
    await world.settle()
    assert not any(f.name.endswith("Not yet matching Discord") for f in world.panel().embeds[0].fields)


async def test_X4_a_voice_change_still_rate_limited_after_discordpys_retries_is_reported_once(world: World) -> None:
    await start(world, "open", "alex")
    world.env.inject_error(
        "PATCH", "/guilds/*/voice-states/*", status=429, message="You are being rate limited.", times=1
    )
    await click(world, "alex", "Join stage")
    await world.settle(10)
    tries = [r for r in world.env.http_requests if r.path.endswith(f"/voice-states/{world.people['alex'].id}")]
    assert len(tries) == 1  # discord.py's HTTP client is the one retry layer; the adapter adds none
    assert "Discord kept answering 429" in world.chat()[-1]
    assert (await world.status()).on_stage == []  # the roster does not say "on stage" when Discord said no


async def test_429s_on_panel_edits_back_off_and_a_burst_is_one_edit(world: World) -> None:
    await start(world, "request", "alex", "bea", "cy", "dee")
    before = len(panel_edits(world))
    world.env.inject_error(
        "PATCH", "/channels/*/messages/*", status=429, message="You are being rate limited.", times=2
    )
    for name in ("alex", "bea", "cy", "dee"):  # four changes within one beat of the panel
        await world.people[name].click(world.panel(), label="Ask to join stage")
    await world.settle(10)
    edits = panel_edits(world)[before:]
    assert len(edits) == 3  # two refused, then one edit with all four requests
    requests = next(f.value for f in world.panel().embeds[0].fields if f.name == "Requests")
    assert len(requests.splitlines()) == 4
    assert len(world.panels()) == 1  # edited, never re-posted


async def test_a_deleted_panel_is_posted_again(world: World) -> None:
    await start(world, "request", "alex")
    old = world.panel()
    world.env.backend.delete_message(world.stage.id, old.id)
    await slash(world, "alex", "ask")
    assert world.panel().id != old.id


async def test_closed_dms_fall_back_to_a_mention_in_the_channel(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    dm = world.user("alex").dm_channel
    world.env.inject_error(
        "POST",
        f"/channels/{dm.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    await click(world, "mo", "Bring 1. alex")
    fallback = world.stage.history()[-1]
    assert fallback.content.startswith(world.mention("alex")) and "invited to join the stage" in fallback.content
    joined = await click(world, "alex", "Join stage", fallback)
    assert "You are on stage" in said(joined)


async def test_A3_someone_else_clicking_an_invitation_fallback_changes_nothing(world: World) -> None:
    await start(world, "request", "alex", "bea")
    await click(world, "alex", "Ask to join stage")
    dm = world.user("alex").dm_channel
    world.env.inject_error(
        "POST",
        f"/channels/{dm.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    await click(world, "mo", "Bring 1. alex")
    taken = await click(world, "bea", "Join stage", world.stage.history()[-1])
    assert "Join by request" in said(taken)
    assert (await world.status()).on_stage == []


async def test_buttons_keep_working_after_a_restart_and_the_panel_is_edited_not_repeated(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    panel = world.panel()
    await world.env.restart_bot(bot_for(world.app))
    await world.settle()
    brought = await click(world, "mo", "Bring 1. alex", panel)
    assert "Invitation sent" in said(brought)
    await world.accept_speak("alex")
    assert (await world.status()).on_stage == [world.id("alex")]
    assert [p.id for p in world.panels()] == [panel.id]


async def test_a_restart_catches_up_with_people_who_left_meanwhile(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    # alex leaves while the bot is away: no gateway event reaches it.
    backend = world.env.backend
    backend.commit_voice_state(
        backend.prepare_voice_state(world.guild.id, world.people["alex"].id, None), broadcast=False
    )
    await world.env.restart_bot(bot_for(world.app))
    await world.settle()
    assert (await world.status()).requests == []


async def test_A3_a_participant_clicking_a_moderators_button_changes_nothing(world: World) -> None:
    await start(world, "request", "alex", "bea")
    await click(world, "alex", "Ask to join stage")
    refused = await click(world, "bea", "Bring 1. alex")
    assert "Only moderators can bring people to the stage" in said(refused)
    picked = await pick(world, "bea", "remove", "alex")
    assert "Only moderators" in said(picked)
    status = await world.status()
    assert [item["user"] for item in status.requests] == [world.id("alex")] and status.invitations == []


async def test_A3_roles_are_read_at_the_click_not_from_the_button(world: World) -> None:
    await start(world, "request", "alex")
    await click(world, "alex", "Ask to join stage")
    guild = world.env.backend.get_guild(world.guild.id)
    guild.members[world.people["mo"].id].role_ids = []  # the Stage Team role is taken away
    refused = await click(world, "mo", "Bring 1. alex")
    assert "Only moderators" in said(refused)


async def test_A2_settings_need_an_admin(world: World) -> None:
    await start(world, "request")
    refused = await slash(world, "mo", "capacity", people=5)
    assert "Only admins can change the capacity" in said(refused)
    await world.connect("ada")
    done = await slash(world, "ada", "capacity", people=5)
    assert "The stage now holds up to 5 people" in said(done)


async def test_A4_bots_are_not_participants(world: World) -> None:
    await start(world, "invite")
    helper = world.guild.add_member(world.env.create_user("musicbot", bot=True))
    refused = await world.people["mo"].slash(world.stage, "stage invite", member=str(helper.id))
    assert "is a bot or the app itself" in said(refused)


async def test_X4_an_invitation_discord_refuses_stays_open_and_moderators_know(world: World) -> None:
    await start(world, "invite", "bea")
    take_from_bot(world, "mute_members")
    await pick(world, "mo", "invite", "bea")
    assert "couldn't send Discord's invitation to speak to" in world.chat()[-1]
    assert (await world.status()).invitations == [world.id("bea")]
    declined = await click(world, "bea", "Decline invitation", world.dms("bea")[-1])
    assert "You declined the invitation to join the stage." in said(declined)


async def test_a_stage_the_bot_cannot_open_is_reported_and_the_session_still_runs(world: World) -> None:
    take_from_bot(world, "manage_channels")
    await start(world, "request", "alex")
    assert world.stage.id not in world.env.backend.stage_instances
    assert "couldn't open the Stage" in world.chat()[-1]
    assert "number 1 in line" in said(await click(world, "alex", "Ask to join stage"))


async def test_after_a_restart_the_audience_is_still_unmuted_when_the_session_ends(world: World) -> None:
    for name in ("mo", "alex"):
        await world.connect(name, world.voice)
    await slash(world, "mo", "start", channel=world.voice, mode="request")
    assert not world.speaking("alex")
    await world.env.restart_bot(bot_for(world.app))
    await world.settle()
    await slash(world, "mo", "end", channel=world.voice)
    assert world.speaking("alex") and world.speaking("mo")
