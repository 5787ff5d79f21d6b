"""Check every request body the bot sent against Discord's OpenAPI spec and the documented limits."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.data import PLATFORM


@functools.cache
def _spec() -> dict[str, Any]:
    return json.loads((PLATFORM / "discord-openapi.json").read_text())


@functools.cache
def _limits() -> dict[str, Any]:
    return json.loads((PLATFORM / "block-kit-limits.json").read_text())["discord"]


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource("urn:discord", Resource(contents=_spec(), specification=DRAFT202012))


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for path in _spec()["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(path)) + "$"
        out.append((re.compile(pattern), path))
    # The most literal template wins (".../voice-states/@me" over ".../voice-states/{user_id}").
    out.sort(key=lambda item: item[1].count("{"))
    return out


def template_of(path: str) -> str:
    for pattern, template in _templates():
        if pattern.match(path):
            return template
    raise AssertionError(f"the bot called {path}, which is not in Discord's API spec")


@functools.cache
def _validator(template: str, method: str) -> Draft202012Validator | None:
    operation = _spec()["paths"][template].get(method)
    assert operation is not None, f"{method.upper()} {template} is not in Discord's API spec"
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    esc = lambda s: s.replace("~", "~0").replace("/", "~1")  # noqa: E731
    pointer = f"#/paths/{esc(template)}/{method}/requestBody/content/application~1json/schema"
    return Draft202012Validator({"$ref": "urn:discord" + pointer}, registry=_registry())


def check_body(method: str, path: str, body: Any) -> list[str]:
    """Return what is wrong with one request body (empty when it is fine)."""
    template = template_of(path)
    problems: list[str] = []
    validator = _validator(template, method.lower())
    if validator is not None and body is not None:
        problems += [f"{method} {template}: {e.message}" for e in validator.iter_errors(_as_sent(body))]
    if isinstance(body, dict):
        message = body.get("data") if isinstance(body.get("data"), dict) else body
        problems += [f"{method} {template}: {p}" for p in check_limits(message)]
    return problems


def _as_sent(body: Any) -> Any:
    """discord.py sends some snowflake ids (recipient_id, channel_id, allowed_mentions.users, an uploaded
    file's attachments[].id, the index of its files[N] part) as JSON numbers, which Discord accepts; the
    spec types snowflakes as strings, so compare them as strings."""
    if isinstance(body, dict):
        return {k: _as_sent_value(k, v) for k, v in body.items()}
    return body


def _as_sent_value(key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and key.endswith("_id"):
        return str(value)
    if isinstance(value, list) and key in ("users", "roles"):
        return [str(v) if isinstance(v, int) else v for v in value]
    if isinstance(value, list) and key == "attachments":
        return [{**v, "id": str(v["id"])} if isinstance(v, dict) and isinstance(v.get("id"), int) else v for v in value]
    if isinstance(value, dict):
        return _as_sent(value)
    return value


def check_limits(message: dict[str, Any]) -> list[str]:
    """Check a message body against the documented Discord limits."""
    limits = {key: value["limit"] for key, value in _limits().items()}
    problems = []
    content = message.get("content") or ""
    if len(content) > limits["message.content.max_length"]:
        problems.append(f"content is {len(content)} characters")
    embeds = message.get("embeds") or []
    if len(embeds) > limits["message.embeds.max_items"]:
        problems.append("too many embeds")
    total = 0
    for embed in embeds:
        for key, limit in (("title", "embed.title.max_length"), ("description", "embed.description.max_length")):
            text = embed.get(key) or ""
            total += len(text)
            if len(text) > limits[limit]:
                problems.append(f"embed {key} is {len(text)} characters")
        fields = embed.get("fields") or []
        if len(fields) > limits["embed.fields.max_items"]:
            problems.append("too many embed fields")
        for item in fields:
            total += len(item["name"]) + len(item["value"])
            if len(item["name"]) > limits["embed.field.name.max_length"]:
                problems.append("embed field name too long")
            if len(item["value"]) > limits["embed.field.value.max_length"]:
                problems.append(f"embed field value is {len(item['value'])} characters")
        footer = (embed.get("footer") or {}).get("text") or ""
        total += len(footer)
    if total > limits["embeds.total_characters.max"]:
        problems.append(f"embeds hold {total} characters")
    rows = message.get("components") or []
    if len(rows) > limits["components.legacy.action_rows.max_items"]:
        problems.append(f"{len(rows)} action rows")
    for row in rows:
        inner = row.get("components") or []
        if len(inner) > limits["action_row.buttons.max_items"]:
            problems.append(f"{len(inner)} components in a row")
        for component in inner:
            if len(component.get("custom_id") or "") > limits["custom_id.max_length"]:
                problems.append("custom_id too long")
            if len(component.get("label") or "") > limits["button.label.max_length"]:
                problems.append("button label too long")
            if len(component.get("placeholder") or "") > limits["select.placeholder.max_length"]:
                problems.append("placeholder too long")
    return problems


@functools.lru_cache(maxsize=4096)
def _check_once(method: str, template: str, body_json: str) -> tuple[str, ...]:
    # The same body (the command sync, a repeated panel) is checked once per test run.
    return tuple(check_body(method, template, json.loads(body_json)))


def check_requests(requests: list[Any]) -> None:
    """Fail when any request the bot sent breaks the spec or a documented limit."""
    problems: list[str] = []
    for request in requests:
        template = template_of(request.path)
        problems += _check_once(request.method, template, json.dumps(request.json, sort_keys=True))
    assert not problems, "\n".join(problems)
