"""`POST /api/v1/events`: the bureau's systems report events; records are updated and the
citizens concerned notified (through the outbox, `actions.notify.notify`).

Security: each system has a key (EVENTS_API_KEYS=key_id:secret,...). A request carries
`X-Key-Id`, `X-Timestamp` (Unix seconds) and `X-Signature` = hex HMAC-SHA256(secret,
timestamp + "." + body). Unknown key, bad signature or a timestamp more than 5 minutes away
-> 401 and nothing is stored (a captured request cannot be replayed later; within the window
a replay is a duplicate event and changes nothing).

Every event is stored once per (key, event_id) before it is applied; applying is idempotent
(delivery stages are recorded once, notifications have dedupe keys), so a duplicate whose first
application was interrupted is completed, never doubled.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from aiohttp import web
from jsonschema import Draft202012Validator
from pymongo.errors import BulkWriteError, DuplicateKeyError

from actions.notify import notify
from actions.services import Services
from core.identifiers import normalize_id_number, normalize_plate
from push.schemas import ENVELOPE_SCHEMA, EVENT_SCHEMAS, MAX_BATCH, SIGNATURE_WINDOW, openapi_document
from storage.models import (
    Bilingual,
    ComplaintStatus,
    Courier,
    Delivery,
    DeliveryKind,
    DeliveryStage,
    NotificationType,
    StageEntry,
    Violation,
    ViolationSource,
)

log = structlog.get_logger(__name__)

COLLECTION = "backoffice_events"
APPLY_CONCURRENCY = 16
_ENVELOPE = Draft202012Validator(ENVELOPE_SCHEMA)
_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in EVENT_SCHEMAS.items()}


class AuthError(Exception):
    """The request's key, timestamp or signature is not acceptable (answered with 401)."""


@dataclass
class EventResult:
    index: int
    event_id: str | None
    status: str = "accepted"  # accepted | duplicate | invalid
    notified: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self, *, with_index: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"event_id": self.event_id, "status": self.status}
        if with_index:
            out["index"] = self.index
        if self.status == "invalid":
            out["errors"] = self.errors
        else:
            out["notified"] = self.notified
        return out


# --- authentication ------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(key_id: str, secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """Headers a client sends (used by tests and the benchmark)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Key-Id": key_id, "X-Timestamp": ts, "X-Signature": sign(secret, ts, body)}


def authenticate(services: Services, headers: Any, body: bytes, now: float) -> str:
    """The key id of a correctly signed, fresh request; AuthError otherwise."""
    key_id = headers.get("X-Key-Id", "")
    secret = services.settings.events_api_keys.get(key_id)
    if secret is None:
        raise AuthError("unknown key")
    stamp = headers.get("X-Timestamp", "")
    try:
        ts = int(stamp)
    except ValueError:
        raise AuthError("X-Timestamp must be Unix seconds") from None
    if abs(now - ts) > SIGNATURE_WINDOW:
        raise AuthError("timestamp outside the 5-minute window")
    given = headers.get("X-Signature", "").strip().lower().removeprefix("sha256=")
    if not hmac.compare_digest(given.encode(), sign(secret.get_secret_value(), stamp, body).encode()):
        raise AuthError("bad signature")
    return str(key_id)


# --- validation ----------------------------------------------------------------------------------


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "/"


def validate(event: Any) -> list[dict[str, str]]:
    """Schema errors with the JSON pointer of each wrong field (a missing one included)."""
    if not isinstance(event, dict):
        return [{"path": "/", "message": "an event is a JSON object"}]
    errors = list(_ENVELOPE.iter_errors(event))
    if not errors:
        errors = list(_VALIDATORS[event["type"]].iter_errors(event))
    out: list[dict[str, str]] = []
    for error in sorted(errors, key=lambda e: list(e.absolute_path)):
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
            out.append({"path": _pointer(path), "message": error.message})
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
    if "id_number" in event and kind != "elicense_review_decided":
        if await repos.citizens.by_id_number(normalize_id_number(event["id_number"]) or "") is None:
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


# --- applying ------------------------------------------------------------------------------------


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))


async def _delivery(
    services: Services,
    event: dict[str, Any],
    kind: DeliveryKind,
    id_number: str,
    first_stage: DeliveryStage,
    at: datetime,
) -> Delivery:
    repos = services.repos.deliveries
    found: Delivery | None = None
    if event.get("delivery_id"):
        found = await repos.by_id(event["delivery_id"])
    if found is None and event.get("tracking_number"):
        found = await repos.by_tracking_number(event["tracking_number"])
    plate = normalize_plate(event["plate"]) if "plate" in event else None
    if found is None:
        found = await repos.open_for(kind, id_number, plate=plate)
        before_mailing = (DeliveryStage.ACCEPTED, DeliveryStage.PRINTED)
        if found is not None and kind == DeliveryKind.LICENSE_MAIL and found.stage not in before_mailing:
            found = None  # that one was mailed already (under another number): this is a new mailing
    if found is not None:
        return found
    citizen = await services.repos.citizens.by_id_number(id_number)
    delivery = Delivery(
        kind=kind,
        citizen_id_number=id_number,
        stage=first_stage,
        stages=[StageEntry(stage=first_stage, at=at)],
        plate=plate,
        courier=Courier(event["courier"]) if event.get("courier") else None,
        tracking_number=event.get("tracking_number"),
        address=citizen.mailing_address if citizen else "",
        created_at=at,
        updated_at=at,
    )
    await repos.insert(delivery)
    return delivery


async def apply_event(services: Services, key_id: str, event: dict[str, Any]) -> int:
    """Update the records and notify; returns how many notifications were created."""
    repos = services.repos
    kind = event["type"]
    now = services.clock()
    dedupe = f"event:{key_id}:{event['event_id']}"
    urgent = bool(event.get("urgent", False))
    created = False
    if kind in ("license_mailed", "license_delivered"):
        id_number = normalize_id_number(event["id_number"]) or event["id_number"]
        mailed = kind == "license_mailed"
        at = _time(event["mailed_at"] if mailed else event["delivered_at"])
        stage = DeliveryStage.MAILED if mailed else DeliveryStage.DELIVERED
        delivery = await _delivery(services, event, DeliveryKind.LICENSE_MAIL, id_number, stage, at)
        courier = Courier(event["courier"]) if event.get("courier") else None
        delivery = (
            await repos.deliveries.advance(
                delivery.id, stage, at=at, courier=courier, tracking_number=event.get("tracking_number")
            )
            or delivery
        )
        payload: dict[str, Any] = {
            "delivery_id": delivery.id,
            "courier": event.get("courier") or (delivery.courier.value if delivery.courier else None),
            "tracking_number": event.get("tracking_number") or delivery.tracking_number,
            "mailed_at" if mailed else "delivered_at": at.isoformat(),
        }
        ntype = NotificationType.LICENSE_MAILED if mailed else NotificationType.LICENSE_DELIVERED
        _, created = await notify(
            services, citizen_id_number=id_number, type=ntype, payload=payload, urgent=urgent, dedupe_key=dedupe
        )
    elif kind == "plate_delivery":
        id_number = normalize_id_number(event["id_number"]) or event["id_number"]
        stage = DeliveryStage(event["stage"])
        at = _time(event["occurred_at"]) if event.get("occurred_at") else now
        delivery = await _delivery(services, event, DeliveryKind.PLATE_DELIVERY, id_number, stage, at)
        courier = Courier(event["courier"]) if event.get("courier") else None
        delivery = (
            await repos.deliveries.advance(
                delivery.id, stage, at=at, courier=courier, tracking_number=event.get("tracking_number")
            )
            or delivery
        )
        payload = {
            "delivery_id": delivery.id,
            "plate": delivery.plate or normalize_plate(event["plate"]),
            "stage": stage.value,
            "courier": event.get("courier") or (delivery.courier.value if delivery.courier else None),
            "tracking_number": event.get("tracking_number") or delivery.tracking_number,
        }
        _, created = await notify(
            services,
            citizen_id_number=id_number,
            type=NotificationType.PLATE_DELIVERY,
            payload=payload,
            urgent=urgent or stage == DeliveryStage.OUT_FOR_DELIVERY,
            dedupe_key=f"plate_delivery:{delivery.id}:{stage.value}",
        )
    elif kind == "elicense_review_decided":
        from actions.elicense import decide_review

        decision = await decide_review(
            services,
            event["review_id"],
            bool(event["approved"]),
            event.get("decided_by") or f"backoffice:{key_id}",
            event.get("reason"),
        )
        created = decision is not None and decision.notified
    elif kind == "complaint_updated":
        status = ComplaintStatus(event["status"])
        complaint = await repos.complaints.change_status(
            event["ticket_id"],
            status,
            actor=event.get("updated_by") or f"backoffice:{key_id}",
            now=now,
            text=event.get("text"),
        )
        if complaint is not None:
            ntype = (
                NotificationType.COMPLAINT_RATING_REQUEST
                if status == ComplaintStatus.RESOLVED
                else NotificationType.COMPLAINT_UPDATED
            )
            _, created = await notify(
                services,
                citizen_id_number=complaint.citizen_id_number,
                type=ntype,
                payload={"ticket_id": complaint.ticket_id, "status": status.value, "text": event.get("text") or ""},
                urgent=urgent,
                dedupe_key=dedupe,
            )
    elif kind == "violation_recorded":
        plate = normalize_plate(event["plate"]) or event["plate"]
        vehicle = await repos.vehicles.by_plate(plate)
        violation = Violation(
            id=event.get("violation_id") or f"{key_id}:{event['event_id']}",
            plate=plate,
            occurred_at=_time(event["occurred_at"]),
            place=Bilingual(**event["place"]),
            code=event["code"],
            behaviour=Bilingual(**event["behaviour"]),
            fine_yuan=event["fine_yuan"],
            points=event["points"],
            source=ViolationSource(event["source"]),
            recorded_by=event.get("recorded_by") or key_id,
        )
        try:
            await repos.violations.insert(violation)
        except DuplicateKeyError:
            pass  # recorded by an earlier, interrupted application of this event
        if vehicle is not None:
            _, created = await notify(
                services,
                citizen_id_number=vehicle.owner_id_number,
                type=NotificationType.VIOLATION_RECORDED,
                payload={
                    "violation_id": violation.id,
                    "plate": plate,
                    "occurred_at": violation.occurred_at.isoformat(),
                    "place": event["place"],
                    "behaviour": event["behaviour"],
                    "fine_yuan": event["fine_yuan"],
                    "points": event["points"],
                },
                urgent=urgent,
                dedupe_key=dedupe,
            )
    else:
        raise AssertionError(kind)
    return 1 if created else 0


# --- the store -----------------------------------------------------------------------------------


async def process_events(services: Services, key_id: str, events: list[Any]) -> list[EventResult]:
    """Validate, store once, apply; one result per event, in order."""
    results = [
        EventResult(
            index=i, event_id=e.get("event_id") if isinstance(e, dict) and isinstance(e.get("event_id"), str) else None
        )
        for i, e in enumerate(events)
    ]
    valid: list[int] = []
    for i, event in enumerate(events):
        errors = validate(event)
        if errors:
            results[i].status, results[i].errors = "invalid", errors
        else:
            valid.append(i)
    semaphore = asyncio.Semaphore(APPLY_CONCURRENCY)

    async def check(i: int) -> None:
        async with semaphore:
            errors = await check_references(services, events[i])
        if errors:
            results[i].status, results[i].errors = "invalid", errors

    await asyncio.gather(*(check(i) for i in valid))
    valid = [i for i in valid if results[i].status != "invalid"]
    if not valid:
        return results
    collection = services.repos.db[COLLECTION]
    now = services.clock()
    docs = [
        {
            "_id": f"{key_id}:{events[i]['event_id']}",
            "key_id": key_id,
            "event_id": events[i]["event_id"],
            "type": events[i]["type"],
            "event": events[i],
            "received_at": now,
            "applied_at": None,
        }
        for i in valid
    ]
    duplicate_positions: set[int] = set()
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        for err in exc.details.get("writeErrors", []):
            if err.get("code") != 11000:
                raise
            duplicate_positions.add(int(err["index"]))
    to_apply: list[int] = []
    unfinished: set[str] = set()
    if duplicate_positions:
        ids = [docs[p]["_id"] for p in duplicate_positions]
        cursor = collection.find({"_id": {"$in": ids}, "applied_at": None}, projection={"_id": 1})
        unfinished = {doc["_id"] async for doc in cursor}
    first_seen: set[str] = set()
    for position, i in enumerate(valid):
        doc_id = docs[position]["_id"]
        if position in duplicate_positions:
            results[i].status = "duplicate"
            if doc_id in unfinished and doc_id not in first_seen:  # stored, application interrupted
                first_seen.add(doc_id)
                to_apply.append(i)
        else:
            first_seen.add(doc_id)
            to_apply.append(i)

    async def apply(i: int) -> None:
        async with semaphore:
            results[i].notified = await apply_event(services, key_id, events[i])
            await collection.update_one(
                {"_id": f"{key_id}:{events[i]['event_id']}"},
                {"$set": {"applied_at": services.clock(), "notified": results[i].notified}},
            )

    await asyncio.gather(*(apply(i) for i in to_apply))
    return results


# --- HTTP ----------------------------------------------------------------------------------------


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def setup(app: web.Application, services_key: web.AppKey[Services]) -> None:
    async def post_events(request: web.Request) -> web.Response:
        services = request.app[services_key]
        body = await request.read()
        try:
            key_id = authenticate(services, request.headers, body, time.time())
        except AuthError as exc:
            log.warning("events API refused", reason=str(exc), key_id=request.headers.get("X-Key-Id", ""))
            return _problem(401, str(exc))
        ndjson = request.content_type in ("application/x-ndjson", "application/jsonl", "application/ndjson")
        try:
            if ndjson:
                lines = [line for line in body.decode("utf-8").splitlines() if line.strip()]
                parsed: Any = {"events": [json.loads(line) for line in lines]}
            else:
                parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _problem(400, f"the body is not {'NDJSON' if ndjson else 'JSON'}: {exc}")
        batch = ndjson or (isinstance(parsed, dict) and "events" in parsed and "type" not in parsed)
        if batch:
            events = parsed["events"] if isinstance(parsed, dict) else None
            if not isinstance(events, list) or not events:
                return _problem(400, 'expected {"events": [ ... ]} with at least one event')
            if len(events) > MAX_BATCH:
                return _problem(413, f"at most {MAX_BATCH} events per request (got {len(events)})")
            results = await process_events(services, key_id, events)
            log.info("events received", key_id=key_id, count=len(events))
            return web.json_response(
                {
                    "results": [r.to_json() for r in results],
                    "accepted": sum(r.status == "accepted" for r in results),
                    "duplicates": sum(r.status == "duplicate" for r in results),
                    "invalid": sum(r.status == "invalid" for r in results),
                }
            )
        (result,) = await process_events(services, key_id, [parsed])
        status = 422 if result.status == "invalid" else 202
        return web.json_response(result.to_json(with_index=False), status=status)

    async def get_openapi(request: web.Request) -> web.Response:
        return web.json_response(openapi_document(request.app[services_key].settings.base_url))

    app.router.add_post("/api/v1/events", post_events)
    app.router.add_get("/api/v1/openapi.json", get_openapi)
