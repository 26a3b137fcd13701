"""At Telegram's limits, through the sandbox: no reply is lost when Telegram refuses every send for
5 s (the old retry gave up after four attempts and citizens never heard back), and a citizen whose
answer waits sees "typing..." and, once, a notice that many people are asking, while the bot never
goes over the rate and never meets a 429."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import pytest

from core.config import Settings
from sandbox.client import SandboxClient, SandboxUser
from tests.conftest import RunningApp, sandbox_client

pytestmark = pytest.mark.e2e

RATE = 3.0  # messages per second for the whole bot: a dozen citizens at once is a storm
NOTICE = "Many people are asking right now"
GREETINGS = ("I am the traffic management assistant", "我是交通管理局的智能客服助手")


def greets(text: str) -> bool:
    return any(g in text for g in GREETINGS)


@pytest.fixture(scope="module")
async def slow_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    settings = make_settings(
        mongo_db="test_send_scheduler",
        push_rate=RATE,
        reply_typing_after=1.0,
        reply_notice_after=2.0,
        push_inprocess_worker=False,
    )
    running = await start_app(settings)
    yield running
    await running.runner.cleanup()


@pytest.fixture
async def sb(slow_app: RunningApp) -> AsyncIterator[SandboxClient]:
    async with sandbox_client(slow_app) as client:
        await client.set_limits(global_rate=RATE, global_burst=int(RATE))
        yield client
        await client.set_limits(global_rate=30, global_burst=30)


async def _bot_texts(sb: SandboxClient, user: SandboxUser) -> list[str]:
    return [m.plain_text for m in await sb.messages(user.id) if m.from_bot]


async def _until_all_answered(sb: SandboxClient, users: list[SandboxUser], timeout: float) -> dict[int, list[str]]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        texts = {u.id: await _bot_texts(sb, u) for u in users}
        if all(any(greets(t) for t in ts) for ts in texts.values()):
            return texts
        if asyncio.get_running_loop().time() > deadline:
            missing = [uid for uid, ts in texts.items() if not any(greets(t) for t in ts)]
            raise AssertionError(f"{len(missing)} of {len(users)} citizens never got an answer")
        await asyncio.sleep(0.25)


async def test_no_reply_is_lost_while_telegram_refuses_every_send_for_5_s(sb: SandboxClient) -> None:
    users = [await sb.create_user(f"Storm {i}", language_code="en") for i in range(12)]
    refused_before = (await sb.stats())["too_many_requests"]
    await sb.inject_fault("sendMessage", status=429, count=1_000_000, retry_after=1)
    await asyncio.gather(*(sb.send_text(u.id, "/start") for u in users))
    await asyncio.sleep(5.0)
    await sb.clear_faults()
    texts = await _until_all_answered(sb, users, timeout=45)
    for uid, ts in texts.items():
        assert sum(greets(t) for t in ts) == 1, f"citizen {uid} got the answer {ts!r}"
    # Telegram was asked again only after each pause, not hammered: a few refusals per second.
    assert (await sb.stats())["too_many_requests"] - refused_before < 40


async def test_a_waiting_citizen_sees_typing_and_one_notice_and_the_rate_holds(sb: SandboxClient) -> None:
    users = [await sb.create_user(f"Rush {i}", language_code="en") for i in range(12)]
    zh_user = await sb.create_user("排队", language_code="zh-hans")
    users.append(zh_user)
    refused_before = (await sb.stats())["too_many_requests"]
    await asyncio.gather(*(sb.send_text(u.id, "/start") for u in users))
    texts = await _until_all_answered(sb, users, timeout=45)

    noticed = [uid for uid, ts in texts.items() if any(NOTICE in t for t in ts)]
    assert noticed, "with 13 answers at 3 per second, the last ones wait ~4 s: they are told"
    for uid, ts in texts.items():
        assert sum(NOTICE in t for t in ts) <= 1, "the notice comes once"
        if uid in noticed:
            assert [i for i, t in enumerate(ts) if NOTICE in t] < [i for i, t in enumerate(ts) if greets(t)]
    waited_longest = users[-1] if users[-1].id in noticed else next(u for u in users if u.id in noticed)
    events, _ = await sb.events(waited_longest.id)
    assert any(e.type == "chat_action" and e.data.get("action") == "typing" for e in events)
    if zh_user.id in noticed:
        assert any("咨询人数较多" in t for t in texts[zh_user.id])
    # At the limit, never over it: the sandbox refused nothing.
    assert (await sb.stats())["too_many_requests"] == refused_before


async def test_a_stopped_process_queued_reply_is_sent_by_another_once(slow_app: RunningApp, sb: SandboxClient) -> None:
    from messenger.botapi import BotApiClient
    from messenger.scheduler import Kind, SendScheduler, Verdict, scheduler_config, send_orphans
    from tests.conftest import services_of

    services = services_of(slow_app)
    config = scheduler_config(services.settings)
    user = await sb.create_user("Left waiting", language_code="en")
    gone = SendScheduler(services.redis, services.keys, config, owner="a-process-that-was-killed")
    await gone.pause(1.0)  # Telegram said 429: the reply has to queue
    payload = json.dumps({"method": "sendMessage", "fields": {"chat_id": str(user.id), "text": "Your answer, late"}})
    queued = await gone.take(Kind.REPLY, user.id, "u1:424242:1", payload)
    assert not queued.go  # ... and the process dies here: no heartbeat ever

    live = SendScheduler(services.redis, services.keys, config, owner="a-live-process")
    client = BotApiClient(slow_app.base_url + "/sandbox/bot" + services.settings.bot_token.get_secret_value())
    try:
        assert await send_orphans(live, client) == 1
        assert await send_orphans(live, client) == 0
    finally:
        await live.stop()
        await client.close()
    texts = await _bot_texts(sb, user)
    assert texts.count("Your answer, late") == 1
    # The update redelivered to a live process makes the same call: it gets the sent message back.
    again = await SendScheduler(services.redis, services.keys, config, owner="x").take(
        Kind.REPLY, user.id, "u1:424242:1", payload
    )
    assert again.verdict is Verdict.DONE and json.loads(again.result or "{}")["message_id"] > 0


async def test_a_webhook_update_is_acknowledged_once_its_reply_waits_durably(
    make_settings: Callable[..., Settings], start_app
) -> None:
    """Telegram holds at most 100 webhook connections: a handler waiting for a send slot must not
    hold one. Once its reply is queued durably, the update is acknowledged; the reply still comes."""
    import aiohttp

    from core.processes import free_port

    port = free_port()
    settings = make_settings(
        mongo_db="test_webhook_parking",
        http_port=port,
        push_rate=RATE,
        push_inprocess_worker=False,
        reply_notice_after=600,
        webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
        webhook_secret="parking-secret",
    )
    running = await start_app(settings)
    api = f"{running.base_url}/sandbox/bot{settings.bot_token.get_secret_value()}/getWebhookInfo"
    try:
        async with sandbox_client(running) as sb, aiohttp.ClientSession() as http:

            async def webhook_info() -> dict[str, object]:
                async with http.get(api) as response:
                    return dict((await response.json())["result"])

            for _ in range(100):
                if (await webhook_info()).get("url"):
                    break
                await asyncio.sleep(0.1)
            await sb.set_limits(global_rate=RATE, global_burst=int(RATE))
            users = [await sb.create_user(f"Hook {i}", language_code="en") for i in range(15)]
            await asyncio.gather(*(sb.send_text(u.id, "/start") for u in users))
            # 15 answers at 3 per second take 5 s; the updates are acknowledged long before.
            for _ in range(60):
                if (await webhook_info())["pending_update_count"] == 0:
                    break
                await asyncio.sleep(0.1)
            answered = sum([any(greets(t) for t in await _bot_texts(sb, u)) for u in users])
            assert (await webhook_info())["pending_update_count"] == 0
            assert answered < len(users), "acknowledged while replies still waited for their slots"
            await _until_all_answered(sb, users, timeout=45)
            await sb.set_limits(global_rate=30, global_burst=30)
    finally:
        await running.runner.cleanup()
