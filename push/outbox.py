"""From the outbox (MongoDB, the source of truth) to the stream, and back after a crash.

- `OutboxQueue.enqueue`: `actions.notify.notify` stored a notification; hand it to the stream
  at once (pending -> queued, then XADD), so a push does not wait for the next sweep.
- `Relay.relay_due`: pending/failed notifications whose time has come (retries after backoff,
  quiet hours over, dead letters re-queued, a citizen who bound since) go to the stream.
- `Relay.sweep`: recovery: queued in MongoDB but not in any stream (a crash between the two
  writes) -> added again; held for an unbound citizen who has bound since -> due now.

Only one relay runs at a time across all workers (a Redis lock), the sweep once per claim
timeout; each step is idempotent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import structlog

from actions import outbox
from actions.services import Services
from push.stream import PushStream
from storage.models import Notification, NotificationState, new_id
from storage.redis import as_text

log = structlog.get_logger(__name__)

RELAY_BATCH = 500


class OutboxQueue:
    """`actions.services.PushQueue`: called by `notify` right after the outbox write."""

    def __init__(self, services: Services, stream: PushStream) -> None:
        self.services = services
        self.stream = stream

    async def enqueue(self, notification: Notification) -> None:
        queued = await outbox.queue_now(self.services, notification)
        if queued is not None:
            await self.stream.add([(queued.id, queued.urgent)])


class Relay:
    def __init__(self, services: Services, stream: PushStream) -> None:
        self.services = services
        self.stream = stream
        self.lock_key = services.keys.push_relay_lock()
        self.sweep_key = services.keys.push_sweep_lock()

    async def _locked(self, ttl_ms: int) -> str | None:
        token = new_id()
        ok = await self.services.redis.set(self.lock_key, token, nx=True, px=ttl_ms)
        return token if ok else None

    async def _unlock(self, token: str) -> None:
        if as_text(await self.services.redis.get(self.lock_key)) == token:
            await self.services.redis.delete(self.lock_key)

    async def relay_due(self) -> int:
        """Move due notifications to the stream; returns how many."""
        token = await self._locked(30_000)
        if token is None:
            return 0
        total = 0
        # Keep about 20 seconds of sending in the stream; the rest waits in the outbox, so MongoDB
        # does the queued-state writes at the pace of sending, not all at once. A batch is one
        # update of RELAY_BATCH documents: about a second on SecantusDB, well inside timeouts.
        cap = max(1000, int(self.services.settings.push_rate * 20))
        batch = RELAY_BATCH
        try:
            while True:
                room = cap - await self.stream.backlog()
                if room <= 0:
                    return total
                moved = await outbox.queue_due(self.services, min(batch, room))
                await self.stream.add(moved)
                total += len(moved)
                await self.services.redis.pexpire(self.lock_key, 30_000)
                if len(moved) < min(batch, room):
                    return total
        finally:
            await self._unlock(token)

    async def sweep(self) -> dict[str, int]:
        """Recovery after crashes, and notifications of citizens who bound since they were held.
        Runs once per claim timeout across all workers (its queries read the whole queue)."""
        settings = self.services.settings
        timeout = timedelta(seconds=settings.push_claim_timeout)
        ok = await self.services.redis.set(
            self.sweep_key, b"1", nx=True, px=max(1000, int(settings.push_claim_timeout * 1000))
        )
        if not ok:
            return {}
        report = {"requeued": 0, "recovered": 0, "released": 0}
        # Queued in MongoDB but in no stream: a crash between the outbox write and XADD. "sending"
        # is a state older versions wrote while sending: its outcome is unknown (resend once).
        stuck = await self.services.repos.notifications.stuck_in_stream(self.services.clock() - timeout)
        present = await self.stream.contains([nid for nid, _, _ in stuck])
        lost = [(nid, urgent, state) for (nid, urgent, state), inside in zip(stuck, present, strict=True) if not inside]
        queued = [(nid, urgent) for nid, urgent, state in lost if state == NotificationState.QUEUED.value]
        sending = [(nid, urgent) for nid, urgent, state in lost if state != NotificationState.QUEUED.value]
        if queued:
            await outbox.requeued(self.services, [nid for nid, _ in queued])
            report["requeued"] = await self.stream.add(queued)
        if sending:
            report["recovered"] = await self.stream.add(sending, recovered=True)
        report["released"] = await outbox.release_bound(self.services)
        if any(report.values()):
            log.info("outbox sweep", **report)
        return report


def attach_push(services: Services) -> Services:
    """The same services with `push` set: `notify` then hands new notifications to the stream."""
    return replace(services, push=OutboxQueue(services, PushStream(services.redis, services.keys)))
