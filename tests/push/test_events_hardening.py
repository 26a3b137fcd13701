"""The events API under attack and faults (issue 11): the same signed event sent many times at
once is applied once; a crashed applier's claim expires; impossible dates and hostile bodies are
answered 400/422, never 500; a batch answers per event; bodies over EVENTS_MAX_BODY are refused
before they are read, and the rest of the app reads at most 1 MiB."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from actions.deliveries import StageReport, record_stage
from core.config import Settings
from push.events import signed_headers
from storage.models import ComplaintStatus, Courier, DeliveryKind, DeliveryStage
from storage.repositories import ReceivedEvent
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of

KEY, SECRET = "ems", "api-secret-for-hardening-tests"
PERSON = DEMO_IDENTITIES[1].id_number
TIMES = 6  # identical requests sent at once
IMPOSSIBLE_DATES = [
    "2026-02-30T10:00:00+08:00",  # no 30 February
    "2026-13-01T10:00:00+08:00",  # no month 13
    "2026-11-21T10:00:00+99:00",  # no such offset
    "2026-11-21T25:61:00+08:00",  # no 25:61
]


@pytest.fixture(scope="module")
async def api(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    running = await start_app(make_settings(events_api_keys={KEY: SECRET}, push_inprocess_worker=False))
    yield running
    await running.runner.cleanup()


def tracking() -> str:
    return f"EA{random.randrange(10**9):09d}CN"


def mailed(**changes: Any) -> dict[str, Any]:
    event = {
        "event_id": f"m-{uuid.uuid4().hex}",
        "type": "license_mailed",
        "id_number": PERSON,
        "courier": "EMS",
        "tracking_number": tracking(),
        "mailed_at": datetime.now(UTC).isoformat(),
    }
    event.update(changes)
    return event


async def post_raw(
    http: aiohttp.ClientSession, app: RunningApp, body: bytes, headers: dict[str, str]
) -> tuple[int, Any]:
    async with http.post(app.base_url + "/api/v1/events", data=body, headers=headers) as response:
        text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text


async def signed(app: RunningApp, payload: Any, content_type: str = "application/json") -> tuple[int, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {**signed_headers(KEY, SECRET, body), "Content-Type": content_type}
    async with aiohttp.ClientSession() as http:
        return await post_raw(http, app, body, headers)


async def at_once(app: RunningApp, payload: Any, times: int = TIMES) -> list[tuple[int, Any]]:
    """The same signed request ``times`` times, concurrently (one signature: a captured replay)."""
    body = json.dumps(payload).encode()
    headers = {**signed_headers(KEY, SECRET, body), "Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        return list(await asyncio.gather(*(post_raw(http, app, body, headers) for _ in range(times))))


def statuses(answers: list[tuple[int, Any]]) -> list[tuple[int, str]]:
    return sorted((code, answer["status"]) for code, answer in answers)


# --- finding 2: concurrent replays apply an event once ----------------------------------------------


async def test_concurrent_replays_of_a_mailing_create_one_delivery_and_one_notification(api: RunningApp) -> None:
    repos = services_of(api).repos
    for _ in range(3):
        event = mailed()
        answers = await at_once(api, event)
        assert statuses(answers) == [(202, "accepted")] + [(202, "duplicate")] * (TIMES - 1), answers
        assert sum(answer["notified"] for _, answer in answers) == 1
        deliveries = await repos.deliveries.collection.count_documents({"tracking_number": event["tracking_number"]})
        notifications = await repos.notifications.collection.count_documents(
            {"dedupe_key": f"event:{KEY}:{event['event_id']}"}
        )
        assert (deliveries, notifications) == (1, 1)
        stored = await repos.backoffice_events.by_id(f"{KEY}:{event['event_id']}")
        assert stored is not None and stored.applied_at is not None and stored.notified == 1


async def test_concurrent_replays_of_a_complaint_update_add_one_history_entry(api: RunningApp) -> None:
    repos = services_of(api).repos
    complaint = (await repos.complaints.by_status([ComplaintStatus.NEW]))[0]
    event = {
        "event_id": f"c-{uuid.uuid4().hex}",
        "type": "complaint_updated",
        "ticket_id": complaint.ticket_id,
        "status": "acknowledged",
        "text": "Received by the district office",
    }
    answers = await at_once(api, event)
    assert statuses(answers) == [(202, "accepted")] + [(202, "duplicate")] * (TIMES - 1), answers
    changed = await repos.complaints.by_ticket(complaint.ticket_id)
    assert changed is not None and changed.status == ComplaintStatus.ACKNOWLEDGED
    assert len([e for e in changed.history if e.ref == f"event:{KEY}:{event['event_id']}"]) == 1
    assert len(changed.history) == len(complaint.history) + 1
    notifications = await repos.notifications.collection.count_documents(
        {"dedupe_key": f"event:{KEY}:{event['event_id']}"}
    )
    assert notifications == 1


async def test_a_crashed_appliers_claim_expires_and_a_replay_applies_the_event_once(api: RunningApp) -> None:
    """The process that stored and claimed the event died before applying it: its claim runs out
    and the replays (several at once) apply it exactly once, after waiting for the claim."""
    repos = services_of(api).repos
    event = mailed()
    now = datetime.now(UTC)
    lease = 1.5
    stored = await repos.backoffice_events.store_new(
        [ReceivedEvent(KEY, event)], now, owner="crashed-applier", until=now + timedelta(seconds=lease)
    )
    assert stored == [True]
    started = time.monotonic()
    answers = await at_once(api, event, times=4)
    assert statuses(answers) == [(202, "duplicate")] * 4, answers
    assert sum(answer["notified"] for _, answer in answers) == 1  # applied by exactly one of them
    assert time.monotonic() - started >= lease - 0.5  # they waited for the claim to run out
    deliveries = await repos.deliveries.collection.count_documents({"tracking_number": event["tracking_number"]})
    assert deliveries == 1
    done = await repos.backoffice_events.by_id(f"{KEY}:{event['event_id']}")
    assert done is not None and done.applied_at is not None and done.notified == 1


async def test_a_reported_delivery_is_written_once_even_when_applied_twice(api: RunningApp) -> None:
    """The delivery write itself is idempotent (a unique key, not check-then-insert): two
    applications of one report at once make one delivery record."""
    services = services_of(api)
    number = tracking()
    report = StageReport(
        kind=DeliveryKind.LICENSE_MAIL,
        citizen_id_number=PERSON,
        stage=DeliveryStage.MAILED,
        at=datetime.now(UTC),
        tracking_number=number,
        courier=Courier.EMS,
    )
    ref = f"event:{KEY}:twice-{uuid.uuid4().hex}"
    first, second = await asyncio.gather(*(record_stage(services, report, ref=ref) for _ in range(2)))
    assert first.delivery.id == second.delivery.id
    assert await services.repos.deliveries.collection.count_documents({"tracking_number": number}) == 1


# --- finding 3: dates parsed for real, no body answered with 500 --------------------------------------


@pytest.mark.parametrize("value", IMPOSSIBLE_DATES)
async def test_an_impossible_date_is_422_naming_the_field_and_nothing_is_stored(api: RunningApp, value: str) -> None:
    repos = services_of(api).repos
    before = await repos.backoffice_events.count()
    event = mailed(mailed_at=value)
    status, answer = await signed(api, event)
    assert status == 422, answer
    assert [e["path"] for e in answer["errors"]] == ["/mailed_at"]
    assert await repos.backoffice_events.count() == before
    violation = {
        "event_id": f"v-{uuid.uuid4().hex}",
        "type": "violation_recorded",
        "plate": "京A12345",
        "occurred_at": value,
        "place": {"en": "Chang'an Avenue", "zh": "长安街"},
        "code": "1039",
        "behaviour": {"en": "Parking", "zh": "违停"},
        "fine_yuan": 200,
        "points": 0,
        "source": "camera",
    }
    status, answer = await signed(api, violation)
    assert status == 422 and "/occurred_at" in [e["path"] for e in answer["errors"]], answer


async def test_a_batch_with_an_impossible_date_answers_per_event_and_applies_the_good_ones(api: RunningApp) -> None:
    good, bad, other = mailed(), mailed(mailed_at=IMPOSSIBLE_DATES[0]), mailed()
    status, answer = await signed(api, {"events": [good, bad, other]})
    assert status == 200, answer
    assert [r["status"] for r in answer["results"]] == ["accepted", "invalid", "accepted"]
    assert answer["results"][1]["errors"][0]["path"] == "/mailed_at"
    status, again = await signed(api, {"events": [good, bad, other]})  # the sender retries: no poison
    assert status == 200 and [r["status"] for r in again["results"]] == ["duplicate", "invalid", "duplicate"]


HOSTILE_BODIES: dict[str, tuple[bytes, str]] = {
    "deeply nested array": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    "deeply nested object": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
    "nested event field": (
        json.dumps(mailed())[:-1].encode() + b', "extra": ' + b"[" * 900 + b"]" * 900 + b"}",
        "application/json",
    ),
    "nested in a batch": (b'{"events": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}", "application/json"),
    "nested NDJSON line": (
        json.dumps(mailed()).encode() + b"\n" + b"[" * 100_000 + b"]" * 100_000,
        "application/x-ndjson",
    ),
    "5,000-digit number": (
        b'{"event_id": "n-1", "type": "license_mailed", "x": ' + b"9" * 5000 + b"}",
        "application/json",
    ),
    "not UTF-8": (b'{"event_id": "\xff\xfe"}', "application/json"),
    "UTF-16": ('{"event_id": "u-1"}'.encode("utf-16"), "application/json"),
    "lone surrogate": (b'{"event_id": "s-1", "type": "license_mailed", "courier": "\\ud800"}', "application/json"),
    "NaN": (b"NaN", "application/json"),
    "empty": (b"", "application/json"),
    "null event in a batch": (b'{"events": [null, 1, "x", []]}', "application/json"),
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
async def test_no_body_is_answered_with_500(api: RunningApp, name: str) -> None:
    body, content_type = HOSTILE_BODIES[name]
    status, answer = await signed(api, body, content_type=content_type)
    assert status in (200, 400, 413, 422), (status, answer)
    assert isinstance(answer, dict) and ("error" in answer or "errors" in answer or "results" in answer), answer


async def test_a_lone_surrogate_in_free_text_is_422_not_a_storage_failure(api: RunningApp) -> None:
    repos = services_of(api).repos
    complaint = (await repos.complaints.by_status([ComplaintStatus.NEW]))[0]
    body = (
        b'{"event_id": "s-%s", "type": "complaint_updated", "ticket_id": "%s", "status": "in_progress", '
        b'"text": "broken \\udc80 text"}' % (uuid.uuid4().hex.encode(), complaint.ticket_id.encode())
    )
    before = await repos.backoffice_events.count()
    status, answer = await signed(api, body)
    assert status == 422 and answer["errors"][0]["path"] == "/text", answer
    assert await repos.backoffice_events.count() == before


# --- finding 9: the body is bounded before it is read and before the signature is checked -------------


async def raw_request(app: RunningApp, head: str, body_chunks: list[bytes] | None = None) -> str:
    """Send a hand-made request (headers, then optionally chunks) and return the status line."""
    parts = urlsplit(app.base_url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(head.encode())
        await writer.drain()

        async def send_body() -> None:
            for chunk in body_chunks or []:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()

        sender = asyncio.create_task(send_body()) if body_chunks is not None else None
        try:
            line = await asyncio.wait_for(reader.readline(), 10)
        finally:
            if sender is not None:
                sender.cancel()
                await asyncio.gather(sender, return_exceptions=True)
        return line.decode().strip()
    finally:
        writer.close()
        await asyncio.gather(writer.wait_closed(), return_exceptions=True)


async def test_a_declared_large_body_is_refused_before_it_is_sent(api: RunningApp) -> None:
    """Four 60 MB bodies took the app from 252 to 587 MB: now the declared length is refused at once."""
    head = (
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "X-Key-Id: ems\r\nX-Timestamp: 1\r\nX-Signature: 00\r\nContent-Length: 60000000\r\n\r\n"
    )
    lines = await asyncio.gather(*(raw_request(api, head) for _ in range(4)))
    assert all(line.startswith("HTTP/1.1 413") for line in lines), lines
    expecting = head.replace("Content-Length", "Expect: 100-continue\r\nContent-Length")
    assert (await raw_request(api, expecting)).startswith("HTTP/1.1 413")  # not "100 Continue"


async def test_expect_100_continue_within_the_limit_is_served(api: RunningApp) -> None:
    body = json.dumps(mailed()).encode()
    headers = {**signed_headers(KEY, SECRET, body), "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(api.base_url + "/api/v1/events", data=body, headers=headers, expect100=True) as response,
    ):
        assert response.status == 202 and (await response.json())["status"] == "accepted"


async def test_a_chunked_body_over_the_limit_is_refused_after_the_limit(api: RunningApp) -> None:
    """A known key and a fresh timestamp (what a replayed capture has): the body is read up to the
    limit only, then refused, whatever the signature."""
    limit = api.settings.model_dump().get("events_max_body", 1024 * 1024)
    head = (
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Transfer-Encoding: chunked\r\nX-Key-Id: {KEY}\r\nX-Timestamp: {int(time.time())}\r\n"
        "X-Signature: 00\r\n\r\n"
    )
    chunk = b" " * 65536
    line = await raw_request(api, head, [chunk] * (limit // len(chunk) + 16))
    assert line.startswith("HTTP/1.1 413"), line


async def test_a_body_within_the_limit_is_still_signature_checked(api: RunningApp) -> None:
    body = json.dumps(mailed()).encode()
    headers = {**signed_headers(KEY, "wrong", body), "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http:
        status, answer = await post_raw(http, api, body, headers)
    assert status == 401 and answer == {"error": "bad signature"}


async def test_the_rest_of_the_app_reads_at_most_one_mebibyte(api: RunningApp) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            api.base_url + "/staff/login",
            data=b"username=a&password=" + b"x" * (2 * 1024 * 1024),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as response,
    ):
        assert response.status == 413


# --- batch semantics: per event, each with its outcome ---------------------------------------------


async def test_a_fault_applying_one_event_is_that_events_result_and_a_resend_applies_it(
    api: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import push.events.process

    good, faulty = mailed(), mailed()
    apply_event = push.events.process.apply_event

    async def flaky(services: Any, key_id: str, event: dict[str, Any]) -> int:
        if event["event_id"] == faulty["event_id"]:
            raise ConnectionError("the database went away")
        return await apply_event(services, key_id, event)

    monkeypatch.setattr(push.events.process, "apply_event", flaky)
    status, answer = await signed(api, {"events": [good, faulty]})
    assert status == 200, answer
    assert [r["status"] for r in answer["results"]] == ["accepted", "failed"]
    assert (answer["accepted"], answer["failed"]) == (1, 1)
    assert "send it again" in answer["results"][1]["errors"][0]["message"]
    status, single = await signed(api, faulty)
    assert status == 503 and single["status"] == "failed"

    monkeypatch.setattr(push.events.process, "apply_event", apply_event)
    status, again = await signed(api, {"events": [good, faulty]})  # stored, not applied: applied now, once
    assert [(r["status"], r["notified"]) for r in again["results"]] == [("duplicate", 0), ("duplicate", 1)]
    repos = services_of(api).repos
    assert await repos.deliveries.collection.count_documents({"tracking_number": faulty["tracking_number"]}) == 1


async def test_the_openapi_document_states_the_batch_semantics_and_limits(api: RunningApp) -> None:
    async with aiohttp.ClientSession() as http, http.get(api.base_url + "/api/v1/openapi.json") as response:
        doc = await response.json()
    operation = doc["paths"]["/api/v1/events"]["post"]
    assert "applied per event, not atomically" in operation["description"]
    assert "4 MiB" in operation["responses"]["413"]["description"]
    assert {"422", "503"} <= set(operation["responses"])
    assert doc["components"]["schemas"]["Event_license_mailed"]["properties"]["mailed_at"]["format"] == "date-time"
    assert "failed" in doc["components"]["schemas"]["EventResult"]["properties"]["status"]["enum"]
