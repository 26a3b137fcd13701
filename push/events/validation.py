"""Checks on one event before anything is stored: its schema (with the JSON pointer of each wrong
field), real dates, valid identifiers (`validate`, 422) and the records it names (`check_references`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from jsonschema import Draft202012Validator

from actions.services import Services
from core.identifiers import normalize_id_number, normalize_plate
from push.schemas import ENVELOPE_SCHEMA, EVENT_SCHEMAS, TIME_FIELDS

MESSAGE_MAX = 300  # characters of one error message (a schema message quotes the value)
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100
_ENVELOPE = Draft202012Validator(ENVELOPE_SCHEMA)
_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in EVENT_SCHEMAS.items()}


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "/"


def shorten(message: str) -> str:
    """``message`` cut to MESSAGE_MAX characters."""
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


_OFFSET = re.compile(r"([+-])([0-9]{2}):([0-9]{2})$")


def parse_time(value: str) -> datetime:
    """An RFC 3339 date-time with offset (the schema's shape), checked for real: the date and
    time exist, the offset is within +-18:00, the year within 1970-2100. ValueError says what is wrong."""
    text = value.replace(" ", "T", 1)
    text = text[:-1] + "+00:00" if text.endswith("Z") else text
    offset = _OFFSET.search(text)
    if offset is None:
        raise ValueError("needs an offset, e.g. +08:00 or Z")
    hours, minutes = int(offset[2]), int(offset[3])
    if minutes > 59 or hours * 60 + minutes > 18 * 60:
        raise ValueError(f"{offset[0]} is not a UTC offset (at most +-18:00)")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a real date and time ({exc})") from None
    if not EARLIEST_YEAR <= parsed.astimezone(UTC).year <= LATEST_YEAR:
        raise ValueError(f"outside the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return parsed


def _not_text(event: dict[str, Any]) -> list[dict[str, str]]:
    """Strings that cannot be stored (a lone UTF-16 surrogate, e.g. "\\ud800", is not text)."""
    out: list[dict[str, str]] = []
    stack: list[tuple[list[Any], Any]] = [([], event)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(([*path, k], v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(([*path, i], v) for i, v in enumerate(value))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                out.append({"path": _pointer(path), "message": "not valid Unicode text (a lone surrogate)"})
    return sorted(out, key=lambda e: e["path"])


def validate(event: Any) -> list[dict[str, str]]:
    """Schema errors with the JSON pointer of each wrong field (a missing one included)."""
    if not isinstance(event, dict):
        return [{"path": "/", "message": "an event is a JSON object"}]
    errors = list(_ENVELOPE.iter_errors(event))
    if not errors:
        errors = list(_VALIDATORS[event["type"]].iter_errors(event))
    out: list[dict[str, str]] = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    out.append({"path": _pointer([*path, name]), "message": f"'{name}' is required"})
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - allowed):
                out.append({"path": _pointer([*path, name]), "message": "unknown field"})
        else:
            out.append({"path": _pointer(path), "message": shorten(error.message)})
    if out:
        return out
    out = _not_text(event)
    for name in sorted(TIME_FIELDS & set(event)):
        try:
            parse_time(event[name])
        except ValueError as exc:
            out.append({"path": f"/{name}", "message": f"{event[name][:40]!r} is not a valid date-time: {exc}"})
    if out:
        return out
    if "id_number" in event and normalize_id_number(event["id_number"]) is None:
        out.append({"path": "/id_number", "message": "not a valid ID number (check digit or birth date)"})
    if "plate" in event and normalize_plate(event["plate"]) is None:
        out.append({"path": "/plate", "message": "not a valid plate"})
    return out


async def check_references(services: Services, event: dict[str, Any]) -> list[dict[str, str]]:
    """The records an event names must exist (otherwise 422, nothing stored)."""
    repos = services.repos
    kind = event["type"]
    if (
        "id_number" in event
        and kind != "elicense_review_decided"
        and await repos.citizens.by_id_number(normalize_id_number(event["id_number"]) or "") is None
    ):
        return [{"path": "/id_number", "message": "no citizen with this ID number"}]
    if kind == "elicense_review_decided" and await repos.elicense.by_id(event["review_id"]) is None:
        return [{"path": "/review_id", "message": "no such e-license review"}]
    if kind == "complaint_updated" and await repos.complaints.by_ticket(event["ticket_id"]) is None:
        return [{"path": "/ticket_id", "message": "no such complaint"}]
    if kind == "violation_recorded" and await repos.vehicles.by_plate(normalize_plate(event["plate"]) or "") is None:
        return [{"path": "/plate", "message": "no vehicle with this plate"}]
    if event.get("delivery_id") and await repos.deliveries.by_id(event["delivery_id"]) is None:
        return [{"path": "/delivery_id", "message": "no such delivery"}]
    return []
