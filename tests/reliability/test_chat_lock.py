"""The per-chat lock: a crashed holder delays the chat's next update by at most the lease; a
holder that is still working keeps it however long it works."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey

from bot.isolation import LeasedEventIsolation

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


@pytest.fixture
async def isolation(redis_url: str) -> AsyncIterator[LeasedEventIsolation]:
    client = aioredis.Redis.from_url(redis_url)
    prefix = f"lock{uuid.uuid4().hex[:6]}"
    yield LeasedEventIsolation(client, DefaultKeyBuilder(prefix=prefix), lease=1.0, renew_every=0.25)
    async for key in client.scan_iter(match=f"{prefix}:*"):
        await client.delete(key)
    await client.aclose()


async def test_a_crashed_holders_lock_frees_within_the_lease(isolation: LeasedEventIsolation) -> None:
    crashed = isolation.lock(KEY)
    await crashed.__aenter__()  # taken, then the process "dies": never released, never renewed
    renewers = [t for t in asyncio.all_tasks() if t.get_name() == "chat-lock-lease"]
    for task in renewers:
        task.cancel()
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with isolation.lock(KEY):
        waited = loop.time() - started
    assert waited < 10  # the lease (1 s) and polling; aiogram's own lock would hold for 60 s


async def test_a_working_holder_keeps_the_lock_past_the_lease(isolation: LeasedEventIsolation) -> None:
    order: list[str] = []

    async def long_handler() -> None:
        async with isolation.lock(KEY):
            order.append("first in")
            await asyncio.sleep(2.5)  # more than twice the lease
            order.append("first out")

    async def next_update() -> None:
        await asyncio.sleep(0.1)
        async with isolation.lock(KEY):
            order.append("second in")

    await asyncio.gather(long_handler(), next_update())
    assert order == ["first in", "first out", "second in"]
