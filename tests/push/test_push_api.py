"""The back-office events API: signature, replay window, schemas with field paths, duplicates,
batches and NDJSON, changes the rules refuse, an interrupted application completed, and the served
OpenAPI document checked against real requests and answers."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from jsonschema import Draft202012Validator

from core.config import Settings
from core.identifiers import id_check_digit
from push.events import signed_headers
from push.schemas import EVENT_SCHEMAS
from storage.models import Citizen, ComplaintStatus
from storage.repositories import ReceivedEvent
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of

KEY, SECRET = "ems", "api-secret-for-tests"
PERSON = DEMO_IDENTITIES[1].id_number


@pytest.fixture(scope="module")
async def api_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    running = await start_app(make_settings(events_api_keys={KEY: SECRET, "other": "x"}, push_inprocess_worker=False))
    yield running
    await running.runner.cleanup()


@pytest.fixture(scope="module")
async def openapi(api_app: RunningApp) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(api_app.base_url + "/api/v1/openapi.json") as response:
        assert response.status == 200
        return await response.json()


def schema_validator(doc: dict[str, Any], ref: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": ref, "components": doc["components"]})


def mailed(event_id: str | None = None, **changes: Any) -> dict[str, Any]:
    event = {
        "event_id": event_id or f"m-{uuid.uuid4().hex}",
        "type": "license_mailed",
        "id_number": PERSON,
        "courier": "EMS",
        "tracking_number": "EA987654321CN",
        "mailed_at": datetime.now(UTC).isoformat(),
    }
    event.update(changes)
    return {k: v for k, v in event.items() if v is not None}


async def post(
    app: RunningApp, body: bytes, headers: dict[str, str], content_type: str = "application/json"
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            app.base_url + "/api/v1/events", data=body, headers={**headers, "Content-Type": content_type}
        ) as response,
    ):
        return response.status, await response.json()


async def signed(app: RunningApp, payload: Any, *, content_type: str = "application/json") -> tuple[int, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return await post(app, body, signed_headers(KEY, SECRET, body), content_type)


async def stored_count(app: RunningApp) -> tuple[int, int]:
    repos = services_of(app).repos
    return (await repos.backoffice_events.count(), await repos.notifications.collection.count_documents({}))


@pytest.mark.parametrize("case", ["bad_signature", "unknown_key", "old_timestamp", "future_timestamp", "no_headers"])
async def test_unauthenticated_requests_get_401_and_nothing_is_stored(
    api_app: RunningApp, openapi: dict[str, Any], case: str
) -> None:
    before = await stored_count(api_app)
    body = json.dumps(mailed()).encode()
    headers = signed_headers(KEY, SECRET, body)
    if case == "bad_signature":
        headers["X-Signature"] = signed_headers(KEY, "wrong", body)["X-Signature"]
    elif case == "unknown_key":
        headers = signed_headers("nobody", SECRET, body)
    elif case == "old_timestamp":  # a captured request replayed 6 minutes later
        headers = signed_headers(KEY, SECRET, body, timestamp=int(time.time()) - 360)
    elif case == "future_timestamp":
        headers = signed_headers(KEY, SECRET, body, timestamp=int(time.time()) + 360)
    else:
        headers = {}
    status, answer = await post(api_app, body, headers)
    assert status == 401
    schema_validator(openapi, "#/components/schemas/Problem").validate(answer)
    assert await stored_count(api_app) == before


async def test_signature_covers_the_body(api_app: RunningApp) -> None:
    body = json.dumps(mailed()).encode()
    headers = signed_headers(KEY, SECRET, body)
    status, _ = await post(api_app, body.replace(b"EMS", b"SF "), headers)
    assert status == 401


async def test_invalid_event_gets_422_with_the_field_paths(api_app: RunningApp, openapi: dict[str, Any]) -> None:
    before = await stored_count(api_app)
    event = mailed(tracking_number="XX1", courier="DHL", mailed_at=None, extra=1)
    status, answer = await signed(api_app, event)
    assert status == 422
    schema_validator(openapi, "#/components/schemas/EventResult").validate(answer)
    paths = {e["path"] for e in answer["errors"]}
    assert paths == {"/tracking_number", "/courier", "/mailed_at", "/extra"}
    assert await stored_count(api_app) == before


async def test_semantic_errors_name_the_field(api_app: RunningApp) -> None:
    status, answer = await signed(api_app, mailed(id_number="110101199003070000"))
    assert status == 422 and answer["errors"][0]["path"] == "/id_number"
    status, answer = await signed(
        api_app, {"event_id": "c-1", "type": "complaint_updated", "ticket_id": "C991231-9999", "status": "resolved"}
    )
    assert status == 422 and answer["errors"] == [{"path": "/ticket_id", "message": "no such complaint"}]
    status, answer = await signed(
        api_app,
        {
            "event_id": "p-1",
            "type": "plate_delivery",
            "id_number": PERSON,
            "stage": "out_for_delivery",
            "plate": "京A12345",
        },
    )
    assert status == 422 and {e["path"] for e in answer["errors"]} == {"/courier", "/tracking_number"}
    status, answer = await signed(api_app, {"event_id": "x-1", "type": "teleported"})
    assert status == 422 and answer["errors"][0]["path"] == "/type"


async def test_the_same_event_twice_is_stored_and_notified_once(api_app: RunningApp, openapi: dict[str, Any]) -> None:
    event = mailed()
    before = await stored_count(api_app)
    first = await signed(api_app, event)
    second = await signed(api_app, event)  # a replay within the window is only a duplicate
    assert first == (202, {"event_id": event["event_id"], "status": "accepted", "notified": 1})
    assert second == (202, {"event_id": event["event_id"], "status": "duplicate", "notified": 0})
    for _, answer in (first, second):
        schema_validator(openapi, "#/components/schemas/EventResult").validate(answer)
    events, notifications = await stored_count(api_app)
    assert (events, notifications) == (before[0] + 1, before[1] + 1)


async def test_batch_answers_per_event(api_app: RunningApp, openapi: dict[str, Any]) -> None:
    good = mailed()
    batch = {"events": [good, mailed(courier="DHL"), good, mailed()]}
    schema_validator(openapi, "#/components/schemas/EventBatch").validate({"events": [good, batch["events"][3]]})
    status, answer = await signed(api_app, batch)
    assert status == 200
    schema_validator(openapi, "#/components/schemas/BatchResult").validate(answer)
    assert [r["status"] for r in answer["results"]] == ["accepted", "invalid", "duplicate", "accepted"]
    assert answer["results"][1]["errors"] == [{"path": "/courier", "message": "'DHL' is not one of ['EMS', 'SF']"}]
    assert (answer["accepted"], answer["duplicates"], answer["invalid"]) == (2, 1, 1)


async def test_ndjson(api_app: RunningApp, openapi: dict[str, Any]) -> None:
    lines = [mailed(), mailed(tracking_number="nope")]
    body = "\n".join(json.dumps(e) for e in lines).encode() + b"\n"
    status, answer = await signed(api_app, body, content_type="application/x-ndjson")
    assert status == 200
    schema_validator(openapi, "#/components/schemas/BatchResult").validate(answer)
    assert [r["status"] for r in answer["results"]] == ["accepted", "invalid"]
    assert answer["results"][1]["errors"][0]["path"] == "/tracking_number"


async def test_batch_limit_and_bad_json(api_app: RunningApp) -> None:
    status, answer = await signed(api_app, {"events": [mailed()] * 10_001})
    assert status == 413 and "10000" in answer["error"]
    status, _ = await signed(api_app, b"{not json")
    assert status == 400


async def test_a_large_batch(api_app: RunningApp) -> None:
    """A batch of mailings: 500 licenses to 500 people (not bound: kept for when they bind).
    The 10,000 limit itself is the 413 above; this keeps the suite fast."""
    count, tag = 500, uuid.uuid4().hex[:6]
    services = services_of(api_app)
    now = datetime.now(UTC)
    people = []
    for i in range(count):
        first17 = f"{110101 + i // 1000}19800101{i % 1000:03d}"
        people.append(first17 + id_check_digit(first17))
    await services.repos.citizens.collection.delete_many({"_id": {"$in": people}})
    await services.repos.citizens.insert_many(
        [
            Citizen(
                id_number=p,
                name=f"Citizen {i}",
                phone="13800000000",
                mailing_address="-",
                postal_code="100000",
                city="beijing",
                created_at=now,
            )
            for i, p in enumerate(people)
        ]
    )
    events = [
        mailed(f"big-{tag}-{i}", id_number=person, tracking_number=f"EA{i:09d}CN") for i, person in enumerate(people)
    ]
    status, answer = await signed(api_app, {"events": events})
    assert status == 200 and answer["accepted"] == count, {k: answer[k] for k in ("accepted", "invalid")}
    assert (
        await services.repos.notifications.collection.count_documents(
            {"dedupe_key": {"$regex": f"^event:{KEY}:big-{tag}-"}}
        )
        == count
    )


async def test_a_change_the_staff_rules_forbid_is_refused_with_409(
    api_app: RunningApp, openapi: dict[str, Any]
) -> None:
    repos = services_of(api_app).repos
    closed = (await repos.complaints.by_status([ComplaintStatus.CLOSED]))[0]
    before = await stored_count(api_app)
    event = {
        "event_id": f"c-{uuid.uuid4().hex}",
        "type": "complaint_updated",
        "ticket_id": closed.ticket_id,
        "status": "in_progress",  # a closed complaint is never reopened, by staff or the back office
    }
    status, answer = await signed(api_app, event)
    assert status == 409
    schema_validator(openapi, "#/components/schemas/EventResult").validate(answer)
    assert answer == {
        "event_id": event["event_id"],
        "status": "refused",
        "errors": [{"path": "/status", "message": "the complaint is closed: it cannot move to in_progress"}],
    }
    assert await signed(api_app, event) == (202, {"event_id": event["event_id"], "status": "duplicate", "notified": 0})
    assert await stored_count(api_app) == (before[0] + 1, before[1])  # stored once, nobody told
    unchanged = await repos.complaints.by_ticket(closed.ticket_id)
    assert unchanged is not None and unchanged.status == ComplaintStatus.CLOSED
    assert len(unchanged.history) == len(closed.history)
    stored = await repos.backoffice_events.by_id(f"{KEY}:{event['event_id']}")
    assert stored is not None and stored.applied_at is not None and stored.refused

    batch = {"events": [{**event, "event_id": f"c-{uuid.uuid4().hex}"}, mailed()]}
    status, answer = await signed(api_app, batch)
    assert status == 200
    schema_validator(openapi, "#/components/schemas/BatchResult").validate(answer)
    assert [r["status"] for r in answer["results"]] == ["refused", "accepted"]
    assert (answer["accepted"], answer["duplicates"], answer["invalid"], answer["refused"]) == (1, 0, 0, 1)
    assert answer["results"][0]["errors"][0]["path"] == "/status"


async def test_an_interrupted_event_is_completed_once_by_its_duplicate(api_app: RunningApp) -> None:
    services = services_of(api_app)
    new = (await services.repos.complaints.by_status([ComplaintStatus.NEW]))[0]
    event = {
        "event_id": f"c-{uuid.uuid4().hex}",
        "type": "complaint_updated",
        "ticket_id": new.ticket_id,
        "status": "acknowledged",
        "text": "Received by the district office",
    }
    # The first delivery was stored, then the process stopped before applying it.
    assert await services.repos.backoffice_events.store_new([ReceivedEvent(KEY, event)], datetime.now(UTC)) == [True]
    first = await signed(api_app, event)
    second = await signed(api_app, event)
    assert first == (202, {"event_id": event["event_id"], "status": "duplicate", "notified": 1})
    assert second == (202, {"event_id": event["event_id"], "status": "duplicate", "notified": 0})
    changed = await services.repos.complaints.by_ticket(new.ticket_id)
    assert changed is not None and changed.status == ComplaintStatus.ACKNOWLEDGED
    applied = [e for e in changed.history if e.ref == f"event:{KEY}:{event['event_id']}"]
    assert [(e.actor, e.status, e.text) for e in applied] == [
        (f"backoffice:{KEY}", ComplaintStatus.ACKNOWLEDGED, "Received by the district office")
    ]


async def test_openapi_documents_what_the_api_does(openapi: dict[str, Any]) -> None:
    Draft202012Validator.check_schema({"components": openapi["components"]})
    operation = openapi["paths"]["/api/v1/events"]["post"]
    assert set(operation["responses"]) >= {"200", "202", "400", "401", "409", "413", "422"}
    assert set(operation["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}
    mapping = openapi["components"]["schemas"]["Event"]["discriminator"]["mapping"]
    assert (
        set(mapping)
        == set(EVENT_SCHEMAS)
        == {
            "license_mailed",
            "license_delivered",
            "plate_delivery",
            "elicense_review_decided",
            "complaint_updated",
            "violation_recorded",
        }
    )
    event_schema = schema_validator(openapi, "#/components/schemas/Event")
    event_schema.validate(mailed())
    assert list(event_schema.iter_errors(mailed(courier="DHL")))
