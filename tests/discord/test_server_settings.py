"""Server-wide settings: /stage ... scope:server changes what every stage and voice channel inherits (M2, A2)."""

from __future__ import annotations

from tests.discord.world import World, slash

SETTINGS_COMMANDS = {"default", "capacity", "cameras", "cooldown", "expiry", "moderators"}


async def test_M2_a_server_wide_default_applies_to_a_channel_without_its_own_and_not_to_one_with_it(
    world: World,
) -> None:
    await slash(world, "ada", "default", mode="invite")  # the stage channel's own value
    answer = await slash(world, "ada", "default", mode="event", scope="server")
    assert "Sessions now start in **Everyone on stage** mode in every channel without a default mode" in (
        text := answer.response.content
    )
    assert "every channel without a default mode of its own" in text
    assert answer.ephemeral
    await world.connect("ada")
    await world.connect("mo", world.voice)
    started = await slash(world, "mo", "start", channel=world.voice)
    assert "The stage is in **Everyone on stage** mode" in started.response.content
    assert (await world.status(world.voice)).mode == "open"
    assert "The stage is in **Invite only** mode" in (await slash(world, "ada", "start")).response.content


async def test_M2_a_server_wide_capacity_reaches_the_other_channel(world: World) -> None:
    answer = await slash(world, "ada", "capacity", people=7, scope="server")
    assert (
        "The stage now holds up to 7 people in every channel without a capacity of its own" in answer.response.content
    )
    assert (await world.status(world.voice)).capacity == 7
    assert (await world.status()).capacity == 7


async def test_A2_a_server_moderator_moderates_every_channel(world: World) -> None:
    added = await slash(world, "ada", "moderators", action="add", member=world.people["bea"], scope="server")
    assert f"Moderators of every channel now include {world.mention('bea')}" in added.response.content
    await world.connect("bea", world.voice)
    started = await slash(world, "bea", "start", channel=world.voice, mode="open")
    assert "The stage is in **Everyone on stage** mode" in started.response.content


async def test_A2_a_non_admin_may_not_change_a_server_wide_setting(world: World) -> None:
    refused = await slash(world, "mo", "capacity", people=5, scope="server")
    assert "Only admins can change the capacity" in refused.response.content and refused.ephemeral
    assert (await world.status(world.voice)).capacity == 100
    refused = await slash(world, "alex", "moderators", action="add", member=world.people["alex"], scope="server")
    assert "Only admins" in refused.response.content
    await world.connect("alex", world.voice)
    not_moderator = await slash(world, "alex", "start", channel=world.voice)
    assert "Only moderators" in not_moderator.response.content


async def test_the_settings_commands_register_a_channel_or_server_scope(world: World) -> None:
    bodies = [r.json for r in world.env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert bodies, "no commands were registered"
    stage = next(command for command in bodies[-1] if command["name"] == "stage")
    with_scope = {
        sub["name"]
        for sub in stage["options"]
        for option in sub.get("options", [])
        if option["name"] == "scope" and [choice["value"] for choice in option["choices"]] == ["channel", "server"]
    }
    assert with_scope == SETTINGS_COMMANDS
