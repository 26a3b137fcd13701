"""What the push pipeline records about each notification in the outbox (MongoDB, the source of
truth): queued for the stream, held, sent, retried with backoff, dead-lettered, re-queued.

The rules live here; push/ moves the messages (stream, limiter, Bot API) and calls these. Every
change is atomic on the expected current state, so two workers never record two outcomes.

- Not sent now: an unbound citizen's notification is held (30 days, then dead); an unreachable
  citizen's or an opted-out type is dead; a non-urgent one in the citizen's quiet hours
  (22:00-07:00 local, if they keep them) is held until they end.
- A send that failed for a reason that may pass (5xx, network) is retried with backoff and jitter
  (``core.retry.backoff``), dead after PUSH_MAX_ATTEMPTS; a 429 refusal is not an attempt.
- A notification a stopped worker held may have reached Telegram: it is resent once only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Final

from actions.services import Services
from core.retry import backoff
from storage.models import LOCAL_TZ, Citizen, Notification, NotificationState

S = NotificationState
IN_STREAM: Final = (S.QUEUED, S.SENDING)  # "sending": written by older versions while sending
QUIET_START: Final = time(22, 0)
QUIET_END: Final = time(7, 0)
HELD_UNBOUND: Final = "unbound"
HELD_QUIET: Final = "quiet_hours"
UNBOUND_HOLD: Final = timedelta(days=30)
NOT_REQUEUED: Final = ("opted_out",)  # dead letters that are the citizen's choice, not a failure


class Settled(StrEnum):
    """What became of a notification that was not sent (the workers count these)."""

    HELD = "held"
    DEAD = "dead"
    RETRY = "retry"


def in_quiet_hours(moment: datetime) -> bool:
    local = moment.astimezone(LOCAL_TZ).time()
    return local >= QUIET_START or local < QUIET_END


def quiet_hours_end(moment: datetime) -> datetime:
    local = moment.astimezone(LOCAL_TZ)
    end = datetime.combine(local.date(), QUIET_END, tzinfo=LOCAL_TZ)
    if local.time() >= QUIET_START:
        end += timedelta(days=1)
    return end


# --- into the stream ------------------------------------------------------------------------------


async def queue_now(services: Services, notification: Notification) -> Notification | None:
    """pending/failed -> queued for a notification just stored, unless it is for later; the
    queued one (to add to the stream) or None."""
    now = services.clock()
    if notification.not_before is not None and notification.not_before > now:
        return None
    return await services.repos.notifications.mark_queued(notification.id, now)


async def queue_due(services: Services, limit: int) -> list[tuple[str, bool]]:
    """Due pending/failed notifications -> queued; (id, urgent) of each, urgent first."""
    return await services.repos.notifications.queue_due(services.clock(), limit=limit)


async def requeued(services: Services, ids: list[str]) -> None:
    """The recovery sweep added these (queued, but missing from the stream) again."""
    await services.repos.notifications.touch_queued(ids, services.clock())


async def release_bound(services: Services) -> int:
    """Notifications held for an unbound citizen who has bound since (and is reachable): due now.
    Returns how many."""
    repos = services.repos
    released = 0
    for id_number in await repos.notifications.held_citizens(HELD_UNBOUND):
        citizen = await repos.citizens.by_id_number(id_number)
        if citizen is not None and citizen.telegram is not None and not citizen.telegram.unreachable:
            released += await repos.notifications.release_for_citizen(id_number, services.clock())
    return released


# --- before sending -------------------------------------------------------------------------------


async def settle_unsendable(
    services: Services, notification: Notification, citizen: Citizen | None, now: datetime
) -> Settled | None:
    """Hold or dead-letter a notification that must not be sent now; None if it may be sent."""
    repos = services.repos.notifications
    n = notification
    if n.citizen_id_number is None and n.direct_chat_id is not None:
        # A reporter without a linked identity (issue 15): no preferences on file; they asked for
        # this answer, so it goes at once (a chat that blocked the bot is recorded when sent).
        return None
    if citizen is None or citizen.telegram is None:
        if n.expires_at is not None and n.expires_at <= now:
            await repos.mark_dead(n.id, "expired: the citizen did not bind within 30 days", now, expected=IN_STREAM)
        else:
            await repos.hold_for(n.id, n.expires_at or now + UNBOUND_HOLD, HELD_UNBOUND, now)
        return Settled.HELD
    binding = citizen.telegram
    if binding.unreachable:
        reason = f"unreachable: {binding.unreachable_reason or 'blocked'}"
        await repos.mark_dead(n.id, reason, now, expected=IN_STREAM)
        return Settled.DEAD
    if not binding.preferences.wants(n.type):
        await repos.mark_dead(n.id, "opted_out", now, expected=IN_STREAM)
        return Settled.DEAD
    if not n.urgent and binding.preferences.quiet_hours and in_quiet_hours(now):
        await repos.hold_for(n.id, quiet_hours_end(now), HELD_QUIET, now)
        return Settled.HELD
    return None


async def take_over(services: Services, notification_id: str, worker: str, now: datetime) -> bool:
    """A notification a stopped worker held (it may have reached Telegram): True if ``worker``
    may resend it (once only); False if it was resent before, and is now dead-lettered."""
    repos = services.repos.notifications
    if await repos.take_over(notification_id, worker=worker, now=now):
        return True
    await repos.mark_dead(
        notification_id, "outcome unknown: the worker sending it stopped twice", now, expected=IN_STREAM
    )
    return False


# --- after sending --------------------------------------------------------------------------------


async def record_sent(services: Services, sent: Sequence[tuple[str, int, int]], now: datetime) -> int:
    """(id, chat id, Telegram message id) of notifications sent -> sent, in one bulk write."""
    return await services.repos.notifications.mark_sent_many(list(sent), now)


async def refused(services: Services, notification_id: str, wait: float) -> None:
    """Telegram refused (429) for longer than a worker holds an entry: try again after ``wait``
    seconds; not an attempt."""
    now = services.clock()
    await services.repos.notifications.retry_at(
        notification_id, now + timedelta(seconds=wait), "429 Too Many Requests", now, attempted=False
    )


async def attempt_failed(services: Services, notification: Notification, error: str) -> Settled:
    """A send that may succeed later (5xx, network error, a bug): retried after a backoff with
    jitter, dead once PUSH_MAX_ATTEMPTS attempts have failed."""
    settings = services.settings
    repos = services.repos.notifications
    now = services.clock()
    attempts = notification.attempts + 1  # this one included (counted when recorded)
    if attempts >= settings.push_max_attempts:
        await repos.dead_after_attempt(notification.id, f"gave up after {attempts} attempts: {error}", now)
        return Settled.DEAD
    delay = backoff(attempts, settings.push_backoff_base, settings.push_backoff_cap)
    await repos.retry_at(notification.id, now + timedelta(seconds=delay), error, now, attempted=True)
    return Settled.RETRY


async def rejected(services: Services, notification_id: str, error: str) -> None:
    """Telegram rejected the message itself (400 other than "chat not found"): dead letter."""
    await services.repos.notifications.dead_after_attempt(notification_id, error, services.clock())


async def unreachable(services: Services, notification_id: str, chat_id: int, reason: str, error: str) -> None:
    """The citizen blocked the bot or the chat is gone: the binding is marked unreachable (no more
    sends) and the notification dead-lettered."""
    now = services.clock()
    await services.repos.citizens.mark_unreachable(chat_id, reason=reason, now=now)
    await services.repos.notifications.dead_after_attempt(notification_id, f"unreachable: {error}", now)


# --- dead letters ---------------------------------------------------------------------------------


async def requeue_dead(services: Services, ids: list[str] | None = None) -> int:
    """Dead letters -> due now (attempts reset): ``ids``, or every one that is not the citizen's
    own choice (opted out). Returns how many."""
    repos = services.repos.notifications
    if ids is None:
        dead = await repos.dead_letters(limit=1_000_000)
        ids = [n.id for n in dead if not (n.last_error or "").startswith(NOT_REQUEUED)]
    return await repos.requeue_dead(services.clock(), ids)
