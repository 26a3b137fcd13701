"""Redis through redis.asyncio, with bounded retries on connection errors."""

from __future__ import annotations

from datetime import date

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

MAX_CONNECTIONS = 256  # per process; a burst beyond it waits for a free connection instead of failing


def connect_redis(url: str) -> aioredis.Redis:
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=5.0,  # seconds to wait for a free connection
        decode_responses=False,
        socket_connect_timeout=2.0,
        socket_timeout=5.0,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    return aioredis.Redis(connection_pool=pool)


def as_text(raw: bytes | str | None) -> str | None:
    """A value read from Redis (bytes: the client does not decode) as text."""
    return raw.decode() if isinstance(raw, bytes) else raw


class Keys:
    """Every Redis key the app uses starts with one configurable prefix (tests use their own).

    Named keys below; ``keys("a", "b")`` builds ``<prefix>:a:b`` for the rest.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip(":")

    def __call__(self, *parts: object) -> str:
        return ":".join([self.prefix, *(str(p) for p in parts)])

    # --- push notifications (push/) ---------------------------------------------------------------

    def push_stream(self, *, urgent: bool) -> str:
        """The outbox stream: one for urgent notifications (read first), one for the rest."""
        return self("push", "stream", "urgent" if urgent else "normal")

    def push_queued(self) -> str:
        """Set of the notification ids that have an entry in a stream."""
        return self("push", "queued")

    def push_rate_global(self) -> str:
        """The global send schedule shared by every sender (GCRA)."""
        return self("push", "rate", "global")

    def push_rate_chat(self, chat_id: int) -> str:
        """One chat's send schedule."""
        return self("push", "rate", "chat", chat_id)

    def push_pause(self) -> str:
        """Until when every sender waits after a 429."""
        return self("push", "pause")

    def push_relay_lock(self) -> str:
        return self("push", "relay-lock")

    def push_sweep_lock(self) -> str:
        return self("push", "sweep-lock")

    def push_reminders(self, day: date) -> str:
        """Set once the daily reminders of ``day`` (local) have been started."""
        return self("push", "reminders", day.isoformat())
