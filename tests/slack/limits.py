"""Check Block Kit payloads against Slack's limits in tests/data/platform/block-kit-limits.json."""

from __future__ import annotations

import json
from typing import Any

from tests.data import PLATFORM

_SLACK_LIMITS = json.loads((PLATFORM / "block-kit-limits.json").read_text())["slack"]
LIMITS = {key: value["limit"] for key, value in _SLACK_LIMITS.items()}

MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
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
