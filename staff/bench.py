"""`python bot.py bench handoff`: relay latency with many concurrent agent conversations.

Starts the whole app (bot, sandbox, staff console) on a free port against the configured (or
embedded) MongoDB and Redis, then: N sandbox citizens ask for a person from the menu, agents
sign in over HTTP, claim one conversation each (several per agent) and open its websocket.
Each conversation then exchanges `rounds` messages each way, with a random pause between them:

- citizen -> agent: from the citizen's send in the sandbox to the event on the agent's websocket
  (Telegram update -> bot -> Redis pub/sub -> relay -> websocket);
- agent -> citizen: from the websocket send to the message appearing in the citizen's chat.

The sandbox's flood limits are raised (Telegram's paid-broadcast level) so that the relay is
what is measured, not the flood control.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from pymongo.errors import PyMongoError

from core.config import Settings
from core.processes import free_port
from sandbox.client import SandboxClient
from storage.models import StaffRole

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
SETUP_CONCURRENCY = 20  # citizens queueing up at once during set-up (not measured)


@dataclass
class Conversation:
    user_id: int
    handoff_id: str
    agent: aiohttp.ClientSession
    csrf: str
    ws: aiohttp.ClientWebSocketResponse | None = None
    inbox: asyncio.Queue[dict[str, Any]] | None = None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"{name}: n={len(ms)} p50={percentile(ms, 50):.1f} ms p95={percentile(ms, 95):.1f} ms "
            f"p99={percentile(ms, 99):.1f} ms max={max(ms):.1f} ms")


async def _sign_in(base: str, username: str, password: str) -> tuple[aiohttp.ClientSession, str]:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(f"{base}/staff/login") as response:
        login_csrf = CSRF_RE.search(await response.text())
    assert login_csrf is not None
    async with session.post(f"{base}/staff/login", data={"username": username, "password": password,
                                                           "csrf": login_csrf.group(1), "next": "/staff/queue"}) as r:
        page = await r.text()
    match = CSRF_RE.search(page)
    if r.status != 200 or match is None:
        raise RuntimeError(f"sign-in failed for {username}: {r.status}")
    return session, match.group(1)


async def run_bench(settings: Settings, *, conversations: int = 200, agents: int = 20, rounds: int = 5,
                    pause: tuple[float, float] = (2.0, 6.0)) -> dict[str, list[float]]:
    from staff.auth import add_staff
    from web.app import SERVICES, create_app, start_server

    port = free_port()
    settings = settings.model_copy(update={
        "telegram_token": None, "telegram_api_url": None, "webhook_url": None, "webhook_secret": None,
        "nlu_url": None, "http_host": "127.0.0.1", "http_port": port, "public_url": None,
        "demo_data": False, "mongo_db": f"bench_{uuid.uuid4().hex[:8]}", "redis_prefix": f"bench{uuid.uuid4().hex[:6]}",
        "sandbox_global_rate": 1000.0, "sandbox_chat_rate": 20.0, "throttle_messages": 1000,
        "staff_hours": "00:00-24:00", "handoff_max_wait": 3600,
    })
    app = create_app(settings)
    runner = await start_server(app, settings.http_host, settings.http_port)
    base = settings.base_url
    services = app[SERVICES]
    sessions: list[aiohttp.ClientSession] = []
    sandbox_http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    sb = SandboxClient(base + "/sandbox", session=sandbox_http)
    try:
        password = uuid.uuid4().hex
        for n in range(agents):
            await add_staff(services.repos, username=f"agent{n}", password=password, role=StaffRole.AGENT,
                            display_name=f"Agent {n}", now=datetime.now(UTC))
        users = await sb.create_users_bulk(conversations, first_name="Citizen")

        setup_slots = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def queue_up(user_id: int) -> None:
            async with setup_slots:
                await ask(user_id)

        async def ask(user_id: int) -> None:
            await sb.send_text(user_id, "/menu")
            menu = await sb.wait_bot_message(user_id, timeout=60)
            title = services.catalog.text("en", "handoff-title")
            if title not in [b for row in menu.buttons for b in row]:
                raise RuntimeError(f"no {title!r} button in the menu: {menu.plain_text!r} {menu.buttons}")
            await sb.press_button(user_id, menu.message_id, menu.callback_data_of(title))
            await sb.wait_bot_message(user_id, timeout=60)

        await asyncio.gather(*(queue_up(u) for u in users))
        agent_logins = [await _sign_in(base, f"agent{n}", password) for n in range(agents)]
        sessions.extend(s for s, _ in agent_logins)
        convs: list[Conversation] = []
        for index, user_id in enumerate(users):
            handoff = await services.repos.handoffs.active_for_chat(user_id)
            assert handoff is not None, "citizen not queued"
            session, csrf = agent_logins[index % agents]
            async with session.post(f"{base}/staff/h/{handoff.id}/claim",
                                    headers={"X-CSRF-Token": csrf, "Accept": "application/json"}) as r:
                if r.status != 200:
                    raise RuntimeError(f"claim failed: {r.status}")
            convs.append(Conversation(user_id=user_id, handoff_id=handoff.id, agent=session, csrf=csrf))
        await asyncio.gather(*(sb.wait_bot_message(c.user_id, timeout=60) for c in convs))  # "X joined"

        async def reader(conv: Conversation) -> None:
            assert conv.ws is not None and conv.inbox is not None
            async for msg in conv.ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    await conv.inbox.put(msg.json())

        readers = []
        for conv in convs:
            conv.ws = await conv.agent.ws_connect(f"{base}/staff/h/{conv.handoff_id}/ws?csrf={conv.csrf}",
                                                  origin=base)
            conv.inbox = asyncio.Queue()
            readers.append(asyncio.create_task(reader(conv)))

        to_agent: list[float] = []
        to_citizen: list[float] = []

        async def talk(conv: Conversation) -> None:
            assert conv.ws is not None and conv.inbox is not None
            for r in range(rounds):
                await asyncio.sleep(random.uniform(*pause))
                marker = f"c{conv.user_id}-{r}"
                started = time.perf_counter()
                await sb.send_text(conv.user_id, marker)
                while True:
                    event = await asyncio.wait_for(conv.inbox.get(), 30)
                    if event.get("type") == "message" and event.get("text") == marker:
                        to_agent.append(time.perf_counter() - started)
                        break
                await asyncio.sleep(random.uniform(*pause))
                marker = f"a{conv.user_id}-{r}"
                started = time.perf_counter()
                await conv.ws.send_json({"type": "send", "text": marker})
                await sb.wait_bot_message(conv.user_id, contains=marker, timeout=30)
                to_citizen.append(time.perf_counter() - started)

        await asyncio.gather(*(talk(c) for c in convs))
        for conv in convs:
            assert conv.ws is not None
            await conv.ws.close()
        for task in readers:
            task.cancel()
        return {"citizen_to_agent": to_agent, "agent_to_citizen": to_citizen}
    finally:
        for session in sessions:
            await session.close()
        await sandbox_http.close()
        try:  # best effort: the bench's own database, on a server that may still be busy
            await services.repos.db.client.drop_database(settings.mongo_db)
        except PyMongoError as exc:
            print(f"note: could not drop the bench database {settings.mongo_db}: {exc}")
        await runner.cleanup()


async def bench_handoff(settings: Settings, *, conversations: int, agents: int, rounds: int) -> int:
    started = time.perf_counter()
    results = await run_bench(settings, conversations=conversations, agents=agents, rounds=rounds)
    elapsed = time.perf_counter() - started
    print(f"handoff relay: {conversations} concurrent agent conversations, {agents} agents, "
          f"{rounds} round trips each ({elapsed:.1f} s in all)")
    worst = 0.0
    for name, values in results.items():
        print(summary(name, values))
        worst = max(worst, percentile(values, 99))
    verdict = "PASS" if worst < 0.2 else "FAIL"
    print(f"{verdict}: p99 target 200 ms")
    return 0 if worst < 0.2 else 1


__all__ = ["bench_handoff", "run_bench"]
