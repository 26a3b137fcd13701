"""Faults as operators meet them, against the app in its own process (tests/chaos/harness.py):
the app SIGKILLed and restarted, Redis killed and restarted, MongoDB paused, Telegram refusing
sends. Each checks what the citizen sees: every message answered, once."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox.client import SandboxClient
from tests.chaos.harness import Stage, stage

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]

# Instants tried in `make test` (CHAOS_INSTANTS raises it for the full run in docs/reliability.md).
INSTANTS_QUICK = int(os.environ.get("CHAOS_INSTANTS", "2"))


@pytest.fixture
async def chaos(tmp_path: Path) -> AsyncIterator[Stage]:
    async with stage(tmp_path) as made:
        yield made


async def greeted(sb: SandboxClient, user_id: int, name: str, *, timeout: float = 15.0) -> None:
    await sb.send_text(user_id, "/start")
    reply = await sb.wait_bot_message(user_id, contains=f"Hello, {name}!", timeout=timeout)
    assert reply is not None


async def answers_of(sb: SandboxClient, user_id: int, text: str) -> int:
    return sum(1 for m in await sb.messages(user_id) if m.from_bot and text in m.plain_text)


async def test_killed_mid_burst_and_restarted_the_next_message_is_answered_at_once(chaos: Stage) -> None:
    sb = chaos.sandbox
    user = await sb.create_user("Kai", language_code="en")
    await greeted(sb, user.id, "Kai")
    for _ in range(5):  # updates in flight, per-chat lock held, when the process dies
        await sb.send_text(user.id, "/help")
    await asyncio.sleep(0.05)
    await asyncio.to_thread(chaos.app.kill9)
    await asyncio.to_thread(chaos.app.start)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await greeted(sb, user.id, "Kai", timeout=20)
    # A stale per-chat lock used to hold the first reply after a crash for 25-32 s.
    assert loop.time() - started < 10


async def test_redis_killed_and_restarted_nothing_is_lost(chaos: Stage) -> None:
    sb = chaos.sandbox
    user = await sb.create_user("Rae", language_code="en")
    await greeted(sb, user.id, "Rae")
    keeper = asyncio.create_task(chaos.supervisor.keep_alive(base=1.0, cap=1.0))
    try:
        os.kill(chaos.redis.pid, signal.SIGKILL)
        await asyncio.sleep(0.3)
        await sb.send_text(user.id, "/help")  # sent while Redis is down
        reply = await sb.wait_bot_message(user.id, contains="How to use", timeout=30)
        assert reply is not None
        await greeted(sb, user.id, "Rae")
        assert await answers_of(sb, user.id, "How to use") == 1
    finally:
        keeper.cancel()


async def test_mongodb_paused_then_resumed_the_citizen_is_answered(chaos: Stage) -> None:
    sb = chaos.sandbox
    user = await sb.create_user("Mo", language_code="en")
    await greeted(sb, user.id, "Mo")
    os.kill(chaos.mongo.pid, signal.SIGSTOP)
    try:
        await sb.send_text(user.id, "/help")
        await asyncio.sleep(3)
    finally:
        os.kill(chaos.mongo.pid, signal.SIGCONT)
    reply = await sb.wait_bot_message(user.id, contains="How to use", timeout=30)
    assert reply is not None
    assert await answers_of(sb, user.id, "How to use") == 1


async def test_telegram_refusing_sends_for_a_while_every_citizen_is_answered_once(chaos: Stage) -> None:
    sb = chaos.sandbox
    users = [await sb.create_user(f"C{n}", language_code="en") for n in range(5)]
    for user in users:
        await greeted(sb, user.id, user.first_name)
    await sb.inject_fault("sendMessage", status=500, count=6)
    await sb.inject_fault("sendMessage", status=429, retry_after=1, count=6)
    for user in users:
        await sb.send_text(user.id, "/help")
    for user in users:
        await sb.wait_bot_message(user.id, contains="How to use", timeout=60)
    await asyncio.sleep(1)
    for user in users:
        assert await answers_of(sb, user.id, "How to use") == 1


async def test_killed_at_random_instants_every_message_is_still_answered(chaos: Stage) -> None:
    """SIGKILL between 0 and 150 ms after a message arrives, restart: the update that was being
    handled is delivered again (the poll's offset is confirmed only after handling), so the
    citizen is answered; at most once again if the first answer had gone out already."""
    sb = chaos.sandbox
    rng = random.Random(11)
    user = await sb.create_user("Ivy", language_code="en")
    await greeted(sb, user.id, "Ivy")
    outcomes = {"answered once": 0, "answered twice": 0, "lost": 0}
    for trial in range(INSTANTS_QUICK):
        before = await answers_of(sb, user.id, "How to use")
        await sb.send_text(user.id, "/help")
        await asyncio.sleep(rng.uniform(0, 0.15))
        await asyncio.to_thread(chaos.app.kill9)
        await asyncio.to_thread(chaos.app.start)
        try:
            await sb.wait_bot_message(user.id, contains="How to use", timeout=30)
        except TimeoutError:  # counted as lost below, and the assertion says so
            pass
        await asyncio.sleep(0.5)
        got = await answers_of(sb, user.id, "How to use") - before
        outcomes["lost" if got == 0 else "answered once" if got == 1 else "answered twice"] += 1
        assert 1 <= got <= 2, (trial, got)
    print(
        f"\nkill -9 after a message, {INSTANTS_QUICK} instants (0-150 ms): "
        + ", ".join(f"{k} {v}" for k, v in outcomes.items())
    )
