"""`python bot.py bench handoff`: relay latency with many concurrent agent conversations.

The app under test runs in its own process, as `make run` runs it: bot, sandbox and staff
console in one aiohttp app (`python -m staff.bench serve`, started and stopped by the bench),
against the configured (or embedded) MongoDB and Redis. This process only plays the people: N
sandbox citizens ask for a person from the menu, agents sign in over HTTP, claim one
conversation each (several per agent) and open its websocket. Each conversation then exchanges
`rounds` messages each way, with a random pause between them:

- citizen -> agent: from the citizen's send in the sandbox to the event on the agent's websocket
  (Telegram update -> bot -> Redis pub/sub -> relay -> websocket);
- agent -> citizen: from the websocket send to the message appearing in the citizen's chat.

The sandbox's flood limits are raised (Telegram's paid-broadcast level) so that the relay is
what is measured, not the flood control. The report adds the CPU time each process used while
the messages were exchanged, and the load average. With HANDOFF_BENCH_PROFILE=path.pstats the
app process is profiled (cProfile) while the messages are exchanged and writes the profile there
when it stops (read it with `python -m pstats path.pstats`; the profiler slows the app, so take
latency figures without it).
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import random
import re
import signal
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from core.config import Settings, load_settings
from core.i18n import default_catalog
from core.logging import configure_logging
from core.processes import Child, Supervisor, free_port
from sandbox.client import SandboxClient
from storage.models import StaffRole
from storage.mongo import Document as MongoDoc
from storage.mongo import connect_mongo
from storage.redis import connect_redis
from storage.repositories import Repositories

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
    return (
        f"{name}: n={len(ms)} p50={percentile(ms, 50):.1f} ms p95={percentile(ms, 95):.1f} ms "
        f"p99={percentile(ms, 99):.1f} ms max={max(ms):.1f} ms"
    )


async def _sign_in(base: str, username: str, password: str) -> tuple[aiohttp.ClientSession, str]:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(f"{base}/staff/login") as response:
        login_csrf = CSRF_RE.search(await response.text())
    assert login_csrf is not None
    async with session.post(
        f"{base}/staff/login",
        data={"username": username, "password": password, "csrf": login_csrf.group(1), "next": "/staff/queue"},
    ) as r:
        page = await r.text()
    match = CSRF_RE.search(page)
    if r.status != 200 or match is None:
        raise RuntimeError(f"sign-in failed for {username}: {r.status}")
    return session, match.group(1)


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds used so far by each process of interest (this one, the app, the embedded servers)."""

    seconds: dict[str, float]
    wall: float

    @staticmethod
    def take(pids: dict[str, int]) -> CpuSample:
        return CpuSample({name: _cpu_seconds(pid) for name, pid in pids.items()}, time.monotonic())

    def since(self, earlier: CpuSample) -> dict[str, float]:
        return {name: self.seconds[name] - earlier.seconds.get(name, 0.0) for name in self.seconds}


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), in seconds; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child_processes() -> dict[str, int]:
    """This process's children (the embedded MongoDB / Redis started by `bot.py`), by name."""
    found: dict[str, int] = {}
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        if int(raw.rsplit(")", 1)[1].split()[1]) == me and name != "python" and not name.startswith("python"):
            found[name] = int(stat.parent.name)
    return found


@dataclass
class BenchResult:
    latencies: dict[str, list[float]]
    cpu: dict[str, float]  # CPU seconds per process while the messages were exchanged
    seconds: float  # how long that phase lasted
    load: tuple[float, float]  # 1-minute load average before and after


APP_SETTINGS_ENV = "HANDOFF_BENCH_APP_SETTINGS"
PROFILE_ENV = "HANDOFF_BENCH_PROFILE"
REPO = Path(__file__).resolve().parent.parent


def app_overrides(settings: Settings, port: int) -> dict[str, Any]:
    """The settings of the app under test: the bench's own database and Redis prefix, the sandbox
    at Telegram's paid-broadcast rate, staff around the clock, no NLU."""
    assert settings.mongo_url is not None and settings.redis_url is not None
    return {
        "mongo_url": settings.mongo_url.get_secret_value(),
        "redis_url": settings.redis_url.get_secret_value(),
        "telegram_token": None,
        "telegram_api_url": None,
        "webhook_url": None,
        "webhook_secret": None,
        "nlu_url": None,
        "http_host": "127.0.0.1",
        "http_port": port,
        "public_url": None,
        "demo_data": False,
        "mongo_db": f"bench_{uuid.uuid4().hex[:8]}",
        "redis_prefix": f"bench{uuid.uuid4().hex[:6]}",
        "sandbox_global_rate": 1000.0,
        "sandbox_chat_rate": 20.0,
        "throttle_messages": 1000,
        "staff_hours": "00:00-24:00",
        "handoff_max_wait": 3600,
    }


async def start_app_process(supervisor: Supervisor, overrides: dict[str, Any], log_path: Path) -> Child:
    """`python -m staff.bench serve` with these settings, ready when /healthz answers."""
    base = f"http://127.0.0.1:{overrides['http_port']}"
    http = aiohttp.ClientSession()

    async def ready() -> bool:
        async with http.get(f"{base}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as response:
            return response.status == 200

    try:
        return await supervisor.start(
            "app",
            [sys.executable, "-m", "staff.bench", "serve"],
            url=base,
            log_path=log_path,
            ready=ready,
            timeout=60,
            env={APP_SETTINGS_ENV: json.dumps(overrides)},
            cwd=REPO,
        )
    finally:
        await http.close()


async def serve(overrides: dict[str, Any], profiler: cProfile.Profile | None = None) -> int:
    """The app under test (the child process): serve until SIGTERM, then shut down cleanly. With
    a profiler: SIGUSR1 starts it and SIGUSR2 stops it (the bench profiles the talking only)."""
    from app.factory import create_app, start_server

    settings = load_settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if profiler is not None:
        loop.add_signal_handler(signal.SIGUSR1, profiler.enable)
        loop.add_signal_handler(signal.SIGUSR2, profiler.disable)
    runner = await start_server(create_app(settings), settings.http_host, settings.http_port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    return 0


async def run_bench(
    settings: Settings,
    *,
    conversations: int = 200,
    agents: int = 20,
    rounds: int = 5,
    pause: tuple[float, float] = (2.0, 6.0),
) -> BenchResult:
    from actions.staff_accounts import add_staff

    overrides = app_overrides(settings, free_port())
    base = f"http://127.0.0.1:{overrides['http_port']}"
    log_path = settings.data_dir.resolve() / "logs" / "bench-app.log"
    supervisor = Supervisor()
    mongo: AsyncMongoClient[MongoDoc] = connect_mongo(overrides["mongo_url"])
    repos = Repositories.from_db(mongo[overrides["mongo_db"]])
    catalog = default_catalog()
    sessions: list[aiohttp.ClientSession] = []
    sandbox_http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    sb = SandboxClient(base + "/sandbox", session=sandbox_http)
    try:
        app = await start_app_process(supervisor, overrides, log_path)
        password = uuid.uuid4().hex
        for n in range(agents):
            await add_staff(
                repos,
                username=f"agent{n}",
                password=password,
                role=StaffRole.AGENT,
                display_name=f"Agent {n}",
                now=datetime.now(UTC),
            )
        users = await sb.create_users_bulk(conversations, first_name="Citizen")

        setup_slots = asyncio.Semaphore(SETUP_CONCURRENCY)
        title = catalog.text("en", "handoff-title")

        async def queue_up(user_id: int) -> None:
            async with setup_slots:
                await sb.send_text(user_id, "/menu")
                menu = await sb.wait_bot_message(user_id, timeout=60)
                if title not in [b for row in menu.buttons for b in row]:
                    raise RuntimeError(f"no {title!r} button in the menu: {menu.plain_text!r} {menu.buttons}")
                await sb.press_button(user_id, menu.message_id, menu.callback_data_of(title))
                await sb.wait_bot_message(user_id, timeout=60)

        await asyncio.gather(*(queue_up(u) for u in users))
        agent_logins = [await _sign_in(base, f"agent{n}", password) for n in range(agents)]
        sessions.extend(s for s, _ in agent_logins)
        convs: list[Conversation] = []
        for index, user_id in enumerate(users):
            handoff = await repos.handoffs.active_for_chat(user_id)
            assert handoff is not None, "citizen not queued"
            session, csrf = agent_logins[index % agents]
            async with session.post(
                f"{base}/staff/h/{handoff.id}/claim", headers={"X-CSRF-Token": csrf, "Accept": "application/json"}
            ) as r:
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
            conv.ws = await conv.agent.ws_connect(f"{base}/staff/h/{conv.handoff_id}/ws?csrf={conv.csrf}", origin=base)
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

        pids = {"bench (this process)": os.getpid(), "app": app.pid} | _child_processes()
        load_before = os.getloadavg()[0]
        profiling = bool(os.environ.get(PROFILE_ENV))
        if profiling:
            os.kill(app.pid, signal.SIGUSR1)
        before = CpuSample.take(pids)
        await asyncio.gather(*(talk(c) for c in convs))
        after = CpuSample.take(pids)
        if profiling:
            os.kill(app.pid, signal.SIGUSR2)
        load_after = os.getloadavg()[0]
        for conv in convs:
            assert conv.ws is not None
            await conv.ws.close()
        for task in readers:
            task.cancel()
        return BenchResult(
            {"citizen_to_agent": to_agent, "agent_to_citizen": to_citizen},
            after.since(before),
            after.wall - before.wall,
            (load_before, load_after),
        )
    finally:
        for session in sessions:
            await session.close()
        await sandbox_http.close()
        await supervisor.stop_all()  # SIGTERM: the app drains and writes the queued transcript turns
        try:  # best effort: the bench's own database, on a server that may still be busy
            await mongo.drop_database(overrides["mongo_db"])
        except PyMongoError as exc:
            print(f"note: could not drop the bench database {overrides['mongo_db']}: {exc}")
        await mongo.close()
        await _drop_redis_keys(overrides["redis_url"], overrides["redis_prefix"])


async def _drop_redis_keys(url: str, prefix: str) -> None:
    redis = connect_redis(url)
    try:
        batch: list[bytes] = []
        async for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                await redis.delete(*batch)
                batch.clear()
        if batch:
            await redis.delete(*batch)
    finally:
        await redis.aclose()


async def bench_handoff(settings: Settings, *, conversations: int, agents: int, rounds: int) -> int:
    started = time.perf_counter()
    result = await run_bench(settings, conversations=conversations, agents=agents, rounds=rounds)
    elapsed = time.perf_counter() - started
    print(
        f"handoff relay: {conversations} concurrent agent conversations, {agents} agents, "
        f"{rounds} round trips each ({elapsed:.1f} s in all); app in its own process, "
        f"{os.cpu_count()} CPUs, load average {result.load[0]:.2f} before / {result.load[1]:.2f} after"
    )
    worst = 0.0
    for name, values in result.latencies.items():
        print(summary(name, values))
        worst = max(worst, percentile(values, 99))
    cpu = ", ".join(
        f"{name} {seconds:.1f} s ({seconds / result.seconds:.0%} of a core)" for name, seconds in result.cpu.items()
    )
    print(f"CPU while talking ({result.seconds:.1f} s): {cpu}")
    verdict = "PASS" if worst < 0.2 else "FAIL"
    print(f"{verdict}: p99 target 200 ms")
    return 0 if worst < 0.2 else 1


def main(argv: list[str]) -> int:
    """`python -m staff.bench serve`: the app under test, started by `run_bench`."""
    if argv != ["serve"] or APP_SETTINGS_ENV not in os.environ:
        print("usage: python -m staff.bench serve (started by `python bot.py bench handoff`)", file=sys.stderr)
        return 2
    overrides = json.loads(os.environ[APP_SETTINGS_ENV])
    profile_path = os.environ.get(PROFILE_ENV)
    if not profile_path:
        return asyncio.run(serve(overrides))
    profiler = cProfile.Profile()
    try:
        return asyncio.run(serve(overrides, profiler))
    finally:
        profiler.disable()
        profiler.dump_stats(profile_path)


__all__ = ["BenchResult", "bench_handoff", "run_bench", "serve"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
