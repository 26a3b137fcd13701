"""One update at a time per chat, across processes, without a stale lock after a crash.

aiogram's `RedisEventIsolation` takes a per-chat Redis lock with a 60 s timeout: when a process
dies while handling an update, that chat's next update waits until the lock expires (25-32 s was
measured after a crash). Here the lock is a short lease that the holder renews while it works, so
a long handler keeps it and a dead holder's lease is gone within `lease` seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from aiogram.fsm.storage.base import BaseEventIsolation, KeyBuilder, StorageKey
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

LEASE = 3.0  # seconds a dead holder can delay the chat's next update
RENEW_EVERY = 1.0


class LeasedEventIsolation(BaseEventIsolation):
    def __init__(
        self, redis: Redis, key_builder: KeyBuilder, *, lease: float = LEASE, renew_every: float = RENEW_EVERY
    ):
        if not 0 < renew_every < lease:
            raise ValueError("renew the lease more often than it lasts")
        self.redis = redis
        self.key_builder = key_builder
        self.lease = lease
        self.renew_every = renew_every

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock = Lock(self.redis, self.key_builder.build(key, "lock"), timeout=self.lease, sleep=0.1)
        await lock.acquire()
        renewer = asyncio.create_task(self._renew(lock), name="chat-lock-lease")
        try:
            yield
        finally:
            renewer.cancel()
            with suppress(asyncio.CancelledError):
                await renewer
            with suppress(LockError, RedisError):  # expired meanwhile (Redis away): nothing to free
                await lock.release()

    async def _renew(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            with suppress(LockError, RedisError):
                await lock.reacquire()

    async def close(self) -> None:
        """Nothing of its own to close: the Redis client belongs to the app's services."""
