"""The push worker: `python bot.py worker` (any number of processes), or one inside the app.

Three stages connected by bounded queues, so Telegram's limits are the only thing that sets
the pace and memory stays flat however long the backlog is:

1. fetch: XREADGROUP a batch (urgent stream first), load the notifications and their citizens
   with one query each, decide (send / hold for quiet hours / hold for an unbound citizen /
   dead: opted out, unreachable, expired). Nothing is written for the ones to send: their
   entries in the consumer group's pending-entries list mark them in flight;
2. send (PUSH_CONCURRENCY tasks): wait for the chat's and a global slot of the one scheduler
   every message of the bot goes through (messenger/scheduler.py: replies first, pushes keep
   PUSH_SHARE while they wait; above the free rate, paid broadcasts for the overflow only),
   call sendMessage on the worker's own Bot session (no automatic retries: the worker decides),
   classify the answer;
3. complete: every ~100 ms, record "sent" with the Telegram message ids in one bulk write
   (idempotent by id), then XACK + XDEL. One MongoDB write per message sent.

Failures: 429 -> every worker pauses `retry_after`, the message is tried again; 403 / 400 chat
not found -> the citizen is marked unreachable, dead letter; other 400 -> dead letter; 5xx and
network errors -> "failed" with exponential backoff and jitter, dead letter after
PUSH_MAX_ATTEMPTS. Crash recovery: entries a dead worker left pending are claimed with
XAUTOCLAIM after PUSH_CLAIM_TIMEOUT (and a restarted worker re-reads its own); a live worker
touches the entries it holds on every housekeeping round, so one waiting long for a slot is
never taken for a dead worker's. Such a message
may have reached Telegram, so it is resent once only (`take_over` marks it recovered; found
recovered again, it is dead-lettered as "outcome unknown"). Duplicates after a crash are at
most the entries the dead worker held.

The rules (who is not sent to now, backoff, when to give up) and every outbox write are the use
cases of actions/outbox.py; this module moves the messages.
"""

from __future__ import annotations

import asyncio
import os
import socket
from contextlib import suppress
from dataclasses import dataclass

import structlog
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from actions import outbox
from actions.services import Services
from core.config import Settings
from core.language import Language
from core.metrics import PUSH_OUTCOMES, SEND_PAID, SEND_PAID_STARS
from core.retry import backoff
from messenger.botapi import BadRequest, BotApiClient, Forbidden, NetworkError, RetryAfter, ServerError
from messenger.scheduler import Kind, SendScheduler, scheduler_for, send_orphans
from push.outbox import Relay
from push.render import render
from push.stream import Entry, PushStream
from storage.models import LOCAL_TZ, Citizen, Notification, NotificationState

log = structlog.get_logger(__name__)

S = NotificationState
COMPLETE_EVERY = 0.1  # seconds: "sent" is recorded in one bulk write per interval
COMPLETE_MAX = 200  # outcomes per bulk write: ~0.3 s on SecantusDB, far inside its timeouts


def build_push_client(settings: Settings) -> BotApiClient:
    """The worker's own Bot API client: same API server as the bot, no automatic retries."""
    return BotApiClient.from_settings(settings, connections=concurrency_for(settings) + 4)


def concurrency_for(settings: Settings) -> int:
    if settings.push_concurrency:
        return settings.push_concurrency
    return max(8, min(128, int(settings.push_rate / 8)))


def default_consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class Job:
    entry: Entry
    notification: Notification
    chat_id: int
    lang: Language


@dataclass
class Outcome:
    job: Job
    message_id: int | None = None  # sent
    handled: bool = False  # the outcome is already recorded (failed, dead, released)


class PushWorker:
    def __init__(
        self,
        services: Services,
        bot: BotApiClient,
        *,
        consumer: str | None = None,
        stream: PushStream | None = None,
        scheduler: SendScheduler | None = None,
        run_reminders: bool | None = None,
    ) -> None:
        self.services = services
        self.settings = services.settings
        self.bot = bot
        self.consumer = consumer or default_consumer_name()
        self.stream = stream or PushStream(services.redis, services.keys)
        self.scheduler = scheduler or scheduler_for(services.redis, services.keys, self.settings)
        self.relay = Relay(services, self.stream)
        self.concurrency = concurrency_for(self.settings)
        self.batch = max(16, 2 * self.concurrency)
        self.jobs: asyncio.Queue[Job] = asyncio.Queue(maxsize=self.batch)
        # Bounded: when MongoDB records outcomes slower than Telegram takes messages, sending slows
        # down to match (entries wait in the stream, not in memory, and never look abandoned).
        self.outcomes: asyncio.Queue[Outcome] = asyncio.Queue(maxsize=2 * self.batch)
        self.run_reminders = self.settings.push_reminders if run_reminders is None else run_reminders
        self.sent = 0
        self.held: dict[str, Entry] = {}  # stream entries this worker holds (touched while they wait)
        self._orphans: asyncio.Task[int] | None = None
        self._stop = asyncio.Event()

    # --- lifecycle ------------------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        """Until `stop()`: fetch, send, complete; plus the relay/sweep/claim loop."""
        await self.stream.ensure_group()
        await self.scheduler.start()
        log.info(
            "push worker started",
            consumer=self.consumer,
            rate=self.settings.push_rate,
            concurrency=self.concurrency,
            paid_broadcast=self.settings.push_paid_broadcast,
        )
        senders = [asyncio.create_task(self._sender(), name=f"push-send-{i}") for i in range(self.concurrency)]
        completer = asyncio.create_task(self._completer(), name="push-complete")
        housekeeping = asyncio.create_task(self._housekeeping(), name="push-housekeeping")
        try:
            await self._accept(await self.stream.own_pending(self.consumer, self.batch * 4))
            failures = 0
            while not self._stop.is_set():
                await self._wait_for_room()
                try:
                    entries = await self.stream.read(self.consumer, self.batch - self.jobs.qsize(), block_ms=500)
                    if entries:
                        await self._accept(entries)
                    failures = 0
                except (RedisError, PyMongoError) as exc:  # a blip must not end the worker
                    failures += 1
                    log.warning("push fetch failed; retrying", error=str(exc), attempt=failures)
                    await asyncio.sleep(backoff(failures, 0.5, 10.0))
        finally:
            housekeeping.cancel()
            if self._orphans is not None:
                self._orphans.cancel()
            await self.jobs.join()  # drain: what was taken is sent and recorded
            await self.outcomes.join()
            for task in [*senders, completer]:
                task.cancel()
            for task in [*senders, completer, housekeeping]:
                with suppress(asyncio.CancelledError):
                    await task
            log.info("push worker stopped", consumer=self.consumer, sent=self.sent)

    async def _wait_for_room(self) -> None:
        while self.jobs.qsize() >= self.batch // 2 and not self._stop.is_set():
            await asyncio.sleep(0.02)

    async def _housekeeping(self) -> None:
        from actions.dispatch import check_deadlines_if_due
        from actions.payments.gateway import build_gateway
        from actions.payments.orders import reconcile_if_due
        from push.reminders import run_daily_once

        while True:
            busy = False
            try:
                moved = await self.relay.relay_due()
                busy = moved > 0  # more may be due: look again soon
                claimed = await self.stream.autoclaim(
                    self.consumer, int(self.settings.push_claim_timeout * 1000), self.batch
                )
                if claimed:
                    log.warning("claimed entries of a stopped worker", count=len(claimed))
                    await self._accept(claimed)
                await self.stream.touch(self.consumer, list(self.held.values()))
                self._adopt_orphans()
                await self.relay.sweep()
                if self.run_reminders:
                    await run_daily_once(self.services)
                # Payments whose outcome never came (PAYMENT_RECONCILE_INTERVAL, once across workers).
                report = await reconcile_if_due(self.services, build_gateway(self.settings))
                if report is not None and (report.paid or report.declined or report.expired or report.applied):
                    log.info("payments reconciled", report=str(report))
                # Complaint deadlines: flag, escalate (COMPLAINT_DEADLINE_CHECK_INTERVAL, once across workers).
                deadlines = await check_deadlines_if_due(self.services)
                if deadlines is not None and (deadlines.routed or deadlines.warned or deadlines.escalated):
                    log.info("complaint deadlines checked", report=str(deadlines))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("push housekeeping failed; retrying")
            interval = self.settings.push_sweep_interval
            await asyncio.sleep(min(interval, 1.0) if busy else interval)

    def _adopt_orphans(self) -> None:
        """Replies queued by a process that died are sent from here (one round at a time)."""
        previous = self._orphans
        if previous is not None:
            if not previous.done():
                return
            if not previous.cancelled() and previous.exception() is not None:
                log.error("sending a stopped process's replies failed", error=repr(previous.exception()))
        self._orphans = asyncio.create_task(send_orphans(self.scheduler, self.bot), name="send-orphans")

    # --- stage 1: fetch and decide ----------------------------------------------------------------

    async def _accept(self, entries: list[Entry]) -> None:
        if not entries:
            return
        repos = self.services.repos
        now = self.services.clock()
        found = await repos.notifications.by_ids(list({e.notification_id for e in entries}))
        citizens = await repos.citizens.by_id_numbers(
            list({n.citizen_id_number for n in found.values() if n.citizen_id_number is not None})
        )
        done: list[Entry] = []
        jobs: list[Job] = []
        seen: set[str] = set()
        for entry in entries:
            notification = found.get(entry.notification_id)
            if notification is None or entry.notification_id in seen or notification.state not in outbox.IN_STREAM:
                done.append(entry)  # settled already (sent, dead, held again) or a stale entry
                continue
            seen.add(entry.notification_id)
            citizen = citizens.get(notification.citizen_id_number) if notification.citizen_id_number else None
            settled = await outbox.settle_unsendable(self.services, notification, citizen, now)
            if settled is not None:
                PUSH_OUTCOMES.labels(settled.value).inc()
                done.append(entry)
                continue
            # A stopped worker held it: it may have reached Telegram. Resend once only.
            recovered = entry.recovered or notification.state == S.SENDING
            if recovered and not await outbox.take_over(self.services, notification.id, self.consumer, now):
                done.append(entry)
                continue
            jobs.append(self._job(entry, notification, citizen))
        await self.stream.done(done)
        for job in jobs:
            self.held[job.entry.entry_id] = job.entry
            await self.jobs.put(job)

    def _job(self, entry: Entry, notification: Notification, citizen: Citizen | None) -> Job:
        if citizen is None:  # sent straight to a chat (a reporter without a linked identity)
            assert notification.direct_chat_id is not None
            lang = notification.direct_language or Language.ZH
            return Job(entry=entry, notification=notification, chat_id=notification.direct_chat_id, lang=lang)
        assert citizen.telegram is not None
        lang = citizen.telegram.language
        return Job(entry=entry, notification=notification, chat_id=citizen.telegram.chat_id, lang=lang)

    # --- stage 2: send ------------------------------------------------------------------------------

    async def _sender(self) -> None:
        while True:
            job = await self.jobs.get()
            try:
                await self.outcomes.put(await self._send(job))
            except Exception as exc:  # a bug must not lose the job: record it as a failure
                log.exception("push send crashed", notification_id=job.notification.id)
                await self._retry_later(job, f"internal error: {exc!r}")
                await self.outcomes.put(Outcome(job, handled=True))
            finally:
                self.jobs.task_done()

    async def _send(self, job: Job) -> Outcome:
        now_local = self.services.clock()
        rendered = render(
            job.notification, job.lang, self.services.catalog, today=now_local.astimezone(LOCAL_TZ).date()
        )
        attempt = 0
        while True:
            attempt += 1
            slot = await self.scheduler.acquire(Kind.PUSH, job.chat_id, f"p{job.notification.id}:{attempt}")
            if slot.paid:
                SEND_PAID.labels("push").inc()
                SEND_PAID_STARS.inc(self.settings.push_paid_cost)
            try:
                message_id = await self.bot.send_message(
                    job.chat_id, rendered.text, reply_markup=rendered.markup, paid_broadcast=slot.paid
                )
                return Outcome(job, message_id=message_id)
            except RetryAfter as exc:
                wait = float(exc.retry_after or 1)
                await self.scheduler.pause(wait)
                log.warning("telegram 429: every worker pauses", retry_after=wait)
                if wait > self.settings.push_claim_timeout / 2:
                    await outbox.refused(self.services, job.notification.id, wait)
                    PUSH_OUTCOMES.labels("refused_429").inc()
                    return Outcome(job, handled=True)
            except Forbidden as exc:
                await self._unreachable(job, "blocked", str(exc))
                return Outcome(job, handled=True)
            except BadRequest as exc:
                if "chat not found" in exc.description.lower():
                    await self._unreachable(job, "chat_not_found", str(exc))
                else:
                    await outbox.rejected(self.services, job.notification.id, str(exc))
                    PUSH_OUTCOMES.labels("dead").inc()
                return Outcome(job, handled=True)
            except (ServerError, NetworkError) as exc:
                await self._retry_later(job, str(exc))
                return Outcome(job, handled=True)

    async def _unreachable(self, job: Job, reason: str, error: str) -> None:
        PUSH_OUTCOMES.labels("dead").inc()
        await outbox.unreachable(self.services, job.notification.id, job.chat_id, reason, error)
        log.info("citizen unreachable", chat_id=job.chat_id, reason=reason)

    async def _retry_later(self, job: Job, error: str) -> None:
        settled = await outbox.attempt_failed(self.services, job.notification, error)
        PUSH_OUTCOMES.labels(settled.value).inc()

    # --- stage 3: record and acknowledge --------------------------------------------------------------

    async def _completer(self) -> None:
        while True:
            batch = [await self.outcomes.get()]
            await asyncio.sleep(COMPLETE_EVERY)
            while not self.outcomes.empty() and len(batch) < COMPLETE_MAX:
                batch.append(self.outcomes.get_nowait())
            try:
                await self._complete(batch)
            finally:
                for _ in batch:
                    self.outcomes.task_done()

    async def _complete(self, batch: list[Outcome]) -> None:
        now = self.services.clock()
        sent = [(o.job.notification.id, o.job.chat_id, o.message_id) for o in batch if o.message_id is not None]
        for attempt in range(1, 6):
            try:
                await outbox.record_sent(self.services, sent, now)
                await self.stream.done([o.job.entry for o in batch])
                for o in batch:
                    self.held.pop(o.job.entry.entry_id, None)
                break
            except Exception:
                log.exception("recording sent notifications failed", attempt=attempt)
                await asyncio.sleep(backoff(attempt, 0.5))
        self.sent += len(sent)
        PUSH_OUTCOMES.labels("sent").inc(len(sent))
