"""The one outgoing scheduler, against a real Redis: the global rate holds in every one-second
window whatever the mix of senders, replies go first but pushes keep their share, a 429 pauses
everyone, a chat gets its burst and then waits, paid overflow only above the free rate, and a dead
process's queued replies are found, adopted and never sent twice."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from messenger.scheduler import Decision, Kind, Orphan, SchedulerConfig, SendScheduler, Verdict, pacing
from storage.redis import Keys


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def keys(redis: aioredis.Redis) -> Keys:
    return Keys(f"sched-{uuid.uuid4().hex[:8]}")


async def _cleanup(redis: aioredis.Redis, keys: Keys) -> None:
    found = [k async for k in redis.scan_iter(f"{keys.prefix}:*")]
    if found:
        await redis.delete(*found)


def windows_max(stamps: list[float]) -> int:
    """The most grants in any one-second window (sliding over the grant times)."""
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, t in enumerate(stamps):
        while t - stamps[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _sender(
    scheduler: SendScheduler, kind: Kind, chat_id: int, until: float, grants: list[tuple[Kind, float]]
) -> None:
    while time.monotonic() < until:
        ticket = uuid.uuid4().hex
        while time.monotonic() < until:
            decision = await scheduler.take(kind, chat_id, ticket, "{}" if kind is not Kind.PUSH else "")
            if decision.go:
                # Redis' clock at the grant: the process's own clock after the reply would count a
                # busy event loop's lag too (CI saw 11 in a second that way)
                assert decision.granted_at is not None
                grants.append((kind, decision.granted_at))
                break
            await asyncio.sleep(pacing(decision))


async def test_the_rate_holds_in_every_window_and_pushes_keep_their_share(redis: aioredis.Redis, keys: Keys) -> None:
    scheduler = SendScheduler(redis, keys, SchedulerConfig(rate=10, push_share=0.1, chat_interval=0.01, chat_burst=5))
    grants: list[tuple[Kind, float]] = []
    until = time.monotonic() + 4.0
    try:
        # A chat storm far above the rate (40 citizens at once) and a broadcast waiting behind it.
        await asyncio.gather(
            *(_sender(scheduler, Kind.REPLY, 1000 + i, until, grants) for i in range(40)),
            *(_sender(scheduler, Kind.PUSH, 5000 + i, until, grants) for i in range(10)),
        )
    finally:
        await _cleanup(redis, keys)
    stamps = [t for _, t in grants]
    pushes = [t for kind, t in grants if kind is Kind.PUSH]
    assert windows_max(stamps) <= 10, windows_max(stamps)
    assert len(stamps) >= 30, "the rate should be used, not wasted"
    # 1 slot in 10 is the pushes' while they wait: a broadcast moves during the storm ...
    assert len(pushes) >= 3, len(pushes)
    # ... but replies go first.
    assert len(stamps) - len(pushes) >= 2 * len(pushes)


async def test_pushes_take_everything_when_nobody_chats(redis: aioredis.Redis, keys: Keys) -> None:
    scheduler = SendScheduler(redis, keys, SchedulerConfig(rate=10, push_share=0.1, chat_interval=0.01))
    grants: list[tuple[Kind, float]] = []
    try:
        await asyncio.gather(
            *(_sender(scheduler, Kind.PUSH, 7000 + i, time.monotonic() + 2.5, grants) for i in range(20))
        )
    finally:
        await _cleanup(redis, keys)
    assert len(grants) >= 20 and windows_max([t for _, t in grants]) <= 10


async def test_a_429_pauses_every_sender(redis: aioredis.Redis, keys: Keys) -> None:
    scheduler = SendScheduler(redis, keys, SchedulerConfig(rate=30))
    try:
        await scheduler.pause(1.0)
        paused = await scheduler.take(Kind.PUSH, 1, "a")
        assert paused.verdict is Verdict.PAUSED and 0.5 < paused.wait <= 1.0
        assert 0.5 < await scheduler.paused_for() <= 1.0
        await asyncio.sleep(paused.wait + 0.05)
        assert (await scheduler.take(Kind.PUSH, 1, "a")).go
    finally:
        await _cleanup(redis, keys)


async def test_a_chat_gets_its_burst_then_waits(redis: aioredis.Redis, keys: Keys) -> None:
    scheduler = SendScheduler(redis, keys, SchedulerConfig(rate=1000, chat_interval=1.0, chat_burst=2))
    try:
        first = await scheduler.acquire(Kind.REPLY, 42)
        await asyncio.sleep(0.01)  # the global spacing (1 ms) is not what is tested
        second = await scheduler.acquire(Kind.REPLY, 42)
        assert first.go and second.go
        third = await scheduler.take(Kind.REPLY, 42, "third")
        assert third.verdict is Verdict.CHAT and 0.8 < third.wait <= 1.05
        assert (await scheduler.stats())["replies_waiting"] == 0, "waiting for its chat, it holds up nobody"
        # Another chat is not held up.
        await asyncio.sleep(0.01)
        assert (await scheduler.take(Kind.REPLY, 43, "other")).go
    finally:
        await _cleanup(redis, keys)


async def test_paid_overflow_only_above_the_free_rate(redis: aioredis.Redis, keys: Keys) -> None:
    scheduler = SendScheduler(redis, keys, SchedulerConfig(rate=5, paid_rate=50, chat_interval=0.001))
    verdicts: list[Verdict] = []
    try:
        for i in range(30):
            verdicts.append((await scheduler.take(Kind.PUSH, 100 + i, f"t{i}")).verdict)
        stats = await scheduler.stats()
    finally:
        await _cleanup(redis, keys)
    assert verdicts[0] is Verdict.OK  # the free slot first
    assert verdicts.count(Verdict.OK) <= 5
    assert Verdict.PAID in verdicts and verdicts.count(Verdict.OK) + verdicts.count(Verdict.PAID) == 30
    assert stats["paid"]["push"] == verdicts.count(Verdict.PAID)


async def test_queued_replies_wait_in_order(redis: aioredis.Redis, keys: Keys) -> None:
    scheduler = SendScheduler(redis, keys, SchedulerConfig(rate=5, chat_interval=0.001))
    try:
        for i in range(5):  # the second's budget is spent
            assert (await scheduler.acquire(Kind.PUSH, 200 + i)).go
        order = [f"r{i}" for i in range(12)]
        for ticket in order:
            decision = await scheduler.take(Kind.REPLY, 300, ticket, "{}")
            assert not decision.go
        ranks = [(await scheduler.take(Kind.REPLY, 300, t, "{}")).rank for t in order]
        assert ranks == list(range(12))
        assert (await scheduler.stats())["replies_waiting"] == 12
    finally:
        await _cleanup(redis, keys)


async def test_a_dead_process_replies_are_adopted_once_and_a_sent_ticket_is_never_sent_again(
    redis: aioredis.Redis, keys: Keys
) -> None:
    config = SchedulerConfig(rate=1, chat_interval=0.001)
    dead = SendScheduler(redis, keys, config, owner="dead-process")
    live = SendScheduler(redis, keys, config, owner="live-process")
    other = SendScheduler(redis, keys, config, owner="another-live-process")
    try:
        await live.start()
        await other.start()
        assert (await dead.take(Kind.REPLY, 1, "filler")).go  # the one slot of this second
        payload = '{"method": "sendMessage", "fields": {"chat_id": "9", "text": "hi"}}'
        assert not (await dead.take(Kind.REPLY, 9, "u1:77:1", payload)).go
        assert not (await live.take(Kind.REPLY, 9, "u1:78:1", payload)).go
        orphans = await live.orphans()
        assert orphans == [Orphan("u1:77:1", "dead-process")], "a reply whose process beats is not an orphan"
        call = await live.adopt(orphans[0])
        assert call == {"method": "sendMessage", "fields": {"chat_id": "9", "text": "hi"}}
        assert await other.adopt(orphans[0]) is None, "adopted once"
        assert await other.orphans() == []
        await live.remember("u1:77:1", {"message_id": 5})
        again = await dead.take(Kind.REPLY, 9, "u1:77:1", payload)  # the redelivered update, same call
        assert again.verdict is Verdict.DONE and again.result == '{"message_id": 5}'
    finally:
        await live.stop()
        await other.stop()
        await _cleanup(redis, keys)


async def test_a_dead_letter_is_kept_and_leaves_the_queue(redis: aioredis.Redis, keys: Keys) -> None:
    scheduler = SendScheduler(redis, keys, SchedulerConfig(rate=1, chat_interval=0.001))
    try:
        assert (await scheduler.take(Kind.REPLY, 1, "filler")).go
        assert not (await scheduler.take(Kind.REPLY, 2, "doomed", "{}")).go
        await scheduler.dead_letter("doomed", 2, "sendMessage", "ServerError: 502 Bad Gateway")
        stats = await scheduler.stats()
        assert stats["replies_waiting"] == 0 and stats["dead_letters"] == 1
        [entry] = await scheduler.dead_letters()
        assert entry["ticket"] == "doomed" and "502" in entry["error"]
    finally:
        await _cleanup(redis, keys)


async def test_entries_a_live_worker_holds_are_not_claimed_however_long_they_wait(
    redis: aioredis.Redis, keys: Keys
) -> None:
    from push.stream import PushStream

    stream = PushStream(redis, keys)
    try:
        await stream.ensure_group()
        await stream.add([("n1", False), ("n2", True)])
        held = await stream.read("waiting-worker", 10, block_ms=10)
        assert len(held) == 2
        await asyncio.sleep(0.3)
        await stream.touch("waiting-worker", held)  # the live worker's housekeeping round
        assert await stream.autoclaim("other-worker", 250, 10) == [], "touched: not idle"
        await asyncio.sleep(0.3)  # no more touches: the worker is gone
        claimed = await stream.autoclaim("other-worker", 250, 10)
        assert sorted(e.notification_id for e in claimed) == ["n1", "n2"]
    finally:
        await _cleanup(redis, keys)


async def test_a_released_reply_keeps_its_place_and_is_sent_by_any_live_process(
    redis: aioredis.Redis, keys: Keys
) -> None:
    config = SchedulerConfig(rate=1, chat_interval=0.001)
    owner = SendScheduler(redis, keys, config, owner="still-alive")
    other = SendScheduler(redis, keys, config, owner="sweeper")
    try:
        await owner.start()
        assert (await owner.take(Kind.REPLY, 1, "filler")).go
        assert not (await owner.take(Kind.REPLY, 7, "u1:9:1")).go  # queued, payload not yet stored
        assert await other.orphans() == [], "its process beats: not an orphan"
        payload = '{"method": "sendMessage", "fields": {"chat_id": "7", "text": "late"}}'
        await owner.release("u1:9:1", payload)  # the handler was cancelled while it waited
        [orphan] = await other.orphans()
        assert orphan.ticket == "u1:9:1"
        assert await other.adopt(orphan) == {"method": "sendMessage", "fields": {"chat_id": "7", "text": "late"}}
    finally:
        await owner.stop()
        await _cleanup(redis, keys)


def test_a_grant_carries_redis_time_with_its_microseconds() -> None:
    assert Decision(Verdict.OK, 0.0, 0, "u1:2:1@1700000000.005000").granted_at == 1700000000.005
    assert Decision(Verdict.GLOBAL, 0.1, 3).granted_at is None
