"""One outgoing scheduler for everything the bot sends (replies, edits, pushes, staff relay),
shared by every process through Redis. No aiogram here: push workers import it too.

Telegram's limits are physics: about 30 messages per second per bot, about 1 per second per
chat (short bursts tolerated), 20 per minute per group; with ``allow_paid_broadcast``, up to
1,000 per second, paid per message. One Lua call per attempt decides, atomically, with Redis'
own clock:

- **the global rate**: a send is granted only if fewer than ``rate`` free sends were granted in
  the last second (a sliding-window log), and at least ``1/rate`` after the previous one (sends
  are spread evenly, so timing jitter on the way to Telegram never makes a burst);
- **per chat**: a GCRA schedule per chat (a burst of ``chat_burst`` in a private chat, of
  ``group_per_minute`` in a group);
- **a pause**: a 429 from Telegram stops every sender until its ``retry_after`` has passed;
- **priority with a guaranteed share**: replies go first, in arrival order (a durable queue in
  Redis; a reply holds its place across retries and processes), but while pushes are waiting
  they keep ``push_share`` of every second's slots, so a broadcast finishes during a chat storm;
- **paid overflow**: with paid broadcasts on, a send the free rate cannot take now goes out at
  once with ``allow_paid_broadcast`` while the paid window has room; only those are paid.

A reply that cannot go now is stored in the queue (its Bot API call with it) before its sender
waits; the sender's process keeps a heartbeat, so a reply waiting for a slot is never taken for
a dead process's. When a process dies, a live one adopts its queued replies and sends them
(``orphans`` / ``adopt``); a ticket's result is kept for a while so a redelivered update that
makes the same call again gets the message that was sent instead of a second one.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import socket
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import redis.asyncio as aioredis
import structlog

from core.config import Settings
from core.retry import backoff
from messenger.botapi import BadRequest, BotApiClient, Forbidden, NetworkError, RetryAfter, ServerError
from storage.redis import Keys, as_text

log = structlog.get_logger(__name__)


class Kind(StrEnum):
    REPLY = "r"  # the bot answering a citizen, an edit, a staff relay: first, in arrival order
    NOTICE = "n"  # a retry or an overload notice: the head of the reply queue
    PUSH = "p"  # a notification: what is left, and a guaranteed share while pushes wait


class Verdict(StrEnum):
    OK = "ok"  # send now, free
    PAID = "paid"  # send now with allow_paid_broadcast
    GLOBAL = "g"  # the global rate is spent (or it is not this ticket's turn): wait
    CHAT = "c"  # this chat had its share: wait
    PAUSED = "p"  # Telegram said 429: everyone waits
    DONE = "done"  # this ticket was sent already (a redelivered update): its result is returned


# KEYS: 1 window (free sends, zset), 2 push window (zset), 3 paid window (zset), 4 spacing (next
# free instant), 5 chat schedule, 6 pause, 7 reply queue (zset), 8 pushes-waiting flag,
# 9 payloads (hash ticket -> Bot API call), 10 owners (hash ticket -> process), 11 results
# prefix (string), 12 paid counter (hash).
# ARGV: 1 kind, 2 ticket, 3 rate, 4 push share (slots per second), 5 chat interval, 6 chat
# tolerance, 7 paid extra rate (0 = off), 8 payload ('' = none), 9 owner, 10 lookahead, 11 guard
# (seconds added to the one-second window: jitter on the way to Telegram never makes 31), 12 burst
# (how many sends may go back to back before the even spacing applies).
# Returns {verdict, wait seconds, rank, result ('done') or the grant's window member ('ok', 'paid')
# or ''}. Numbers travel as strings (Redis would truncate Lua floats to integers).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local kind, ticket = ARGV[1], ARGV[2]
local rate, share = tonumber(ARGV[3]), tonumber(ARGV[4])
local interval = 1.0 / rate
local done = redis.call('GET', KEYS[11] .. ticket)
if done then
  redis.call('ZREM', KEYS[7], ticket)
  redis.call('HDEL', KEYS[9], ticket)
  redis.call('HDEL', KEYS[10], ticket)
  return {'done', '0', '0', done}
end
local function rank()
  local r = redis.call('ZRANK', KEYS[7], ticket)
  if r then return r end
  return redis.call('ZCARD', KEYS[7])
end
local function wait(verdict, seconds, r)
  if kind == 'p' then
    redis.call('SET', KEYS[8], '1', 'PX', 3000)
  else
    -- A reply waiting only for its chat's schedule does not join the queue (it would hold up
    -- the others); one already queued keeps its place.
    local queued = redis.call('ZSCORE', KEYS[7], ticket)
    if not queued and verdict ~= 'c' then
      local score = now
      if kind == 'n' then score = 0 end
      redis.call('ZADD', KEYS[7], score, ticket)
      queued = true
    end
    if queued then
      if ARGV[8] ~= '' then redis.call('HSETNX', KEYS[9], ticket, ARGV[8]) end
      redis.call('HSET', KEYS[10], ticket, ARGV[9])
    end
  end
  return {verdict, tostring(math.max(seconds, 0.001)), tostring(r), ''}
end
local pause = tonumber(redis.call('GET', KEYS[6]) or '0')
if pause > now then return wait('p', pause - now, 0) end
local chat_interval, tolerance = tonumber(ARGV[5]), tonumber(ARGV[6])
local chat_tat = math.max(tonumber(redis.call('GET', KEYS[5]) or '0'), now)
if chat_tat - now > tolerance then return wait('c', chat_tat - tolerance - now, 0) end
local span = 1.0 + tonumber(ARGV[11])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - span)
local total = redis.call('ZCARD', KEYS[1])
local pushes = redis.call('ZCARD', KEYS[2])
local spacing = tonumber(redis.call('GET', KEYS[4]) or '0')
local r = 0
local granted = false
local window_wait = 0
if total >= rate then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  window_wait = tonumber(oldest[2]) + span - now
end
if kind == 'p' then
  local replies = redis.call('ZCARD', KEYS[7])
  granted = total < rate and spacing <= now and (pushes < share or replies == 0)
  if not granted and total < rate and spacing <= now then
    -- replies go first: this push waits until its share frees (the oldest push leaves the window)
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    window_wait = interval
    if oldest[2] then window_wait = math.max(interval, tonumber(oldest[2]) + span - now) end
  end
else
  r = rank()
  local reserve = 0
  if redis.call('EXISTS', KEYS[8]) == 1 and pushes < share then reserve = share - pushes end
  granted = total + reserve < rate and spacing <= now and r < tonumber(ARGV[10])
  if not granted and total < rate and total + reserve >= rate then window_wait = interval end
end
-- every grant is its own member (a ticket granted again after a 429 still counts twice)
local grant = ticket .. '@' .. t[1] .. '.' .. string.format('%06d', tonumber(t[2]))
local function take(window)
  redis.call('ZADD', window, now, grant)
  redis.call('PEXPIRE', window, 2000)
  redis.call('SET', KEYS[5], tostring(chat_tat + chat_interval), 'PX', math.ceil((chat_tat + chat_interval - now) * 1000) + 1000)
  redis.call('ZREM', KEYS[7], ticket)
  redis.call('HDEL', KEYS[9], ticket)
  redis.call('HDEL', KEYS[10], ticket)
end
if granted then
  take(KEYS[1])
  if kind == 'p' then
    redis.call('ZADD', KEYS[2], now, grant)
    redis.call('PEXPIRE', KEYS[2], 2000)
  end
  -- sends are spread evenly, but a short burst may catch up (a sender that woke late, a few
  -- citizens at once): the one-second window above is the hard cap
  local next_free = math.max(spacing, now - tonumber(ARGV[12]) * interval) + interval
  redis.call('SET', KEYS[4], tostring(next_free), 'PX', 2000)
  return {'ok', '0', tostring(r), grant}
end
local paid = tonumber(ARGV[7])
if paid > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 1.0)
  if redis.call('ZCARD', KEYS[3]) < paid then
    take(KEYS[3])
    redis.call('HINCRBY', KEYS[12], kind == 'p' and 'push' or 'reply', 1)
    return {'paid', '0', tostring(r), grant}
  end
end
local seconds = math.max(window_wait, spacing - now)
if kind ~= 'p' and r >= tonumber(ARGV[10]) then
  seconds = math.max(seconds, (r - tonumber(ARGV[10]) + 1) * interval)
end
return wait('g', seconds, r)
"""

# KEYS: pause. ARGV: seconds. The pause only ever grows.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 1000)
end
return tostring(math.max(until_, current) - now)
"""

# KEYS: owners, payloads. ARGV: ticket, expected owner, new owner. Adopt a dead process's reply.
_ADOPT = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return false end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return redis.call('HGET', KEYS[2], ARGV[1])
"""

# KEYS: queue, payloads, owners. ARGV: ticket, payload, owner. A queued reply's Bot API call is
# stored (another process can send it); 1 when the ticket is queued, 0 when it is not.
_PERSIST = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1
"""

# Telegram methods that put a message in a chat (or change one): each takes a slot.
SCHEDULED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendMediaGroup",
        "sendVoice",
        "sendSticker",
        "sendVideo",
        "sendAnimation",
        "sendAudio",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "editMessageMedia",
    }
)

TELEGRAM_FREE_RATE = 30.0  # messages per second Telegram takes without paid broadcasts
MAX_PACING = 4.0  # seconds: the longest sleep between two attempts (typing is renewed each 4.5 s)
CHAT_GUARD = 1.02  # a chat's messages are spaced 2 % wider than its limit (jitter on the way)
GUARD = 0.1  # seconds: the window counted is 1.1 s long (a send reaches Telegram up to 100 ms after its grant)
LOOKAHEAD = 8  # at least: a reply among the first max(LOOKAHEAD, rate) queued may take a free slot
RESULT_TTL_MS = 3_600_000  # a queued ticket's result is kept an hour (a redelivered update finds it)
HEARTBEAT = 3.0  # seconds between a process's "alive" renewals
ALIVE_TTL_MS = 15_000  # a process silent this long is dead: its queued replies are adopted


@dataclass(frozen=True)
class SchedulerConfig:
    rate: float = 30.0  # free messages per second, all processes together
    push_share: float = 0.1  # of the rate, kept for pushes while they wait
    chat_interval: float = 1.0
    chat_burst: int = 3  # Telegram tolerates short bursts in a chat
    group_per_minute: int = 20
    paid_rate: float = 0.0  # 0: no paid broadcasts; else the paid ceiling (Telegram: 1,000/s)

    @property
    def burst(self) -> int:
        """Sends that may go back to back (a sixth of a second's worth, at least one)."""
        return max(1, int(self.rate // 6))

    @property
    def push_slots(self) -> int:
        return max(1, math.ceil(self.rate * self.push_share)) if self.push_share > 0 else 0


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    wait: float
    rank: int
    result: str | None = None  # DONE: the Bot API result sent before (JSON); OK, PAID: the grant

    @property
    def go(self) -> bool:
        return self.verdict in (Verdict.OK, Verdict.PAID)

    @property
    def paid(self) -> bool:
        return self.verdict is Verdict.PAID

    @property
    def granted_at(self) -> float | None:
        """Redis' clock when the slot was granted (the instant its window counts), for a grant."""
        if not self.go or not self.result or "@" not in self.result:
            return None
        return float(self.result.rsplit("@", 1)[1])


@dataclass(frozen=True)
class Orphan:
    ticket: str
    owner: str


def process_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class SendScheduler:
    """The shared schedule. ``take`` is one attempt; callers loop on its wait."""

    def __init__(self, redis: aioredis.Redis, keys: Keys, config: SchedulerConfig, *, owner: str | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.config = config
        self.owner = owner or process_name()
        self._take = redis.register_script(_TAKE)
        self._pause = redis.register_script(_PAUSE)
        self._adopt = redis.register_script(_ADOPT)
        self._persist = redis.register_script(_PERSIST)
        self._heartbeat: asyncio.Task[None] | None = None

    # --- lifecycle: the heartbeat that keeps this process's queued replies its own --------------

    async def start(self) -> None:
        """Beat now and every HEARTBEAT seconds (idempotent: the first queued reply starts it)."""
        if self._heartbeat is None or self._heartbeat.done():
            await self._beat()
            self._heartbeat = asyncio.create_task(self._beat_forever(), name="send-scheduler-heartbeat")

    async def stop(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            try:
                await self._heartbeat
            except asyncio.CancelledError:
                pass  # the cancellation asked for just above: the heartbeat has stopped
            self._heartbeat = None

    async def _beat(self) -> None:
        await self.redis.set(self.keys.send_alive(self.owner), "1", px=ALIVE_TTL_MS)

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                await self._beat()
            except Exception as exc:  # noqa: BLE001 - Redis blinked; the next beat tries again
                log.warning("send scheduler heartbeat failed", error=str(exc))

    # --- one attempt ----------------------------------------------------------------------------

    def _chat_limits(self, chat_id: int) -> tuple[float, float]:
        if chat_id < 0:  # a group: N per minute, a burst of N allowed
            interval = 60.0 / self.config.group_per_minute
            return interval, interval * (self.config.group_per_minute - 1)
        interval = self.config.chat_interval * CHAT_GUARD
        return interval, interval * (self.config.chat_burst - 1)

    async def take(self, kind: Kind, chat_id: int, ticket: str, payload: str = "") -> Decision:
        """One attempt for `ticket` (a unique id, the same across the attempts of one message):
        go now, or how long to wait. A waiting reply is queued (with `payload`, the Bot API call
        to make if this process dies) and keeps its place."""
        k = self.keys
        interval, tolerance = self._chat_limits(chat_id)
        paid_extra = max(0.0, self.config.paid_rate - self.config.rate) if self.config.paid_rate else 0.0
        verdict, wait, rank, result = await self._take(
            keys=[
                k.send_window(),
                k.send_window_push(),
                k.send_window_paid(),
                k.send_spacing(),
                k.send_chat(chat_id),
                k.send_pause(),
                k.send_queue(),
                k.send_push_waiting(),
                k.send_payloads(),
                k.send_owners(),
                k.send_result(""),
                k.send_paid_count(),
            ],
            args=[
                kind.value,
                ticket,
                repr(float(self.config.rate)),
                str(self.config.push_slots),
                repr(interval),
                repr(tolerance),
                repr(paid_extra),
                payload,
                self.owner,
                str(max(LOOKAHEAD, math.ceil(self.config.rate))),
                repr(GUARD),
                str(self.config.burst),
            ],
        )
        text = as_text(result) or ""
        return Decision(
            Verdict(as_text(verdict) or ""), float(as_text(wait) or 0), int(float(as_text(rank) or 0)), text or None
        )

    async def acquire(self, kind: Kind, chat_id: int, ticket: str | None = None) -> Decision:
        """Wait until `chat_id` may get a message and a slot is ours (pushes; no payload)."""
        ticket = ticket or uuid.uuid4().hex
        while True:
            decision = await self.take(kind, chat_id, ticket)
            if decision.go or decision.verdict is Verdict.DONE:
                return decision
            await asyncio.sleep(pacing(decision))

    async def pause(self, seconds: float) -> float:
        """Stop every sender for `seconds` (Telegram answered 429 retry_after)."""
        return float(as_text(await self._pause(keys=[self.keys.send_pause()], args=[repr(float(seconds))])) or 0)

    async def paused_for(self) -> float:
        raw = await self.redis.get(self.keys.send_pause())
        if raw is None:
            return 0.0
        now_s, now_us = await self.redis.time()
        return max(0.0, float(as_text(raw) or 0) - (now_s + now_us / 1e6))

    # --- results, abandonment and dead letters --------------------------------------------------

    async def remember(self, ticket: str, result: Any) -> None:
        """A queued ticket was sent: keep its result so a second attempt of the same call (a
        redelivered update, an adopter) returns it instead of sending again."""
        await self.redis.set(self.keys.send_result(ticket), json.dumps(result, ensure_ascii=False), px=RESULT_TTL_MS)

    async def forget(self, ticket: str) -> None:
        """The caller gave up on a queued ticket (it failed for good): out of the queue."""
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(k.send_queue(), ticket)
            pipe.hdel(k.send_payloads(), ticket)
            pipe.hdel(k.send_owners(), ticket)
            await pipe.execute()

    async def persist(self, ticket: str, payload: str) -> bool:
        """Store a queued reply's call now (not at its next attempt): from here on it is durable.
        False when the ticket is not in the queue (it waits only for its chat, briefly)."""
        k = self.keys
        keys = [k.send_queue(), k.send_payloads(), k.send_owners()]
        return bool(await self._persist(keys=keys, args=[ticket, payload, self.owner]))

    async def release(self, ticket: str, payload: str) -> None:
        """Its sender is gone (the handler was cancelled) but the reply should still go: the
        ticket keeps its place and any live process's orphan sweep sends it."""
        k = self.keys
        if await self.redis.zscore(k.send_queue(), ticket) is not None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hsetnx(k.send_payloads(), ticket, payload)
                pipe.hset(k.send_owners(), ticket, "")
                await pipe.execute()

    async def dead_letter(self, ticket: str, chat_id: int, method: str, error: str) -> None:
        """A message that kept failing: kept (the last 1,000) for `bot.py outbox`, never silently lost."""
        entry = {"ticket": ticket, "chat_id": chat_id, "method": method, "error": error[:300], "at": time.time()}
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.lpush(self.keys.send_dead(), json.dumps(entry))
            pipe.ltrim(self.keys.send_dead(), 0, 999)
            await pipe.execute()
        await self.forget(ticket)

    async def orphans(self, limit: int = 200) -> list[Orphan]:
        """Queued replies whose process stopped beating."""
        k = self.keys
        raw = await self.redis.zrange(k.send_queue(), 0, limit - 1)
        tickets = [as_text(t) or "" for t in raw if isinstance(t, bytes | str)]
        if not tickets:
            return []
        owners = [as_text(o) or "" for o in await self.redis.hmget(k.send_owners(), tickets)]
        alive: dict[str, bool] = {}
        for owner in set(owners):
            alive[owner] = bool(owner) and bool(await self.redis.exists(k.send_alive(owner)))
        return [Orphan(t, o) for t, o in zip(tickets, owners, strict=True) if not alive[o]]

    async def adopt(self, orphan: Orphan) -> dict[str, Any] | None:
        """Make a dead process's queued reply ours; its Bot API call, or None (another took it,
        or it has no payload and cannot be sent by anyone else: then it leaves the queue)."""
        k = self.keys
        raw = await self._adopt(
            keys=[k.send_owners(), k.send_payloads()], args=[orphan.ticket, orphan.owner, self.owner]
        )
        text = as_text(raw)
        if text is None:
            if await self.redis.hget(k.send_owners(), orphan.ticket) is None or not await self.redis.hexists(
                k.send_payloads(), orphan.ticket
            ):
                await self.forget(orphan.ticket)
            return None
        call: dict[str, Any] = json.loads(text)
        return call

    # --- what `bot.py outbox` and /metrics show -------------------------------------------------

    async def stats(self) -> dict[str, Any]:
        k = self.keys
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zcard(k.send_queue())
            pipe.llen(k.send_dead())
            pipe.hgetall(k.send_paid_count())
            queued, dead, paid = await pipe.execute()
        paid_counts = {as_text(a) or "": int(as_text(b) or 0) for a, b in dict(paid).items()}
        return {"replies_waiting": int(queued), "dead_letters": int(dead), "paid": paid_counts}

    async def dead_letters(self, limit: int = 20) -> list[dict[str, Any]]:
        raw = await self.redis.lrange(self.keys.send_dead(), 0, limit - 1)
        return [json.loads(as_text(r) or "{}") for r in raw]


def pacing(decision: Decision) -> float:
    """How long to sleep before the next attempt: the scheduler's wait (for a reply deep in the
    queue, about when its turn comes), a little jitter so processes do not wake together."""
    base = min(decision.wait, MAX_PACING)
    return base + (os.getpid() % 7) * 0.0005


def scheduler_config(settings: Settings) -> SchedulerConfig:
    """PUSH_RATE is the ceiling of everything the bot sends; the part above Telegram's free
    30/s is only allowed with PUSH_PAID_BROADCAST, and only that part is paid."""
    free = min(settings.push_rate, TELEGRAM_FREE_RATE)
    paid = settings.push_rate if settings.push_paid_broadcast and settings.push_rate > free else 0.0
    return SchedulerConfig(
        rate=free,
        push_share=settings.push_share,
        chat_interval=settings.push_chat_interval,
        group_per_minute=settings.push_group_per_minute,
        paid_rate=paid,
    )


_SCHEDULERS: dict[tuple[int, str], SendScheduler] = {}


def scheduler_for(redis: aioredis.Redis, keys: Keys, settings: Settings) -> SendScheduler:
    """One scheduler (one heartbeat) per process and Redis client: the bot and the staff relay share it."""
    key = (id(redis), keys.prefix)
    found = _SCHEDULERS.get(key)
    if found is None or found.redis is not redis:
        found = _SCHEDULERS[key] = SendScheduler(redis, keys, scheduler_config(settings))
    return found


async def release_scheduler(scheduler: SendScheduler) -> None:
    await scheduler.stop()
    for key, value in list(_SCHEDULERS.items()):
        if value is scheduler:
            del _SCHEDULERS[key]


ORPHAN_ATTEMPTS = 5  # 5xx / network errors before an adopted reply is dead-lettered


async def send_orphans(scheduler: SendScheduler, client: BotApiClient, limit: int = 50) -> int:
    """Send the queued replies of processes that died, in queue order, each with its slot;
    returns how many were sent. Run by the push workers' housekeeping (every process has one)."""
    sent = 0
    for orphan in await scheduler.orphans(limit):
        call = await scheduler.adopt(orphan)
        if call is None:
            continue
        await scheduler.start()
        if await _send_adopted(scheduler, client, orphan.ticket, call):
            sent += 1
    if sent:
        log.warning("sent the queued replies of a stopped process", count=sent)
    return sent


async def _send_adopted(scheduler: SendScheduler, client: BotApiClient, ticket: str, call: dict[str, Any]) -> bool:
    method, fields = str(call["method"]), {str(k): str(v) for k, v in dict(call["fields"]).items()}
    chat_id = int(fields.get("chat_id", "0") or 0)
    failures = 0
    while True:
        decision = await scheduler.acquire(Kind.NOTICE, chat_id, ticket)
        if decision.verdict is Verdict.DONE:
            return False  # the redelivered update sent it already
        if decision.paid:
            fields["allow_paid_broadcast"] = "true"
        try:
            result = await client.call_form(method, fields)
        except RetryAfter as exc:
            await scheduler.pause(float(exc.retry_after or 1))
            continue
        except (BadRequest, Forbidden) as exc:
            await scheduler.dead_letter(ticket, chat_id, method, str(exc))
            return False
        except (ServerError, NetworkError) as exc:
            failures += 1
            if failures >= ORPHAN_ATTEMPTS:
                await scheduler.dead_letter(ticket, chat_id, method, str(exc))
                return False
            await asyncio.sleep(backoff(failures, 0.5))
            continue
        await scheduler.remember(ticket, result)
        return True
