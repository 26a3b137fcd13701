"""Each update is handled once, and marked handled only once it was.

Telegram redelivers an update it thinks failed (a webhook call that got no answer, a long poll
whose offset was not confirmed): after a crash, the update that was being handled comes again.
So the update id is first *claimed* with a short lease that the handler renews while it works,
and marked *done* for a day when the handler finished. A copy that finds it done is skipped; a
copy that finds it claimed waits: the holder either finishes (skip) or died and its lease runs
out (the copy handles it). This holds across replicas and restarts. If Redis cannot answer, the
update is handled (a rare duplicate beats a lost message).

The claim is normally made by the update's first round trip (bot/middlewares/prefetch.py, which
also keeps the lease while the update is handled) and "done" written in its last one; this
middleware acts on the claim found there, and claims for itself only when none was made (Redis
did not answer then) or the twin was busy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from actions.services import Services
from bot.prefetch import Claim, Prefetched
from core.metrics import ERRORS, UPDATES_DUPLICATE

log = structlog.get_logger(__name__)
SEEN_TTL = 24 * 3600
LEASE = 5  # seconds a crashed handler's claim outlives it
RENEW_EVERY = 1.5
WAIT_STEP = 0.2
BUSY, DONE = b"busy", b"done"


class DedupeMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        services: Services = data["services"]
        key = services.keys.update(data["bot"].id, event.update_id)
        prefetched: Prefetched | None = data.get("prefetched")
        claim = prefetched.claim if prefetched is not None else None
        if prefetched is not None and claim == Claim.DONE:
            UPDATES_DUPLICATE.inc()
            log.info("duplicate update skipped")
            return None
        if prefetched is not None and claim == Claim.CLAIMED:  # the prefetch keeps the lease
            try:
                return await handler(event, data)
            finally:  # handled (or failed for good), written with the update's last round trip
                prefetched.defer(lambda pipe: pipe.set(key, DONE, ex=SEEN_TTL))
        try:
            first = await _claim(services.redis, key)
        except RedisError:
            ERRORS.labels("redis-dedupe").inc()
            return await handler(event, data)
        if not first:
            UPDATES_DUPLICATE.inc()
            log.info("duplicate update skipped")
            return None
        renewer = asyncio.create_task(_renew(services.redis, key), name="update-lease")
        try:
            return await handler(event, data)
        finally:
            renewer.cancel()
            with suppress(asyncio.CancelledError):
                await renewer
            try:  # handled (or failed for good: a bug is not retried forever)
                await services.redis.set(key, DONE, ex=SEEN_TTL)
            except RedisError:
                ERRORS.labels("redis-dedupe").inc()


async def _claim(redis: Redis, key: str) -> bool:
    """True when this copy is to handle the update; False when it was handled already."""
    while True:
        if await redis.set(key, BUSY, nx=True, ex=LEASE):
            return True
        state = await redis.get(key)
        if state == DONE:
            return False
        if state is None:  # the holder's lease ran out between the two calls: try again at once
            continue
        await asyncio.sleep(WAIT_STEP)  # being handled (here or elsewhere): wait for the outcome


async def _renew(redis: Redis, key: str) -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY)
        with suppress(RedisError):
            await redis.set(key, BUSY, xx=True, ex=LEASE)
