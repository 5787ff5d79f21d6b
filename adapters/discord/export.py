"""R2 in Discord: /stage export [days] hands an admin, only them, the channel's records as CSV and JSON.

The files are written by the same code as `stagedoor export` (adapters/records/export.py), chunk by
chunk into temporary files, so a long history never sits in memory; Discord takes them as two
attachments of one ephemeral followup, within the upload limit of the server (discord.py's
Guild.filesize_limit, which it keeps by the server's boost tier).
"""

from __future__ import annotations

import io
import tempfile
from typing import cast

import discord

from adapters.discord.actions import answer, defer, member_in
from adapters.discord.kit import Message, place_for
from adapters.discord.runtime import RoomChannel, Runtime, room_key
from adapters.persistence.sql import SqlStore
from adapters.records.errors import UnknownChannel
from adapters.records.export import FORMATS, export_chunks

DAY = 86_400.0
MIN_DAYS, MAX_DAYS = 1, 3_650  # /stage export days: a day up to ten years


class TooLarge(Exception):
    """The export does not fit in one Discord upload."""


async def _write(
    store: SqlStore, channel: RoomChannel, since: float | None, now: float, fmt: str, room: int
) -> io.BufferedIOBase:
    """Write one format of the export to a temporary file; stop once it could no longer be sent."""
    out = cast(io.BufferedIOBase, tempfile.TemporaryFile())  # noqa: SIM115  (discord.File closes it once sent)
    written = 0
    try:
        async for chunk in export_chunks(store, room_key(channel.guild.id, channel.id), since, None, fmt, now):
            data = chunk.encode("utf-8")
            written += len(data)
            if written > room:
                raise TooLarge()
            out.write(data)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


async def export(runtime: Runtime, interaction: discord.Interaction, channel: RoomChannel, days: int | None) -> None:
    """Answer an admin with the channel's records as two files; anyone else learns who may."""
    await defer(interaction)  # reading the log takes longer than Discord's 3 s
    place = place_for(channel)
    member = await member_in(interaction, channel.guild)
    if member is None or not runtime.actor(member, channel).admin:
        await answer(interaction, Message(content=NOT_ADMIN))
        return
    store = runtime.events
    if not isinstance(store, SqlStore):
        await answer(interaction, Message(content=NO_DATABASE))
        return
    now = interaction.created_at.timestamp()  # Discord's time of the command: the export's "now"
    since = now - days * DAY if days is not None else None
    limit = channel.guild.filesize_limit
    name = f"stagedoor-{channel.guild.id}-{channel.id}" + (f"-last-{days}-days" if days else "")
    files: list[discord.File] = []
    try:
        left = limit
        for fmt in FORMATS:
            handle = await _write(store, channel, since, now, fmt, left)
            size = handle.seek(0, 2)
            handle.seek(0)
            left -= size
            files.append(discord.File(handle, filename=f"{name}.{'jsonl' if fmt == 'json' else fmt}"))
    except UnknownChannel:
        await answer(interaction, Message(content=NOTHING.format(channel=place.channel)))
        return
    except TooLarge:
        for file in files:
            file.close()
        megabytes = limit / 1024 / 1024
        await answer(interaction, Message(content=TOO_LARGE.format(limit=f"{megabytes:g}")))
        return
    span = f"the last {days} days" if days else "everything recorded"
    await interaction.followup.send(content=READY.format(channel=place.channel, span=span), files=files, ephemeral=True)


NOT_ADMIN = "Only admins can export this channel's records. Ask an admin (Manage Server) to run /stage export."
NO_DATABASE = "Exports read the bot's database, and this bot runs without one. Run `stagedoor export` where it runs."
NOTHING = "Nothing has been recorded in {channel} yet: start a session with /stage start, then export."
TOO_LARGE = (
    "The export is larger than the {limit} MiB Discord lets me upload here. Ask for fewer days with "
    "/stage export days:N, or run `stagedoor export` on the bot's machine for the whole history."
)
READY = "Records of {channel}, {span}: one row per event and per person per session (CSV), and the same as JSON Lines."
