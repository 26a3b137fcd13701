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
    "description": "RFC 3339 date-time with offset, e.g. 2026-11-21T09:30:00+08:00",
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
        "status": {"type": "string", "enum": ["accepted", "duplicate", "invalid"]},
        "notified": {"type": "integer", "minimum": 0, "description": "notifications created"},
        "errors": {"type": "array", "items": _ERROR_ITEM},
    },
}
BATCH_RESULT_SCHEMA: Schema = {
    "type": "object",
    "required": ["results", "accepted", "duplicates", "invalid"],
    "additionalProperties": False,
    "properties": {
        "results": {"type": "array", "items": RESULT_SCHEMA},
        "accepted": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "invalid": {"type": "integer"},
    },
}
PROBLEM_SCHEMA: Schema = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {"type": "string"}, "errors": {"type": "array", "items": _ERROR_ITEM}},
}


def openapi_document(server_url: str = "/") -> Schema:
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
                f"Requests older than {SIGNATURE_WINDOW // 60} minutes are refused."
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
                            "description": "a batch or NDJSON: one result per event, in order",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchResult"}}},
                        },
                        "400": {"description": "the body is not JSON / NDJSON", "content": problem},
                        "401": {
                            "description": "unknown key, bad signature, or timestamp outside 5 minutes; nothing stored",
                            "content": problem,
                        },
                        "413": {"description": "more than 10,000 events", "content": problem},
                        "422": {
                            "description": "a single event is invalid: the wrong fields' paths",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventResult"}}},
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
