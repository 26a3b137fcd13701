"""Send rates shared by every worker process (and the bot's own replies), kept in Redis.

Each limit is a GCRA schedule ("theoretical arrival time" per key) updated atomically by a Lua
script with Redis' own clock, so any number of processes on any number of hosts share it:

- the global rate (PUSH_RATE per second): a caller reserves the next free slot and sleeps until
  it, so sends are spaced evenly and never burst past Telegram's limit;
- per chat: one message per PUSH_CHAT_INTERVAL seconds in a private chat, PUSH_GROUP_PER_MINUTE
  in a group (burst of that many, as Telegram allows);
- a pause: a 429 from Telegram stops every worker until ``retry_after`` has passed.

The bot's replies to a citizen who is chatting take the next free global slot
(``take_priority``). Pushes book slots at most ``HORIZON`` seconds ahead, so a reply waits at most
that long whatever the size of a broadcast, every push not yet booked moves back behind it, and
the sum of both never exceeds Telegram's rate.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import redis.asyncio as aioredis
import structlog

from storage.redis import Keys

log = structlog.get_logger(__name__)

# KEYS: global tat, chat tat, pause. ARGV: global interval, chat interval, chat tolerance, horizon.
# Returns {"p", wait} (paused), {"g", wait} (the global schedule is booked beyond the horizon;
# nothing reserved), {"c", wait} (this chat must wait; nothing reserved) or {"ok", wait} (slots
# reserved: send after `wait` seconds). Numbers travel as strings (Redis would truncate Lua
# floats to integers).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then return {'p', tostring(pause - now)} end
local interval = tonumber(ARGV[1])
local horizon = tonumber(ARGV[4])
local start = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if start - now > horizon then return {'g', tostring(start - now - horizon)} end
local chat_interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local chat_tat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
if chat_tat - now > tolerance then return {'c', tostring(chat_tat - tolerance - now)} end
local new_chat = chat_tat + chat_interval
redis.call('SET', KEYS[2], tostring(new_chat), 'PX', math.ceil((new_chat - now) * 1000) + 1000)
redis.call('SET', KEYS[1], tostring(start + interval), 'PX', math.ceil((start + interval - now) * 1000) + 60000)
return {'ok', tostring(start - now)}
"""

# KEYS: global tat. ARGV: interval. Takes the next slot, but never waits for it.
_PRIORITY = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], tostring(start + tonumber(ARGV[1])), 'PX', math.ceil((start - now) * 1000) + 60000)
return tostring(start - now)
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

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendLocation",
        "sendMediaGroup",
        "sendVoice",
        "sendSticker",
        "sendVideo",
        "sendAnimation",
        "copyMessage",
        "forwardMessage",
    }
)


HORIZON = 0.25  # seconds: how far ahead pushes may book global slots (a reply's longest wait)


@dataclass(frozen=True)
class RateConfig:
    rate: float  # global messages per second, all workers together
    chat_interval: float = 1.0
    group_per_minute: int = 20


class GlobalLimiter:
    def __init__(self, redis: aioredis.Redis, keys: Keys, config: RateConfig) -> None:
        self.redis = redis
        self.config = config
        self.global_key = keys.push_rate_global()
        self.pause_key = keys.push_pause()
        self._keys = keys
        self._acquire = redis.register_script(_ACQUIRE)
        self._priority = redis.register_script(_PRIORITY)
        self._pause = redis.register_script(_PAUSE)
        # Many senders share one connection pool: bound how many wait on Redis at once.
        self._calls = asyncio.Semaphore(16)

    def _chat_limits(self, chat_id: int) -> tuple[float, float]:
        if chat_id < 0:  # a group: N per minute, a burst of N allowed
            interval = 60.0 / self.config.group_per_minute
            return interval, interval * (self.config.group_per_minute - 1)
        return self.config.chat_interval, 0.0

    async def try_acquire(self, chat_id: int) -> tuple[str, float]:
        """One attempt: ("ok", wait) reserved a slot in `wait` seconds; ("g", wait) the global
        schedule is booked beyond the horizon; ("c", wait) the chat is busy; ("p", wait) every
        worker is paused by a 429."""
        interval, tolerance = self._chat_limits(chat_id)
        async with self._calls:
            kind, wait = await self._acquire(
                keys=[self.global_key, self._keys.push_rate_chat(chat_id), self.pause_key],
                args=[repr(1.0 / self.config.rate), repr(interval), repr(tolerance), repr(HORIZON)],
            )
        return (kind.decode() if isinstance(kind, bytes) else str(kind)), float(wait)

    async def acquire(self, chat_id: int) -> None:
        """Wait until this chat may get a message and a global slot is ours, then return."""
        while True:
            kind, wait = await self.try_acquire(chat_id)
            if wait > 0:
                await asyncio.sleep(wait)
            if kind == "ok":
                return

    async def take_priority(self) -> float:
        """A conversation reply: book the next free slot (at most HORIZON away, ahead of every push
        not yet booked); returns the seconds to wait before sending."""
        return float(await self._priority(keys=[self.global_key], args=[repr(1.0 / self.config.rate)]))

    async def pause(self, seconds: float) -> float:
        """Stop every sender for `seconds` (Telegram answered 429 retry_after)."""
        return float(await self._pause(keys=[self.pause_key], args=[repr(float(seconds))]))

    async def paused_for(self) -> float:
        raw = await self.redis.get(self.pause_key)
        if raw is None:
            return 0.0
        now_s, now_us = await self.redis.time()
        return max(0.0, float(raw) - (now_s + now_us / 1e6))
