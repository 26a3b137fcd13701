"""The push worker's guarantees with real processes and servers: a worker killed with SIGKILL in
the middle of a batch loses nothing (another claims its entries), and quiet hours hold a
non-urgent notification until 07:00 Shanghai time while an urgent one goes at once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from actions.services import Services
from core.config import Settings
from core.language import Language
from core.processes import free_port
from push.outbox import attach_push
from push.stream import PushStream
from push.worker import PushWorker, build_push_client
from sandbox.client import SandboxClient
from storage.models import (
    LOCAL_TZ,
    Citizen,
    Notification,
    NotificationPreferences,
    NotificationState,
    NotificationType,
    TelegramBinding,
)
from tests.conftest import RunningApp, services_of

REPO = Path(__file__).resolve().parents[2]
S = NotificationState


@pytest.fixture(scope="module")
async def quiet_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    """An app without its own worker: each test runs the workers it needs."""
    running = await start_app(
        make_settings(push_inprocess_worker=False, push_reminders=False, push_claim_timeout=2, push_sweep_interval=0.3)
    )
    yield running
    await running.runner.cleanup()


@pytest.fixture
async def sb(quiet_app: RunningApp) -> AsyncIterator[SandboxClient]:
    client = SandboxClient(quiet_app.base_url + "/sandbox")
    yield client
    await client.close()


async def make_citizens(services: Services, chat_ids: list[int], tag: str, *, quiet_hours: bool) -> list[str]:
    now = datetime.now(UTC)
    prefs = NotificationPreferences(quiet_hours=quiet_hours)
    citizens = [
        Citizen(
            id_number=f"T{tag}{i:08d}",
            name=f"Citizen {i}",
            phone="13800000000",
            mailing_address="-",
            postal_code="100000",
            city="beijing",
            created_at=now,
            telegram=TelegramBinding(
                user_id=chat_id,
                chat_id=chat_id,
                language=Language.ZH if i % 2 else Language.EN,
                bound_at=now,
                preferences=prefs,
            ),
        )
        for i, chat_id in enumerate(chat_ids)
    ]
    await services.repos.citizens.insert_many(citizens)
    return [c.id_number for c in citizens]


def mailed(id_number: str, tracking: str, now: datetime, *, urgent: bool = False) -> Notification:
    return Notification(
        type=NotificationType.LICENSE_MAILED,
        citizen_id_number=id_number,
        urgent=urgent,
        payload={"courier": "EMS", "tracking_number": tracking, "mailed_at": now.isoformat()},
        dedupe_key=f"test:{tracking}",
        created_at=now,
        updated_at=now,
    )


@asynccontextmanager
async def worker_running(services: Services, name: str) -> AsyncIterator[PushWorker]:
    client = build_push_client(services.settings)
    worker = PushWorker(services, client, consumer=name, run_reminders=False)
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        worker.stop()
        await asyncio.wait_for(task, 30)
        await client.close()


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def worker_answers_health_checks(base: str, process: subprocess.Popen[bytes]) -> None:
    """docker-compose's healthcheck probes GET /healthz of a `bot.py worker` container."""
    deadline = asyncio.get_running_loop().time() + 30
    async with aiohttp.ClientSession() as http:
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                async with http.get(base + "/healthz") as response:
                    assert response.status == 200
                    assert (await response.json())["worker"] == "victim"
                    break
            except aiohttp.ClientConnectionError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.2)
        async with http.get(base + "/metrics") as response:
            assert response.status == 200 and "push_notifications_total" in await response.text()


async def test_a_worker_killed_mid_batch_loses_nothing(quiet_app: RunningApp, sb: SandboxClient) -> None:
    services = services_of(quiet_app)
    settings = quiet_app.settings
    repos = services.repos.notifications
    count = 24
    chat_ids = await sb.create_users_bulk(count)
    people = await make_citizens(services, chat_ids, "kill", quiet_hours=False)
    now = datetime.now(UTC)
    stored = [mailed(person, f"EA{i:09d}CN", now) for i, person in enumerate(people)]
    for n in stored:
        await repos.create(n)
        await services.push.enqueue(n)  # type: ignore[union-attr]
    assert (await repos.counts_by_state())[S.QUEUED] >= count

    async def received() -> dict[int, int]:
        got = (await sb.stats(chats=True)).get("received", {})
        return {c: len(got.get(str(c), [])) for c in chat_ids}

    assert settings.mongo_url is not None and settings.redis_url is not None
    port = free_port()
    # A real `bot.py worker`, slowed to 4 messages/s so it is killed while sending its batch.
    env = {
        **os.environ,
        "MONGO_URL": settings.mongo_url.get_secret_value(),
        "MONGO_DB": settings.mongo_db,
        "REDIS_URL": settings.redis_url.get_secret_value(),
        "REDIS_PREFIX": settings.redis_prefix,
        "TELEGRAM_API_URL": quiet_app.base_url + "/sandbox",
        "TELEGRAM_TOKEN": "",
        "PUSH_RATE": "4",
        "PUSH_REMINDERS": "false",
        "PUSH_SWEEP_INTERVAL": "60",
        "PUSH_CLAIM_TIMEOUT": "60",
        "LOG_LEVEL": "WARNING",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
    }
    victim = subprocess.Popen(  # noqa: ASYNC220 - killed with SIGKILL mid-batch, on purpose
        [sys.executable, str(REPO / "bot.py"), "worker", "--name", "victim"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await worker_answers_health_checks(f"http://127.0.0.1:{port}", victim)

        async def some_sent() -> bool:
            assert victim.poll() is None, victim.stderr.read().decode() if victim.stderr else ""
            return sum(1 for n in (await received()).values() if n) >= 6

        await wait_until(some_sent, 60, "the worker to send a few")
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait(10)
    stream = PushStream(services.redis, services.keys)
    in_flight = await stream.pending_of("victim")  # read and not recorded: these may be resent
    before = await received()
    assert 0 < in_flight and sum(before.values()) < count, (in_flight, sum(before.values()))

    async with worker_running(services, "rescuer"):  # claims the victim's entries after 2 s

        async def all_settled() -> bool:
            counts = await repos.counts_by_state()
            return counts[S.SENT] + counts[S.DEAD] >= count and not await stream.backlog()

        await wait_until(all_settled, 60, "every notification to be settled")
    after = await received()
    assert [c for c, n in after.items() if n == 0] == []  # nothing lost
    duplicates = sum(n - 1 for n in after.values())
    assert duplicates <= in_flight
    final = await repos.by_ids([n.id for n in stored])
    assert {n.state for n in final.values()} == {S.SENT}
    assert await stream.pending_of("victim") == 0


async def test_quiet_hours_hold_until_seven_and_urgent_goes_at_once(quiet_app: RunningApp, sb: SandboxClient) -> None:
    base = services_of(quiet_app)
    chat_ids = [(await sb.create_user("Ann", language_code="en")).id for _ in range(2)]
    people = await make_citizens(base, chat_ids, "quiet", quiet_hours=True)
    clock = {"now": datetime(2026, 11, 21, 23, 0, tzinfo=LOCAL_TZ)}
    services = attach_push(replace(base, clock=lambda: clock["now"].astimezone(UTC)))  # notify with this clock
    repos = services.repos.notifications
    at_night = clock["now"].astimezone(UTC)
    normal, urgent = (
        mailed(people[0], "EA100000001CN", at_night),
        mailed(people[1], "EA100000002CN", at_night, urgent=True),
    )
    async with worker_running(services, "quiet-hours"):
        for n in (normal, urgent):
            await repos.create(n)
            await services.push.enqueue(n)  # type: ignore[union-attr]
        message = await sb.wait_bot_message(chat_ids[1], timeout=15, contains="EA100000002CN")
        assert "EMS EA100000002CN" in message.plain_text

        async def held() -> bool:
            found = await repos.by_id(normal.id)
            return found is not None and found.state == S.PENDING

        await wait_until(held, 15, "the non-urgent one to be held")
        found = await repos.by_id(normal.id)
        assert found is not None and found.not_before == datetime(2026, 11, 22, 7, 0, tzinfo=LOCAL_TZ)
        clock["now"] = datetime(2026, 11, 22, 6, 59, tzinfo=LOCAL_TZ)  # still quiet: nothing moves
        await asyncio.sleep(1.0)
        assert not [m for m in await sb.messages(chat_ids[0]) if m.text and "EA100000001CN" in m.text]
        clock["now"] = datetime(2026, 11, 22, 7, 0, 30, tzinfo=LOCAL_TZ)
        message = await sb.wait_bot_message(chat_ids[0], timeout=15, contains="EA100000001CN")
        assert "EMS EA100000001CN" in message.plain_text

        async def sent() -> bool:
            found = await repos.by_id(normal.id)
            return found is not None and found.state == S.SENT

        await wait_until(sent, 10, "the held one to be recorded as sent")
    assert len([m for m in await sb.messages(chat_ids[0]) if m.text and "EA100000001CN" in m.text]) == 1
