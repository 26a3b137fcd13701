"""A request's events validated, stored once and applied, one result per event, in order.

Every event is stored once per (key, event_id) before it is applied, and applied only under a
claim on its stored record (``BackofficeEventRepository.claim``): the request that stored it holds
the claim and renews it while it works; a concurrent replay waits for that request's outcome and
answers ``duplicate``; a crashed applier's claim runs out (CLAIM_LEASE) and the next replay applies
the event. A fault while applying one event is that event's result, ``failed`` (stored; sending it
again applies it); a refused change is ``refused`` (stored, not applied).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog

from actions.services import Services
from push.events.apply import Refused, apply_event
from push.events.validation import check_references, validate
from storage.repositories import BackofficeEventRepository, ReceivedEvent

log = structlog.get_logger(__name__)

APPLY_CONCURRENCY = 16
CLAIM_LEASE = 15.0  # seconds an applier's claim lasts unless renewed (renewed every third of it)
WAIT_FOR_FIRST = 60.0  # seconds a replay waits at most for the request applying the same event


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
