"""Replies to a citizen who is chatting are not starved by a broadcast: with Telegram's global send
rate spent on pushes (here the sandbox allows exactly the push rate, with a burst of 3 so that a send a
busy event loop holds back for up to ~0.7 s may land together with the next ones), the bot's own reply
goes first (it waits at most for the next slot of the shared scheduler), and nobody meets a 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest

from actions.notify import notify
from core.config import Settings
from sandbox.client import SandboxClient
from storage.models import Citizen, NotificationPreferences, NotificationType
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, sandbox_client, services_of

pytestmark = pytest.mark.e2e

RATE = 4.0  # pushes per second for the whole app: 40 notifications keep it busy for 10 s
BROADCAST = 40


@pytest.fixture(scope="module")
async def slow_push_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    running = await start_app(make_settings(mongo_db="test_push_priority", push_rate=RATE))
    yield running
    await running.runner.cleanup()


@pytest.fixture
async def sb(slow_push_app: RunningApp) -> AsyncIterator[SandboxClient]:
    async with sandbox_client(slow_push_app) as client:
        yield client


async def test_a_reply_is_not_queued_behind_a_broadcast(slow_push_app: RunningApp, sb: SandboxClient) -> None:
    services = services_of(slow_push_app)
    await sb.set_limits(global_rate=RATE, global_burst=3)  # no room for more than the push rate
    demo = {d.id_number for d in DEMO_IDENTITIES}
    people = [
        Citizen.from_doc(doc)
        async for doc in services.repos.citizens.collection.find(
            {"_id": {"$nin": list(demo)}, "telegram": {"$exists": False}}
        ).limit(BROADCAST)
    ]
    receivers = []
    for person in people:
        user = await sb.create_user("Reader", language_code="en")
        await bind_directly(slow_push_app, user, person.id_number, notifications=True)
        await services.repos.citizens.set_preferences(user.id, NotificationPreferences(quiet_hours=False))
        receivers.append(user)
    for person in people:
        await notify(
            services,
            citizen_id_number=person.id_number,
            type=NotificationType.LICENSE_MAILED,
            payload={"courier": "EMS", "tracking_number": "EA123456789CN"},
            urgent=True,
        )
    await asyncio.sleep(2)  # the broadcast is under way at RATE per second
    refused_before = (await sb.stats())["too_many_requests"]

    chatting = await sb.create_user("Chatty", language_code="en")
    started = time.monotonic()
    await sb.send_text(chatting.id, "/help")
    reply = await sb.wait_bot_message(chatting.id, timeout=10)
    waited = time.monotonic() - started
    assert "How to use this assistant" in reply.plain_text
    delivered = sum([1 for u in receivers for m in await sb.messages(u.id) if m.from_bot])
    assert delivered < BROADCAST, "the broadcast finished too early to show anything"
    # Without priority the reply competes with the pushes for Telegram's budget: one of them meets a
    # 429 (the reply then waits at least retry_after, 1 s; a push pauses every worker).
    assert waited < 0.9, (waited, delivered)
    await asyncio.sleep(1.5)
    assert (await sb.stats())["too_many_requests"] == refused_before
