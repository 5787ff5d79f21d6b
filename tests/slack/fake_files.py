"""The fake Slack's file uploads (files upload v2), modelled from Slack's documentation of the three steps.

- `files.getUploadURLExternal` (https://docs.slack.dev/reference/methods/files.getUploadURLExternal):
  "Call files.getUploadURLExternal, which returns an upload URL and a file ID"; its JSON requires
  `filename` and `length` ("Size in bytes of the file being uploaded") and answers `upload_url` and
  `file_id` (slack-methods.json, `response_required_fields`).
- The upload URL (same page): "Upload a file by making a POST request to the upload URL ... Files can be
  sent as raw bytes or can be multipart form encoded. Slack will return HTTP 200 if the u[pload succeeds]".
- `files.completeUploadExternal` (https://docs.slack.dev/reference/methods/files.completeUploadExternal):
  "Finishes an upload started with files.getUploadURLExternal"; `files` is an "Array of file ids and their
  corresponding (optional) titles"; `channel_id` is where the file is shared, else "the file will remain
  private"; "If this method is not called, the uploaded file and associated metadata will be discarded";
  "This method can only be called once"; its typical success answer is `{"ok": true, "files": [{"id", "title"}]}`.

ASSUMPTIONS (the one place this fake goes beyond Slack's words about files):
- the upload URL answers a body whose size is not the `length` given with HTTP 400 (Slack does not say
  what it does; a client that declared a wrong length has a bug worth failing on);
- its 200's body is `OK - <length>` (what Slack's file service is commonly reported to answer; the
  adapter reads only the status);
- `files.completeUploadExternal` answers `file_not_found` (one of its documented codes) for an id it never
  handed out, one whose bytes never arrived, or one completed before ("can only be called once");
- a DM's id is `D` followed by the person's id (Slack's DM ids start with D; the rest is the fake's).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

UPLOAD = "upload_url"  # how the fake records (and queues faults for) a POST to an upload URL


@dataclass
class Upload:
    """One file between its upload URL and its completion."""

    file_id: str
    filename: str
    length: int
    data: bytes | None = None
    title: str | None = None
    shared_in: str | None = None  # the channel it was completed into ("" = private)


@dataclass
class FakeFiles:
    """The files Slack was handed: their upload URLs, bytes and where each was shared."""

    uploads: dict[str, Upload] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def upload_url(self, args: dict[str, Any], base: str) -> dict[str, Any]:
        """files.getUploadURLExternal: a file id and the URL its bytes go to."""
        file_id = f"F{next(self._ids):010d}"
        self.uploads[file_id] = Upload(file_id, str(args["filename"]), int(args["length"]))
        return {"upload_url": f"{base}upload/{file_id}", "file_id": file_id}

    async def receive(self, request: web.Request) -> tuple[int, str]:
        """The upload URL: take the bytes (raw, or a multipart form's first file); return the status and body."""
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None or upload.shared_in is not None:
            return 404, "not found"
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next((value for value in form.values() if isinstance(value, web.FileField)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        if len(data) != upload.length:
            return 400, f"length {len(data)} is not the {upload.length} given"
        upload.data = data
        return 200, f"OK - {len(data)}"

    def complete(self, args: dict[str, Any]) -> dict[str, Any]:
        """files.completeUploadExternal: share every listed file, or none of them, with a documented error."""
        listed = args["files"] if isinstance(args["files"], list) else []
        found = [self.uploads.get(str(item.get("id"))) for item in listed]
        if not listed or any(up is None or up.data is None or up.shared_in is not None for up in found):
            return {"ok": False, "error": "file_not_found"}
        answer = []
        for item, upload in zip(listed, found, strict=True):
            assert upload is not None
            upload.title = item.get("title") or upload.filename
            upload.shared_in = str(args.get("channel_id") or "")
            answer.append({"id": upload.file_id, "title": upload.title})
        return {"files": answer}

    def shared(self, channel: str) -> list[Upload]:
        """Return the files completed into a channel, in the order they were handed out."""
        return [upload for upload in self.uploads.values() if upload.shared_in == channel]


def dm_of(user: str) -> str:
    """Return the id of a person's DM with the app, as conversations.open hands it out."""
    return f"D{user}"
