"""Discord's Set Voice Channel Status, which simcord does not implement, added to its route table.

Source: Discord's OpenAPI spec (tests/data/platform/discord-openapi.json, operation
`update_voice_channel_status`): `PUT /channels/{channel_id}/voice-status`, body
`{"status": string | null, maxLength 500}`, answered 204. Discord's docs (discord-api-docs
PR #6400, "Document voice channel status and start time") add the permission: Set Voice
Channel Status (1 << 48), and Manage Channels when the caller is not connected to the channel
(the bot never is). Importing this module registers the route; the status set is kept per
channel in `statuses(env)`.
"""

from __future__ import annotations

from typing import Any

import simcord
from simcord.backend import errors
from simcord.http.router import RequestContext, route

VOICE_CHANNEL = 2  # channel type GUILD_VOICE
_STATUSES: dict[int, dict[int, str | None]] = {}  # per backend (by id): channel id -> status


@route("PUT", "/channels/{channel_id}/voice-status")
def set_voice_status(ctx: RequestContext) -> Any:
    channel = ctx.require_channel_permissions(ctx.int_arg("channel_id"), "set_voice_channel_status", "manage_channels")
    if channel.type != VOICE_CHANNEL:
        raise errors.invalid_form_body("only a voice channel has a voice status")
    status = ctx.body().get("status")
    if status is not None and len(status) > 500:
        raise errors.invalid_form_body("status must be 500 or fewer in length")
    _STATUSES.setdefault(id(ctx.backend), {})[channel.id] = status
    return None


def statuses(env: simcord.Env) -> dict[int, str | None]:
    """The status each voice channel was given, by channel id."""
    return _STATUSES.setdefault(id(env.backend), {})
