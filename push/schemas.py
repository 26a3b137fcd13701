"""JSON schemas of the back-office events (one per type) and the OpenAPI document built from
them: the same dictionaries validate requests and describe the API, so they cannot drift."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

MAX_BATCH = 10_000
SIGNATURE_WINDOW = 300  # seconds

_ID_NUMBER: Schema = {"type": "string", "pattern": "^[0-9]{17}[0-9Xx]$", "description": "18-character ID number"}
_TIME: Schema = {
    "type": "string",
    "format": "date-time",
    "description": (
        "RFC 3339 date-time with offset, e.g. 2026-11-21T09:30:00+08:00: a real date and time (no 30 February, "
        "no 25:61), an offset within +-18:00, a year from 1970 to 2100"
    ),
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$",
}
_COURIER: Schema = {"type": "string", "enum": ["EMS", "SF"]}
_TRACKING: Schema = {
    "type": "string",
    "pattern": "^([A-Z]{2}[0-9]{9}[A-Z]{2}|SF[0-9]{12,13})$",
    "description": "EMS (EA123456789CN) or SF Express (SF1234567890123) tracking number",
}
_PLATE: Schema = {"type": "string", "minLength": 7, "maxLength": 10, "description": "plate, e.g. 京A12345"}
_TEXT: Schema = {"type": "string", "minLength": 1, "maxLength": 2000}
_BILINGUAL: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["en", "zh"],
    "properties": {
        "en": {"type": "string", "minLength": 1, "maxLength": 200},
        "zh": {"type": "string", "minLength": 1, "maxLength": 200},
    },
}
_ENVELOPE: Schema = {
    "event_id": {
        "type": "string",
        "pattern": "^[A-Za-z0-9._:-]{1,128}$",
        "description": "unique per sending system; the same event sent twice is applied once",
    },
    "occurred_at": _TIME,
    "urgent": {"type": "boolean", "description": "deliver even during the citizen's quiet hours"},
}

PLATE_STAGES = ["materials_collected", "approved", "plates_made", "out_for_delivery", "delivered"]
COMPLAINT_STATUSES = ["acknowledged", "in_progress", "resolved", "closed"]


def _event(type_: str, required: list[str], properties: Schema, **extra: Any) -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["event_id", "type", *required],
        "properties": {**_ENVELOPE, "type": {"const": type_}, **properties},
        **extra,
    }


EVENT_SCHEMAS: dict[str, Schema] = {
    "license_mailed": _event(
        "license_mailed",
        ["id_number", "courier", "tracking_number", "mailed_at"],
        {
            "id_number": _ID_NUMBER,
            "courier": _COURIER,
            "tracking_number": _TRACKING,
            "mailed_at": _TIME,
            "delivery_id": {"type": "string", "maxLength": 64},
        },
    ),
    "license_delivered": _event(
        "license_delivered",
        ["id_number", "delivered_at"],
        {
            "id_number": _ID_NUMBER,
            "delivered_at": _TIME,
            "courier": _COURIER,
            "tracking_number": _TRACKING,
            "delivery_id": {"type": "string", "maxLength": 64},
        },
    ),
    "plate_delivery": _event(
        "plate_delivery",
        ["id_number", "stage", "plate"],
        {
            "id_number": _ID_NUMBER,
            "stage": {"type": "string", "enum": PLATE_STAGES},
            "plate": _PLATE,
            "courier": _COURIER,
            "tracking_number": _TRACKING,
            "delivery_id": {"type": "string", "maxLength": 64},
        },
        **{
            "if": {"properties": {"stage": {"const": "out_for_delivery"}}, "required": ["stage"]},
            "then": {"required": ["courier", "tracking_number"]},
        },
    ),
    "elicense_review_decided": _event(
        "elicense_review_decided",
        ["review_id", "approved"],
        {
            "review_id": {"type": "string", "minLength": 1, "maxLength": 64},
            "approved": {"type": "boolean"},
            "reason": _TEXT,
            "decided_by": {"type": "string", "minLength": 1, "maxLength": 64},
            "id_number": _ID_NUMBER,
        },
    ),
    "complaint_updated": _event(
        "complaint_updated",
        ["ticket_id", "status"],
        {
            "ticket_id": {"type": "string", "pattern": "^C[0-9]{6}-[0-9]{4,}$"},
            "status": {"type": "string", "enum": COMPLAINT_STATUSES},
            "text": _TEXT,
            "updated_by": {"type": "string", "minLength": 1, "maxLength": 64},
        },
    ),
    "violation_recorded": _event(
        "violation_recorded",
        ["plate", "occurred_at", "place", "code", "behaviour", "fine_yuan", "points", "source"],
        {
            "violation_id": {"type": "string", "maxLength": 64},
            "plate": _PLATE,
            "place": _BILINGUAL,
            "code": {"type": "string", "pattern": "^[0-9]{4,5}$"},
            "behaviour": _BILINGUAL,
            "fine_yuan": {"type": "integer", "minimum": 0, "maximum": 100000},
            "points": {"type": "integer", "minimum": 0, "maximum": 12},
            "source": {"type": "string", "enum": ["camera", "officer"]},
            "recorded_by": {"type": "string", "minLength": 1, "maxLength": 64},
        },
    ),
}
EVENT_TYPES = tuple(EVENT_SCHEMAS)
# The date-time fields (parsed for real after the schema check: a pattern cannot tell 30 February).
TIME_FIELDS = frozenset(
    name for schema in EVENT_SCHEMAS.values() for name, prop in schema["properties"].items() if prop is _TIME
)

ENVELOPE_SCHEMA: Schema = {
    "type": "object",
    "required": ["event_id", "type"],
    "properties": {"event_id": _ENVELOPE["event_id"], "type": {"type": "string", "enum": list(EVENT_TYPES)}},
}

_ERROR_ITEM: Schema = {
    "type": "object",
    "required": ["path", "message"],
    "additionalProperties": False,
    "properties": {
        "path": {"type": "string", "description": "JSON pointer into the event, e.g. /tracking_number"},
        "message": {"type": "string"},
    },
}
RESULT_SCHEMA: Schema = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "index": {"type": "integer", "minimum": 0, "description": "position in the batch (0-based)"},
        "event_id": {"type": ["string", "null"]},
        "status": {
            "type": "string",
            "enum": ["accepted", "duplicate", "invalid", "refused", "failed"],
            "description": (
                "accepted: applied; duplicate: this key sent this event_id before, nothing changed (when the "
                "first request is still applying it, this one waits for it, up to a minute); invalid: wrong "
                "fields or unknown records, nothing stored; refused: stored, but the change it asks for is not "
                "allowed now (e.g. a closed complaint cannot be reopened), see errors; failed: stored but not "
                "applied because of a fault on our side, send it again (it is then applied, once)"
            ),
        },
        "notified": {"type": "integer", "minimum": 0, "description": "notifications created"},
        "errors": {"type": "array", "items": _ERROR_ITEM},
    },
}
BATCH_RESULT_SCHEMA: Schema = {
    "type": "object",
    "required": ["results", "accepted", "duplicates", "invalid", "refused", "failed"],
    "additionalProperties": False,
    "properties": {
        "results": {"type": "array", "items": RESULT_SCHEMA},
        "accepted": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "invalid": {"type": "integer"},
        "refused": {"type": "integer"},
        "failed": {"type": "integer"},
    },
}
PROBLEM_SCHEMA: Schema = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {"type": "string"}, "errors": {"type": "array", "items": _ERROR_ITEM}},
}


BATCH_SEMANTICS = (
    "A batch is applied per event, not atomically: each event is checked, stored and applied on its own, "
    "and the answer has one result per event, in order (`index`), with its status. Invalid events are not "
    "stored and do not stop the others; a refused or failed event does not undo the accepted ones. To "
    "retry, send the same batch again: events already applied answer `duplicate` and change nothing, "
    "the others are applied."
)


def openapi_document(server_url: str = "/", max_body: int | None = None) -> Schema:
    schemas: Schema = {f"Event_{name}": schema for name, schema in EVENT_SCHEMAS.items()}
    event_ref = {
        "oneOf": [{"$ref": f"#/components/schemas/Event_{n}"} for n in EVENT_TYPES],
        "discriminator": {
            "propertyName": "type",
            "mapping": {n: f"#/components/schemas/Event_{n}" for n in EVENT_TYPES},
        },
    }
    schemas.update(
        {
            "Event": event_ref,
            "EventBatch": {
                "type": "object",
                "required": ["events"],
                "additionalProperties": False,
                "properties": {
                    "events": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_BATCH,
                        "items": {"$ref": "#/components/schemas/Event"},
                    }
                },
            },
            "EventResult": RESULT_SCHEMA,
            "BatchResult": BATCH_RESULT_SCHEMA,
            "Problem": PROBLEM_SCHEMA,
        }
    )
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Traffic bureau back-office events API",
            "version": "1.0.0",
            "description": (
                "The bureau's systems report what happened (a license mailed, a plate delivery stage, a review "
                "decided, a complaint updated, a violation recorded); the assistant updates its records and "
                "notifies the citizens concerned on Telegram. Every request is signed: X-Key-Id names the "
                "system's key, X-Timestamp is the Unix time in seconds, and X-Signature is the lowercase hex "
                "HMAC-SHA256, keyed with the system's secret, of the timestamp, a '.', and the raw body. "
                f"Requests older than {SIGNATURE_WINDOW // 60} minutes are refused. A body over "
                f"{_size(max_body)} (EVENTS_MAX_BODY) is refused with 413 before it is read. The same event sent "
                "several times, even at once, is applied once. " + BATCH_SEMANTICS
            ),
        },
        "servers": [{"url": server_url}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "keyId": {"type": "apiKey", "in": "header", "name": "X-Key-Id"},
                "timestamp": {"type": "apiKey", "in": "header", "name": "X-Timestamp"},
                "signature": {"type": "apiKey", "in": "header", "name": "X-Signature"},
            },
        },
        "security": [{"keyId": [], "timestamp": [], "signature": []}],
        "paths": {
            "/api/v1/events": {
                "post": {
                    "operationId": "postEvents",
                    "summary": "Report one event, a batch of up to 10,000, or NDJSON (one event per line)",
                    "description": BATCH_SEMANTICS,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Event"},
                                        {"$ref": "#/components/schemas/EventBatch"},
                                    ]
                                }
                            },
                            "application/x-ndjson": {
                                "schema": {"type": "string", "description": "one Event JSON object per line"}
                            },
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "a single event: accepted, or a duplicate of one already applied",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventResult"}}},
                        },
                        "200": {
                            "description": (
                                "a batch or NDJSON: one result per event, in order; each event applied on its "
                                "own (see the operation's description)"
                            ),
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchResult"}}},
                        },
                        "400": {
                            "description": (
                                "the body is not JSON / NDJSON (not UTF-8, a syntax error, NaN, a number too "
                                "long, or nested deeper than a valid event can be)"
                            ),
                            "content": problem,
                        },
                        "401": {
                            "description": "unknown key, bad signature, or timestamp outside 5 minutes; nothing stored",
                            "content": problem,
                        },
                        "409": {
                            "description": (
                                "a single event is refused: stored, but the change it asks for is not allowed "
                                "in the record's current state (the errors say why); resending it is a duplicate"
                            ),
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventResult"}}},
                        },
                        "413": {
                            "description": f"the body is over {_size(max_body)} (EVENTS_MAX_BODY), or more than "
                            f"{MAX_BATCH:,} events",
                            "content": problem,
                        },
                        "422": {
                            "description": (
                                "a single event is invalid: the wrong fields' paths (an impossible date, e.g. "
                                "2026-02-30, names its field, e.g. /mailed_at); nothing stored"
                            ),
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventResult"}}},
                        },
                        "503": {
                            "description": (
                                "a fault on our side (a single event stored but not applied: status failed; or "
                                "the database unreachable): send the same request again"
                            ),
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/EventResult"},
                                            {"$ref": "#/components/schemas/Problem"},
                                        ]
                                    }
                                }
                            },
                        },
                    },
                },
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "security": [],
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                },
            },
        },
    }


def _size(max_body: int | None) -> str:
    if max_body is None:
        return "the configured limit"
    if max_body % (1024 * 1024) == 0:
        return f"{max_body // (1024 * 1024)} MiB"
    return f"{max_body:,} bytes"
