"""What the bot asks Discord for, and what it sends staying inside Discord's limits."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import discord
import pytest

from adapters.discord import DiscordParts, invite_url, serve
from adapters.discord.invite import intents, permissions
from adapters.discord.kit import Place
from adapters.discord.roster import panel
from bot.lifecycle import discord_options
from bot.settings import Settings
from core.events import StatusReply
from tests.discord import spec


def test_the_invite_url_asks_for_exactly_the_permissions_the_bot_uses() -> None:
    settings = Settings(_env_file=None, DISCORD_APPLICATION_ID="123456789012345678")  # type: ignore[call-arg]
    query = parse_qs(urlparse(invite_url(settings.discord_application_id)).query)
    assert query["client_id"] == ["123456789012345678"]
    assert set(query["scope"][0].split()) == {"bot", "applications.commands"}
    assert query["permissions"] == ["281474998815760"]
    granted = discord.Permissions(281474998815760)
    assert granted.mute_members and granted.move_members and granted.manage_channels
    assert granted.set_voice_channel_status
    assert not granted.administrator and not granted.manage_guild and not granted.mention_everyone


def test_the_invite_url_explains_a_missing_application_id() -> None:
    with pytest.raises(ValueError, match="DISCORD_APPLICATION_ID"):
        invite_url(Settings(_env_file=None).discord_application_id)  # type: ignore[call-arg]


def test_no_privileged_intent_is_needed() -> None:
    wanted = intents()
    assert wanted.guilds and wanted.voice_states and wanted.guild_messages
    assert not (wanted.members or wanted.presences or wanted.message_content)
    assert permissions().value == 281474998815760


async def test_serving_without_a_token_says_what_to_set(app: DiscordParts) -> None:
    app.options = discord_options(Settings(_env_file=None))  # type: ignore[call-arg]
    with pytest.raises(RuntimeError, match="DISCORD_TOKEN"):
        await serve(app)


def test_a_crowded_panel_stays_inside_discords_limits() -> None:
    people = [str(10**17 + n) for n in range(300)]
    status = StatusReply(
        actor="x",
        live=True,
        mode="request",
        count=100,
        capacity=100,
        on_stage=people[:100],
        on_camera=people[75:100],
        requests=[{"user": u, "position": i} for i, u in enumerate(people[100:200], start=1)],
        invitations=people[200:250],
        hands=people[250:],
    )
    names = {u: "a very long display name that goes on and on" for u in people}
    message = panel(status, Place(1, 2, True), "town-hall " * 40, names, warnings=["w" * 90] * 40)
    body = {"embeds": [message.embed.to_dict()], "components": message.view.to_components()}
    assert spec.check_limits(body) == []
    assert spec.check_body("POST", "/channels/1/messages", body) == []


def test_the_spec_checks_can_fail() -> None:
    too_long = {"content": "x" * 2001}
    assert spec.check_body("POST", "/channels/1/messages", too_long)
    bad_id = {
        "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": "x" * 101}]}]
    }
    assert spec.check_body("POST", "/channels/1/messages", bad_id)
    with pytest.raises(AssertionError, match="not in Discord's API spec"):
        spec.check_body("POST", "/made/up", {})


def test_moderator_role_ids_are_read_and_checked() -> None:
    from pydantic import ValidationError

    settings = Settings(_env_file=None, DISCORD_MODERATOR_ROLE_IDS="111, 222")  # type: ignore[call-arg]
    assert settings.discord_moderator_roles == frozenset({111, 222})
    with pytest.raises(ValidationError, match="DISCORD_MODERATOR_ROLE_IDS"):
        Settings(_env_file=None, DISCORD_MODERATOR_ROLE_IDS="stage-team")  # type: ignore[call-arg]
