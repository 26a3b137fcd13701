"""`POST /api/v1/events`: the bureau's systems report events; each is applied by its use case
(`actions.deliveries.record_stage`, `actions.violations.record_violation`,
`actions.complaints.record_status`, `actions.elicense.decide_review`), which updates the records
and notifies the citizens concerned (through the outbox). This module only authenticates,
checks schemas and references, and stores each event once.

Security: each system has a key (EVENTS_API_KEYS=key_id:secret,...). A request carries
`X-Key-Id`, `X-Timestamp` (Unix seconds) and `X-Signature` = hex HMAC-SHA256(secret,
timestamp + "." + body). Unknown key, bad signature or a timestamp more than 5 minutes away
-> 401 and nothing is stored (a captured request cannot be replayed later; within the window
a replay is a duplicate event and changes nothing). The body is bounded before it is read: a
declared length over EVENTS_MAX_BODY is refused at once (413), the key and timestamp are checked
before reading, the body is read up to the limit only, and then the signature is checked.

Every event is stored once per (key, event_id) before it is applied, and applied only under a
claim on its stored record (``BackofficeEventRepository.claim``): the request that stored it holds
the claim and renews it while it works; a concurrent replay waits for that request's outcome and
answers ``duplicate``; a crashed applier's claim runs out (CLAIM_LEASE) and the next replay applies
the event. Applying is idempotent as well (delivery records keyed by tracking number or event, a
complaint's history records the event, notifications have dedupe keys).

A batch is applied per event (push/schemas.py, BATCH_SEMANTICS): one result per event, in order.
No body is answered with 500: what is not JSON is 400, an event with a wrong or impossible field
(30 February) is invalid with the field's path, a fault while applying one event is ``failed``
(stored; sending it again applies it).

An event whose change the rules do not allow now (a complaint moved along a transition staff may
not make either, e.g. a closed one reopened) is stored but refused: status "refused" with the
reason, HTTP 409 for a single event.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import structlog
from aiohttp import web
from jsonschema import Draft202012Validator
from pymongo.errors import PyMongoError

from actions.complaints import ComplaintActionError, record_status
from actions.deliveries import StageReport, record_stage
from actions.elicense import decide_review
from actions.services import Services
from actions.violations import record_violation
from core.identifiers import normalize_id_number, normalize_plate
from push.schemas import (
    ENVELOPE_SCHEMA,
    EVENT_SCHEMAS,
    MAX_BATCH,
    SIGNATURE_WINDOW,
    TIME_FIELDS,
    openapi_document,
)
from storage.models import Bilingual, ComplaintStatus, Courier, DeliveryKind, DeliveryStage, Violation, ViolationSource
from storage.repositories import BackofficeEventRepository, ReceivedEvent, event_key

log = structlog.get_logger(__name__)

APPLY_CONCURRENCY = 16
CLAIM_LEASE = 15.0  # seconds an applier's claim lasts unless renewed (renewed every third of it)
WAIT_FOR_FIRST = 60.0  # seconds a replay waits at most for the request applying the same event
MAX_DEPTH = 16  # JSON nesting: a valid batch is 4 deep
MESSAGE_MAX = 300  # characters of one error message (a schema message quotes the value)
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100
_ENVELOPE = Draft202012Validator(ENVELOPE_SCHEMA)
_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in EVENT_SCHEMAS.items()}


class AuthError(Exception):
    """The request's key, timestamp or signature is not acceptable (answered with 401)."""


@dataclass
class EventResult:
    index: int
    event_id: str | None
    # accepted | duplicate | invalid (nothing stored) | refused (stored, not allowed) | failed (stored, not applied)
    status: str = "accepted"
    notified: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_json(self, *, with_index: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"event_id": self.event_id, "status": self.status}
        if with_index:
            out["index"] = self.index
        if self.status in ("invalid", "refused", "failed"):
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


@dataclass(frozen=True)
class Credentials:
    """A known key and a fresh timestamp, from the headers (the signature is checked once the body is read)."""

    key_id: str
    secret: str
    stamp: str
    signature: str


def check_headers(services: Services, headers: Any, now: float) -> Credentials:
    """The request's key is known and its timestamp fresh; AuthError otherwise. Needs no body."""
    key_id = headers.get("X-Key-Id", "")
    secret = services.settings.events_api_keys.get(key_id)
    if secret is None:
        raise AuthError("unknown key")
    stamp = headers.get("X-Timestamp", "")
    try:
        ts = int(stamp) if len(stamp) <= 20 else None
    except ValueError:
        ts = None
    if ts is None:
        raise AuthError("X-Timestamp must be Unix seconds")
    if abs(now - ts) > SIGNATURE_WINDOW:
        raise AuthError("timestamp outside the 5-minute window")
    signature = headers.get("X-Signature", "").strip().lower().removeprefix("sha256=")
    return Credentials(key_id=str(key_id), secret=secret.get_secret_value(), stamp=stamp, signature=signature)


def check_signature(credentials: Credentials, body: bytes) -> str:
    """The key id when the signature covers this body; AuthError otherwise."""
    expected = sign(credentials.secret, credentials.stamp, body)
    if not hmac.compare_digest(credentials.signature.encode(errors="replace"), expected.encode()):
        raise AuthError("bad signature")
    return credentials.key_id


def authenticate(services: Services, headers: Any, body: bytes, now: float) -> str:
    """The key id of a correctly signed, fresh request; AuthError otherwise."""
    return check_signature(check_headers(services, headers, now), body)


# --- validation ----------------------------------------------------------------------------------


def _pointer(path: Any) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "/"


def _short(message: str) -> str:
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
            out.append({"path": _pointer(path), "message": _short(error.message)})
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


# --- applying ------------------------------------------------------------------------------------


class Refused(Exception):
    """The change the event asks for is not allowed now (answered with 409): ``errors`` say why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.errors = [{"path": path, "message": message}]


def _stage_report(services: Services, event: dict[str, Any]) -> StageReport:
    kind = event["type"]
    if kind == "plate_delivery":
        delivery_kind, stage = DeliveryKind.PLATE_DELIVERY, DeliveryStage(event["stage"])
        at = parse_time(event["occurred_at"]) if event.get("occurred_at") else services.clock()
    else:
        mailed = kind == "license_mailed"
        delivery_kind = DeliveryKind.LICENSE_MAIL
        stage = DeliveryStage.MAILED if mailed else DeliveryStage.DELIVERED
        at = parse_time(event["mailed_at"] if mailed else event["delivered_at"])
    return StageReport(
        kind=delivery_kind,
        citizen_id_number=normalize_id_number(event["id_number"]) or event["id_number"],
        stage=stage,
        at=at,
        delivery_id=event.get("delivery_id"),
        tracking_number=event.get("tracking_number"),
        courier=Courier(event["courier"]) if event.get("courier") else None,
        plate=normalize_plate(event["plate"]) if "plate" in event else None,
    )


def _violation(key_id: str, event: dict[str, Any]) -> Violation:
    return Violation(
        id=event.get("violation_id") or event_key(key_id, event["event_id"]),
        plate=normalize_plate(event["plate"]) or event["plate"],
        occurred_at=parse_time(event["occurred_at"]),
        place=Bilingual(**event["place"]),
        code=event["code"],
        behaviour=Bilingual(**event["behaviour"]),
        fine_yuan=event["fine_yuan"],
        points=event["points"],
        source=ViolationSource(event["source"]),
        recorded_by=event.get("recorded_by") or key_id,
    )


async def apply_event(services: Services, key_id: str, event: dict[str, Any]) -> int:
    """Apply the event through its use case; returns how many notifications were created.
    Raises Refused when the change is not allowed (e.g. a closed complaint cannot be reopened)."""
    kind = event["type"]
    ref = f"event:{event_key(key_id, event['event_id'])}"  # the notification's dedupe key
    urgent = bool(event.get("urgent", False))
    actor = f"backoffice:{key_id}"
    if kind in ("license_mailed", "license_delivered", "plate_delivery"):
        recorded = await record_stage(services, _stage_report(services, event), ref=ref, urgent=urgent)
        return int(recorded.notified)
    if kind == "elicense_review_decided":
        decision = await decide_review(
            services, event["review_id"], bool(event["approved"]), event.get("decided_by") or actor, event.get("reason")
        )
        return int(decision is not None and decision.notified)
    if kind == "complaint_updated":
        status = ComplaintStatus(event["status"])
        try:
            change = await record_status(
                services,
                event["ticket_id"],
                status,
                event.get("updated_by") or actor,
                event.get("text"),
                ref=ref,
                urgent=urgent,
            )
        except ComplaintActionError as exc:
            if exc.code == "not_found":
                raise Refused("/ticket_id", "no such complaint") from exc
            current = await services.repos.complaints.by_ticket(event["ticket_id"])
            now = current.status.value if current else "unknown"
            raise Refused("/status", f"the complaint is {now}: it cannot move to {status.value}") from exc
        return int(change.notified)
    if kind == "violation_recorded":
        recorded_violation = await record_violation(services, _violation(key_id, event), ref=ref, urgent=urgent)
        return int(recorded_violation.notified)
    raise AssertionError(kind)


# --- the store -----------------------------------------------------------------------------------


async def _keep_claims(
    store: BackofficeEventRepository, owner: str, ids: list[str], clock: Callable[[], datetime]
) -> None:
    """Renew ``owner``'s claims on ``ids`` (those not applied yet) until cancelled."""
    while True:
        await asyncio.sleep(CLAIM_LEASE / 3)
        try:
            await store.renew(ids, owner, clock() + timedelta(seconds=CLAIM_LEASE))
        except Exception as exc:  # noqa: BLE001 - the lease may run out; a replay then applies the rest
            log.warning("event claims not renewed", error=type(exc).__name__)


async def process_events(services: Services, key_id: str, events: list[Any]) -> list[EventResult]:
    """Validate, store once, apply under a claim; one result per event, in order (per event, not
    atomic: see push/schemas.py, BATCH_SEMANTICS)."""
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
    store = services.repos.backoffice_events
    owner = uuid.uuid4().hex  # this request, as the holder of claims

    def lease() -> tuple[datetime, datetime]:
        now = services.clock()
        return now, now + timedelta(seconds=CLAIM_LEASE)

    received = [ReceivedEvent(key_id=key_id, event=events[i]) for i in valid]
    now, until = lease()
    new = await store.store_new(received, now, owner=owner, until=until)
    first: dict[str, int] = {}  # stored id -> the index of its first copy in this request
    mine: set[str] = set()  # stored by this request (and so claimed by it)
    for position, i in enumerate(valid):
        doc_id = received[position].id
        if doc_id in first or not new[position]:
            results[i].status = "duplicate"
        first.setdefault(doc_id, i)
        if new[position]:
            mine.add(doc_id)

    async def apply(doc_id: str) -> None:
        i = first[doc_id]
        refused: str | None = None
        async with semaphore:
            try:
                try:
                    results[i].notified = await apply_event(services, key_id, events[i])
                except Refused as exc:
                    results[i].status, results[i].errors = "refused", exc.errors
                    refused = str(exc)
                await store.mark_applied(doc_id, services.clock(), notified=results[i].notified, refused=refused)
            except Exception as exc:  # one event's fault is its own result, not the batch's
                log.exception("event not applied", stored_id=doc_id)
                with suppress(Exception):
                    await store.release(doc_id, owner)
                results[i].status, results[i].notified = "failed", 0
                results[i].errors = [{"path": "/", "message": f"not applied ({type(exc).__name__}); send it again"}]

    keeper = asyncio.create_task(_keep_claims(store, owner, list(first), services.clock))
    try:
        # Events stored before (a replay): claimed here when nobody holds them (the first
        # application was interrupted), else applied by the holder: wait for its outcome.
        others = [doc_id for doc_id in first if doc_id not in mine]
        now, until = lease()
        mine |= await store.claim(others, owner, now, until)
        await asyncio.gather(*(apply(doc_id) for doc_id in mine))
        waiting = await store.unapplied([doc_id for doc_id in others if doc_id not in mine])
        loop = asyncio.get_running_loop()
        deadline, delay = loop.time() + WAIT_FOR_FIRST, 0.05
        while waiting and loop.time() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)
            now, until = lease()
            taken = await store.claim(sorted(waiting), owner, now, until)  # the holder's claim ran out
            await asyncio.gather(*(apply(doc_id) for doc_id in taken))
            waiting = await store.unapplied(sorted(waiting - taken))
        if waiting:
            log.warning("events still being applied by another request", count=len(waiting))
    finally:
        keeper.cancel()
        with suppress(asyncio.CancelledError):
            await keeper
    return results


# --- HTTP ----------------------------------------------------------------------------------------

NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/ndjson")


class BodyTooLarge(Exception):
    """The body is over EVENTS_MAX_BODY (answered with 413)."""


class BadBody(Exception):
    """The body is not JSON / NDJSON the API can read (answered with 400)."""


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _too_large(limit: int) -> web.Response:
    response = _problem(413, f"the body is over {limit:,} bytes (EVENTS_MAX_BODY); send smaller batches")
    response.force_close()  # the rest of the body is not wanted
    return response


async def read_bounded(request: web.Request, limit: int) -> bytes:
    """The body, read up to ``limit`` bytes; BodyTooLarge as soon as it is over (declared or not)."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (stops counting past MAX_DEPTH)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_body(body: bytes, *, ndjson: bool) -> Any:
    """The JSON value of the body ({"events": [...]} for NDJSON); BadBody with a reason otherwise."""
    kind = "NDJSON" if ndjson else "JSON"
    try:
        text = body.decode("utf-8")
        if ndjson:  # split on newlines only: a JSON string may hold U+2028
            parsed: Any = {
                "events": [json.loads(line, parse_constant=_no_constants) for line in text.split("\n") if line.strip()]
            }
        else:
            parsed = json.loads(text, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise BadBody(f"the body is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise BadBody(f"the body is not {kind} this API accepts: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, NaN, a number of thousands of digits
        raise BadBody(f"the body is not {kind}: {_short(str(exc))}") from None
    if _depth(parsed) > MAX_DEPTH:
        raise BadBody(f"the body is not {kind} this API accepts: nested deeper than {MAX_DEPTH} levels")
    return parsed


def setup(app: web.Application, services_key: web.AppKey[Services]) -> None:
    async def expect_continue(request: web.Request) -> web.Response | None:
        """``Expect: 100-continue``: refuse an oversized declared body before the client sends it."""
        limit = request.app[services_key].settings.events_max_body
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
        if request.headers.get("Expect", "").lower() != "100-continue":
            return _problem(417, "the only expectation understood is 100-continue")
        if request.version >= (1, 1):
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return None

    async def post_events(request: web.Request) -> web.Response:
        services = request.app[services_key]
        limit = services.settings.events_max_body
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
        try:
            credentials = check_headers(services, request.headers, time.time())
            body = await read_bounded(request, limit)
            key_id = check_signature(credentials, body)
        except AuthError as exc:
            log.warning("events API refused", reason=str(exc), key_id=request.headers.get("X-Key-Id", "")[:64])
            return _problem(401, str(exc))
        except BodyTooLarge:
            return _too_large(limit)
        ndjson = request.content_type in NDJSON_TYPES
        try:
            parsed = parse_body(body, ndjson=ndjson)
        except BadBody as exc:
            return _problem(400, str(exc))
        try:
            return await _answer(services, key_id, parsed, ndjson=ndjson)
        except PyMongoError as exc:
            log.warning("events API: database unavailable", error=type(exc).__name__)
            return web.json_response(
                {"error": "the database is unavailable; send the same request again"},
                status=503,
                headers={"Retry-After": "5"},
            )

    async def get_openapi(request: web.Request) -> web.Response:
        settings = request.app[services_key].settings
        return web.json_response(openapi_document(settings.base_url, settings.events_max_body))

    app.router.add_post("/api/v1/events", post_events, expect_handler=expect_continue)
    app.router.add_get("/api/v1/openapi.json", get_openapi)


async def _answer(services: Services, key_id: str, parsed: Any, *, ndjson: bool) -> web.Response:
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
                "refused": sum(r.status == "refused" for r in results),
                "failed": sum(r.status == "failed" for r in results),
            }
        )
    (result,) = await process_events(services, key_id, [parsed])
    status = {"invalid": 422, "refused": 409, "failed": 503}.get(result.status, 202)
    return web.json_response(result.to_json(with_index=False), status=status)
