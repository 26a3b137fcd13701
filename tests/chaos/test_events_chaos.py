"""The back-office events API against the app in its own process (tests/chaos/harness.py): the
same signed event sent many times at once, and the app SIGKILLed at random instants while it
applies a batch, then the batch sent again. Invariant: every event applied exactly once (one
delivery per tracking number, one notification per event, every stored event applied)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from core.identifiers import id_check_digit
from push.events import signed_headers
from storage.models import Citizen
from tests.chaos.harness import Stage, stage

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]

KEY, SECRET = "chaos", "chaos-events-secret"
BATCH = 200
# One citizen per event: each mailing starts its own delivery (two mailings for one citizen in
# one batch may both match the citizen's one open delivery; that is the matching rule, not this test's).
PEOPLE = [f"{110101 + i // 1000}19810101{i % 1000:03d}" for i in range(BATCH * 4)]
PEOPLE = [first17 + id_check_digit(first17) for first17 in PEOPLE]
INSTANTS = int(
    os.environ.get("CHAOS_INSTANTS", "1")
)  # kills while a batch is applied (each waits up to a claim lease before the replay applies)


@pytest.fixture
async def chaos(tmp_path: Path) -> AsyncIterator[Stage]:
    async with stage(tmp_path, EVENTS_API_KEYS=f"{KEY}:{SECRET}") as made:
        now = datetime.now(UTC)
        await made.repos.citizens.insert_many(
            [
                Citizen(
                    id_number=person,
                    name=f"Chaos {i}",
                    phone="13800000000",
                    mailing_address="-",
                    postal_code="100000",
                    city="beijing",
                    created_at=now,
                )
                for i, person in enumerate(PEOPLE)
            ]
        )
        yield made


def mailing(tag: str, i: int) -> dict[str, Any]:
    return {
        "event_id": f"{tag}-{i}",
        "type": "license_mailed",
        "id_number": PEOPLE[i],
        "courier": "EMS",
        "tracking_number": f"EA{random.randrange(10**9):09d}CN",
        "mailed_at": datetime.now(UTC).isoformat(),
    }


async def send(http: aiohttp.ClientSession, base_url: str, payload: Any) -> tuple[int, Any]:
    """Signed now (a replay after a restart is signed again, as the sending system does)."""
    body = json.dumps(payload).encode()
    headers = {**signed_headers(KEY, SECRET, body), "Content-Type": "application/json"}
    async with http.post(base_url + "/api/v1/events", data=body, headers=headers) as response:
        return response.status, await response.json()


async def applied_once(chaos: Stage, events: list[dict[str, Any]]) -> None:
    repos = chaos.repos
    for event in events:
        deliveries = await repos.deliveries.collection.count_documents({"tracking_number": event["tracking_number"]})
        notifications = await repos.notifications.collection.count_documents(
            {"dedupe_key": f"event:{KEY}:{event['event_id']}"}
        )
        stored = await repos.backoffice_events.by_id(f"{KEY}:{event['event_id']}")
        assert (deliveries, notifications) == (1, 1), (event["event_id"], deliveries, notifications)
        assert stored is not None and stored.applied_at is not None, event["event_id"]


async def test_the_same_event_sent_at_once_is_applied_once(chaos: Stage) -> None:
    events = [mailing(f"same-{uuid.uuid4().hex[:6]}", i) for i in range(3)]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        for event in events:
            body = json.dumps(event).encode()
            headers = {**signed_headers(KEY, SECRET, body), "Content-Type": "application/json"}

            async def once(body: bytes = body, headers: dict[str, str] = headers) -> tuple[int, str]:
                async with http.post(chaos.app.base_url + "/api/v1/events", data=body, headers=headers) as r:
                    return r.status, (await r.json())["status"]

            answers = sorted(await asyncio.gather(*(once() for _ in range(8))))
            assert answers == [(202, "accepted")] + [(202, "duplicate")] * 7, answers
    await applied_once(chaos, events)


async def test_killed_while_applying_a_batch_the_replay_applies_each_event_once(chaos: Stage) -> None:
    rng = random.Random(23)
    async with aiohttp.ClientSession() as http:
        for trial in range(INSTANTS):
            events = [mailing(f"kill{trial}-{uuid.uuid4().hex[:6]}", (trial + 1) * BATCH + i) for i in range(BATCH)]
            request = asyncio.create_task(send(http, chaos.app.base_url, {"events": events}))
            await asyncio.sleep(rng.uniform(0.05, 1.0))
            await asyncio.to_thread(chaos.app.kill9)
            first = await asyncio.gather(request, return_exceptions=True)
            await asyncio.to_thread(chaos.app.start)
            stored = [await chaos.repos.backoffice_events.by_id(f"{KEY}:{e['event_id']}") for e in events]
            interrupted = sum(1 for s in stored if s is not None and s.applied_at is None)
            status, answer = await asyncio.wait_for(send(http, chaos.app.base_url, {"events": events}), 120)
            assert status == 200, answer
            assert {r["status"] for r in answer["results"]} <= {"accepted", "duplicate"}, answer
            print(  # the figures for docs/reliability.md
                f"trial {trial}: first answer {'lost' if isinstance(first[0], BaseException) else first[0][0]}, "
                f"stored {sum(s is not None for s in stored)}/{BATCH}, interrupted {interrupted}, "
                f"replay accepted {answer['accepted']} duplicates {answer['duplicates']}"
            )
            await applied_once(chaos, events)
