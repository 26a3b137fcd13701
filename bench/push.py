"""`python bot.py bench push --users N --rate R --workers W [--kill-one]`.

Against the sandbox in its own process with Telegram's limits (30/s overall, 1,000/s with
allow_paid_broadcast, 1/s per chat): N citizens bound to N sandbox users, one outbox
notification each, W `bot.py worker` processes. Measured from the sandbox's own record of what
each chat received: the sustained rate (10% to 90% of the messages), 429s caused, lost and
duplicated messages; the workers' peak memory. With --kill-one, one worker is killed with
SIGKILL halfway; the notifications it had in flight (its entries in the consumer group's
pending-entries list: read, not yet recorded) are counted at that moment.

MongoDB and Redis: MONGO_URL / REDIS_URL when set (a database and key prefix of its own,
removed afterwards), else embedded servers in a temporary directory.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from pymongo import AsyncMongoClient

from core.config import Settings
from core.language import Language
from core.processes import Supervisor, free_port
from push.stream import PushStream
from sandbox.client import SandboxClient
from storage.models import (
    Citizen,
    Notification,
    NotificationPreferences,
    NotificationState,
    NotificationType,
    TelegramBinding,
)
from storage.redis import Keys, connect_redis
from storage.repositories import Repositories

REPO = Path(__file__).resolve().parent.parent
CHUNK = 5000


def _die_with_parent() -> None:  # in the child between fork and exec: no orphans if the bench dies
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    with suppress(OSError):  # the process is gone
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            with suppress(aiohttp.ClientError):  # not listening yet
                async with http.get(url) as response:
                    if response.status < 500:
                        return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer")
            await asyncio.sleep(0.1)


async def run_bench(
    settings: Settings, *, users: int, rate: float, workers: int, kill_one: bool, timeout: float, json_out: str | None
) -> int:
    paid = rate > 30
    supervisor = Supervisor()
    tmp = Path(tempfile.mkdtemp(prefix="bench-push-"))
    tag = uuid.uuid4().hex[:8]
    prefix, db_name = f"bench{tag}", f"bench_{tag}"
    sandbox_port = free_port()
    # Plain Popen, not asyncio's: the bench SIGKILLs and polls these children from its own loop.
    sandbox_proc = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "sandbox", "--port", str(sandbox_port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - called before the bench starts any thread
    )
    procs: list[subprocess.Popen[bytes]] = []
    main = asyncio.current_task()
    assert main is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    try:
        from storage.embedded import start_mongo, start_redis

        mongo_url = (
            settings.mongo_url.get_secret_value() if settings.mongo_url else (await start_mongo(supervisor, tmp)).url
        )
        redis_url = (
            settings.redis_url.get_secret_value() if settings.redis_url else (await start_redis(supervisor, tmp)).url
        )
        base = f"http://127.0.0.1:{sandbox_port}/sandbox"
        await _wait_http(f"{base}/api/limits")
        # Not connect_mongo's 10 s socket timeout: counting the outbox while the workers keep the
        # server busy can take longer, and the bench must not fail for it.
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True, socketTimeoutMS=300_000)
        redis = connect_redis(redis_url)
        repos = Repositories.from_db(client[db_name])
        await repos.notifications.ensure_indexes()
        sandbox = SandboxClient(base)
        print(f"preparing {users:,} users, citizens and notifications ...", flush=True)
        chat_ids = await sandbox.create_users_bulk(users)
        now = datetime.now(UTC)
        prefs = NotificationPreferences(quiet_hours=False)
        for start in range(0, users, CHUNK):
            citizens = [
                Citizen(
                    id_number=f"B{i:017d}",
                    name=f"Citizen {i}",
                    phone="13800000000",
                    mailing_address="-",
                    postal_code="100000",
                    city="beijing",
                    created_at=now,
                    telegram=TelegramBinding(
                        user_id=chat_ids[i],
                        chat_id=chat_ids[i],
                        language=Language.ZH if i % 2 else Language.EN,
                        bound_at=now,
                        preferences=prefs,
                    ),
                )
                for i in range(start, min(users, start + CHUNK))
            ]
            await repos.citizens.insert_many(citizens)
            notifications = [
                Notification(
                    type=NotificationType.LICENSE_MAILED,
                    citizen_id_number=f"B{i:017d}",
                    payload={"courier": "EMS", "tracking_number": f"EA{i:09d}CN", "mailed_at": now.isoformat()},
                    dedupe_key=f"bench:{i}",
                    created_at=now,
                    updated_at=now,
                )
                for i in range(start, min(users, start + CHUNK))
            ]
            await repos.notifications.insert_many(notifications)
        env = {
            **os.environ,
            "MONGO_URL": mongo_url,
            "MONGO_DB": db_name,
            "REDIS_URL": redis_url,
            "REDIS_PREFIX": prefix,
            "TELEGRAM_API_URL": base,
            "TELEGRAM_TOKEN": "",
            "PUSH_RATE": str(rate),
            "PUSH_PAID_BROADCAST": "true" if paid else "false",
            "PUSH_REMINDERS": "false",
            "PUSH_SWEEP_INTERVAL": "1",
            "PUSH_CLAIM_TIMEOUT": "10",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "json",
            "HTTP_PORT": "0",
        }
        print(f"starting {workers} worker(s) at {rate:g}/s{' (paid broadcast)' if paid else ''}", flush=True)
        started = time.monotonic()
        # Open for the children's lifetime; closed with the process when the bench ends.
        worker_logs = [open(tmp / f"worker-{k}.log", "wb") for k in range(workers)]  # noqa: ASYNC230, SIM115
        for k in range(workers):
            procs.append(
                subprocess.Popen(  # noqa: ASYNC220
                    [sys.executable, str(REPO / "bot.py"), "worker", "--name", f"bench-{k}"],
                    cwd=REPO,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=worker_logs[k],
                    preexec_fn=_die_with_parent,  # noqa: PLW1509
                )
            )
        samples: list[tuple[float, int]] = []
        peak_rss = 0.0
        killed_in_flight: int | None = None
        last_db_check = 0.0
        finished = False
        while time.monotonic() - started < timeout:
            await asyncio.sleep(0.5)
            stats = await sandbox.stats()
            samples.append((time.monotonic(), int(stats["messages_sent"])))
            peak_rss = max([peak_rss, *(_rss_mb(p.pid) for p in procs if p.poll() is None)])
            if kill_one and killed_in_flight is None and stats["messages_sent"] >= users // 2:
                procs[0].send_signal(signal.SIGKILL)
                procs[0].wait()
                killed_in_flight = await PushStream(redis, Keys(prefix)).pending_of("bench-0")
                print(
                    f"killed worker bench-0 with SIGKILL at {stats['messages_sent']:,} sent; "
                    f"{killed_in_flight} notification(s) in flight",
                    flush=True,
                )
            # Counting the outbox is an aggregation over every notification: not every tick.
            if time.monotonic() - last_db_check > 30 or (
                stats["messages_sent"] >= users and time.monotonic() - last_db_check > 3
            ):
                last_db_check = time.monotonic()
                counts = await repos.notifications.counts_by_state()
                settled = counts[NotificationState.SENT] + counts[NotificationState.DEAD]
                print(
                    f"  {time.monotonic() - started:6.1f}s sent(sandbox) {stats['messages_sent']:>7,}  "
                    f"outbox sent {counts[NotificationState.SENT]:,} dead {counts[NotificationState.DEAD]:,}  "
                    f"429s {stats['too_many_requests']}  worker RSS peak {peak_rss:.0f} MB",
                    flush=True,
                )
                if settled >= users:
                    finished = True
                    break
        for p in procs:
            if p.poll() is None:
                peak_rss = max(peak_rss, _rss_mb(p.pid, "VmHWM"))
        stats = await sandbox.stats(chats=True)
        received: dict[str, list[str]] = stats.get("received", {})
        delivered = sum(1 for c in chat_ids if received.get(str(c)))
        duplicates = sum(max(0, len(received.get(str(c), [])) - 1) for c in chat_ids)
        total = int(stats["messages_sent"])

        def at(fraction: float) -> float:
            target = fraction * total
            return next(t for t, n in samples if n >= target)

        sustained = (0.8 * total) / max(1e-9, at(0.9) - at(0.1)) if total >= 10 else 0.0
        overall = total / max(1e-9, (stats["last_send_at"] or 0) - (stats["first_send_at"] or 0))
        counts = await repos.notifications.counts_by_state()
        result: dict[str, Any] = {
            "users": users,
            "rate": rate,
            "workers": workers,
            "paid_broadcast": paid,
            "kill_one": kill_one,
            "finished": finished,
            "messages_sent": total,
            "sustained_rate": round(sustained, 1),
            "overall_rate": round(overall, 1),
            "sustained_vs_target": round(sustained / rate, 3),
            "too_many_requests": stats["too_many_requests"],
            "lost": users - delivered,
            "duplicates": duplicates,
            "in_flight_at_kill": killed_in_flight,
            "dead_letters": counts[NotificationState.DEAD],
            "worker_peak_rss_mb": round(peak_rss, 1),
            "seconds": round(time.monotonic() - started, 1),
        }
        print(json.dumps(result, indent=2))
        if json_out:
            Path(json_out).write_text(json.dumps(result, indent=2) + "\n")
        await sandbox.close()
        try:  # external servers: remove what the run stored (embedded ones go with their temp dir)
            if settings.redis_url:
                keys = [k async for k in redis.scan_iter(match=f"{prefix}:*", count=1000)]
                for start in range(0, len(keys), 1000):
                    await redis.delete(*keys[start : start + 1000])
            if settings.mongo_url:
                await client.drop_database(db_name)
        except Exception as exc:  # noqa: BLE001 - the figures are in; a failed cleanup does not change them
            print(f"warning: cleanup failed: {exc!r}", flush=True)
        await redis.aclose()
        await client.close()
        ok = (
            finished
            and result["lost"] == 0
            and result["too_many_requests"] == 0
            and (duplicates == 0 if not kill_one else duplicates <= (killed_in_flight or 0))
        )
        return 0 if ok else 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        sandbox_proc.terminate()
        sandbox_proc.wait(10)
        await supervisor.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
