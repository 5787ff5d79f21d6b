"""Check Block Kit payloads against Slack's limits in tests/data/platform/block-kit-limits.json."""

from __future__ import annotations

import json
import math
from typing import Any

from tests.data import PLATFORM

_SLACK_LIMITS = json.loads((PLATFORM / "block-kit-limits.json").read_text())["slack"]
LIMITS = {key: value["limit"] for key, value in _SLACK_LIMITS.items()}

MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


def problems_in_call(method: str, args: dict[str, Any]) -> list[str]:
    """Return every limit a Web API call's message or view breaks."""
    found: list[str] = []
    if method in MESSAGE_METHODS:
        blocks = args.get("blocks") or []
        _over(found, "message.blocks.max_items", len(blocks), method)
        _over(found, "message.text.max_length", len(args.get("text") or ""), method)
        for block in blocks:
            _block(found, block)
    if method in VIEW_METHODS:
        view = args["view"]
        kind = "home" if view.get("type") == "home" else "modal"
        _over(found, f"{kind}.blocks.max_items", len(view.get("blocks") or []), method)
        _over(found, "view.payload.max_bytes", len(json.dumps(view).encode()), method)
        _over(found, "view.private_metadata.max_length", len(view.get("private_metadata") or ""), method)
        _over(found, "view.callback_id.max_length", len(view.get("callback_id") or ""), method)
        for part in ("title", "submit", "close"):
            if kind == "modal" and view.get(part):
                _over(found, f"modal.{part}.max_length", len(view[part]["text"]), method)
        for block in view.get("blocks") or []:
            _block(found, block)
    return found


def _over(found: list[str], limit_id: str, value: int, where: str) -> None:
    if value > LIMITS[limit_id]:
        found.append(f"{where}: {limit_id} is {value} > {LIMITS[limit_id]}")


def _block(found: list[str], block: dict[str, Any]) -> None:
    kind = block["type"]
    _over(found, "block_id.max_length", len(block.get("block_id") or ""), kind)
    if kind == "section":
        if block.get("text"):
            _over(found, "section.text.max_length", len(block["text"]["text"]), kind)
        fields = block.get("fields") or []
        _over(found, "section.fields.max_items", len(fields), kind)
        for item in fields:
            _over(found, "section.fields.text.max_length", len(item["text"]), kind)
        if block.get("accessory"):
            _element(found, block["accessory"])
    elif kind == "header":
        _over(found, "header.text.max_length", len(block["text"]["text"]), kind)
    elif kind == "actions":
        _over(found, "actions.elements.max_items", len(block["elements"]), kind)
        action_ids = [e.get("action_id") for e in block["elements"]]
        if len(action_ids) != len(set(action_ids)):
            found.append(f"actions: duplicate action_id in {action_ids}")
        for element in block["elements"]:
            _element(found, element)
    elif kind == "context":
        _over(found, "context.elements.max_items", len(block["elements"]), kind)
    elif kind == "input":
        _over(found, "input.label.max_length", len(block["label"]["text"]), kind)
        if block.get("hint"):
            _over(found, "input.hint.max_length", len(block["hint"]["text"]), kind)
        _element(found, block["element"])


def _element(found: list[str], element: dict[str, Any]) -> None:
    _over(found, "action_id.max_length", len(element.get("action_id") or ""), element["type"])
    if element["type"] == "button":
        _over(found, "button.text.max_length", len(element["text"]["text"]), "button")
        _over(found, "button.value.max_length", len(element.get("value") or ""), "button")
        _over(found, "button.url.max_length", len(element.get("url") or ""), "button")
    if element.get("placeholder"):
        _over(found, "placeholder.max_length", len(element["placeholder"]["text"]), element["type"])
    for option in element.get("options") or []:
        _over(found, "option.text.max_length", len(option["text"]["text"]), "option")
        _over(found, "option.value.max_length", len(option["value"]), "option")
    if "options" in element and element["type"] in ("static_select", "multi_static_select"):
        _over(found, "select.options.max_items", len(element["options"]), element["type"])
    if element["type"] == "overflow":
        _over(found, "overflow.options.max_items", len(element["options"]), "overflow")


# -- Web API rate tiers ----------------------------------------------------------------------------------------
# https://api.slack.com/docs/rate-limits (the source slack-methods.json names for each method's tier):
#   "Web API Tier 1 1+ per minute … Tier 2 20+ per minute … Tier 3 50+ per minute … Tier 4 100+ per minute",
#   limits apply "per API method per app per workspace"; "chat.postMessage generally allows posting one message
#   per second per channel" ("Short bursts >1 allowed"); a limited call is answered "HTTP 429 Too Many Requests"
#   with "a Retry-After HTTP header containing the number of seconds until you can retry".
TIER_PER_MINUTE = {"t1": 1, "t2": 20, "t3": 50, "t4": 100}
POST_PER_SECOND_PER_CHANNEL = 1.0
# ASSUMPTION (the one place the simulated tiers go beyond Slack's words): each limit is a token bucket that
# holds one minute's calls (the "bursts" the page tolerates) and refills evenly; the floor of each tier is the
# rate. chat.postMessage's bucket holds 5 messages per channel; its workspace-wide limit is not published and is
# not modelled. Retry-After is the whole seconds until the bucket has a call again.
POST_BURST = 5


class Bucket:
    """One rate limit: `size` calls at once, refilled at `rate` calls a second."""

    def __init__(self, size: float, rate: float, now: float) -> None:
        self.size, self.rate, self.tokens, self.at = size, rate, size, now

    def take(self, now: float) -> int:
        """Take one call; return 0 when allowed, else the Retry-After seconds Slack would send."""
        self.tokens = min(self.size, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.rate))


class RateTiers:
    """Slack's per-method tiers and chat.postMessage's per-channel limit, as 429 + Retry-After."""

    def __init__(self, tiers: dict[str, str]) -> None:
        self._tiers = tiers  # method → its tier in slack-methods.json
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def retry_after(self, method: str, args: dict[str, Any], now: float) -> int:
        """Count a call; return 0 if Slack would take it, else the seconds of its Retry-After."""
        tier = self._tiers.get(method, "")
        if method == "chat.postMessage":
            key = (method, str(args.get("channel")))
            size, rate = float(POST_BURST), POST_PER_SECOND_PER_CHANNEL
        elif tier in TIER_PER_MINUTE:
            key, size, rate = (method, ""), float(TIER_PER_MINUTE[tier]), TIER_PER_MINUTE[tier] / 60.0
        else:
            return 0  # other special-tier methods (auth.test, chat.getPermalink) publish no number
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(size, rate, now)
        return bucket.take(now)
