"""The events API's routes: `POST /api/v1/events` and `GET /api/v1/openapi.json`.

The body is bounded before it is read: a declared length over EVENTS_MAX_BODY is refused at once
(413, also for ``Expect: 100-continue``), the key and timestamp are checked before reading, the
body is read up to the limit only, and then the signature is checked. What is not JSON (or NDJSON)
is 400, nested deeper than MAX_DEPTH as well. A single event is answered 202 (accepted or
duplicate), 422 (invalid), 409 (refused) or 503 (failed); a batch with 200 and one result per event.
"""

from __future__ import annotations

import json
import time
from typing import Any, NoReturn

import structlog
from aiohttp import web
from pymongo.errors import PyMongoError

from actions.services import Services
from push.events.auth import AuthError, check_headers, check_signature
from push.events.process import process_events
from push.events.validation import shorten
from push.schemas import MAX_BATCH, openapi_document

log = structlog.get_logger(__name__)

MAX_DEPTH = 16  # JSON nesting: a valid batch is 4 deep

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
        raise BadBody(f"the body is not {kind}: {shorten(str(exc))}") from None
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
