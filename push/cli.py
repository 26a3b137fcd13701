"""`python bot.py worker` and `python bot.py outbox` (`bot.py bench push` lives in bench/)."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import structlog
from aiohttp import web

from actions.outbox import requeue_dead
from actions.services import Services
from core.config import Settings
from core.i18n import default_catalog
from core.loop import run as run_on_loop
from core.metrics import metrics_handler
from messenger.scheduler import SendScheduler, release_scheduler, scheduler_config
from push.outbox import attach_push
from push.stream import PushStream
from storage.models import LOCAL_TZ, NotificationState
from storage.mongo import connect_mongo
from storage.redis import Keys, connect_redis
from storage.repositories import Repositories

if TYPE_CHECKING:
    from push.worker import PushWorker

log = structlog.get_logger(__name__)


def add_subcommands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_worker = sub.add_parser("worker", help="a push worker: sends notifications from the outbox stream")
    p_worker.add_argument("--name", help="consumer name in the stream group (default: host-pid)")
    p_outbox = sub.add_parser("outbox", help="notification outbox: counts by state, dead letters, re-queue")
    p_outbox.add_argument("--limit", type=int, default=20, help="dead letters to list")
    p_outbox.add_argument(
        "--requeue", nargs="*", metavar="ID", help="re-queue dead letters (all but opted-out ones, or the given ids)"
    )


@asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[Services]:
    if settings.mongo_url is None or settings.redis_url is None:
        raise SystemExit("error: this command needs MONGO_URL and REDIS_URL (the servers `bot.py run` uses)")
    client = connect_mongo(settings.mongo_url.get_secret_value())
    redis = connect_redis(settings.redis_url.get_secret_value())
    try:
        repos = Repositories.from_db(client[settings.mongo_db])
        await repos.notifications.ensure_indexes()
        services = attach_push(
            Services(
                settings=settings,
                repos=repos,
                redis=redis,
                keys=Keys(settings.redis_prefix),
                catalog=default_catalog(),
                nlu=None,
            )
        )
        yield services
    finally:
        await redis.aclose()
        await client.close()


def health_app(worker: PushWorker, task: asyncio.Task[None], *, metrics_token: str | None) -> web.Application:
    """GET /healthz (200 while the worker runs and Redis answers; docker-compose probes it) and
    GET /metrics (Prometheus; the app's rule: METRICS_TOKEN bearer, or loopback only) on
    HTTP_HOST:HTTP_PORT of a `bot.py worker` process."""

    async def healthz(_: web.Request) -> web.Response:
        body: dict[str, object] = {"status": "alive", "worker": worker.consumer, "sent": worker.sent}
        if task.done():
            return web.json_response({**body, "status": "stopped"}, status=503)
        try:
            await asyncio.wait_for(worker.services.redis.ping(), 2.0)
        except Exception as exc:  # noqa: BLE001 - any failure means the worker cannot work
            return web.json_response({**body, "status": "redis down", "error": type(exc).__name__}, status=503)
        return web.json_response(body)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_handler(metrics_token))
    return app


async def run_worker(settings: Settings, name: str | None) -> int:
    from push.worker import PushWorker, build_push_client

    async with connected(settings) as services:
        client = build_push_client(settings)
        worker = PushWorker(services, client, consumer=name)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, worker.stop)
        task = asyncio.create_task(worker.run(), name="push-worker")
        token = settings.metrics_token.get_secret_value() if settings.metrics_token is not None else None
        app = health_app(worker, task, metrics_token=token)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, settings.http_host, settings.http_port)
        try:
            await site.start()
            host, port = runner.addresses[0][:2]  # HTTP_PORT=0: a free port the OS chose
            log.info("worker health endpoint", url=f"http://{host}:{port}/healthz")
            await task
        finally:
            if not task.done():
                worker.stop()
                await task
            await runner.cleanup()
            await client.close()
            await release_scheduler(worker.scheduler)
    return 0


async def run_outbox(settings: Settings, limit: int, requeue: list[str] | None) -> int:
    async with connected(settings) as services:
        repos = services.repos.notifications
        if requeue is not None:
            count = await requeue_dead(services, requeue or None)
            print(f"re-queued {count} dead letter(s); the workers send them within a few seconds")
        counts = await repos.counts_by_state()
        print("notifications by state:")
        for state in NotificationState:
            print(f"  {state.value:<8} {counts[state]:>9,}")
        stream = await PushStream(services.redis, services.keys).stats()
        print("stream: " + ", ".join(f"{k} {v:,}" for k, v in stream.items()))
        dead = await repos.dead_letters(limit=limit)
        if dead:
            print(f"dead letters (newest {len(dead)} of {counts[NotificationState.DEAD]:,}):")
            for n in dead:
                print(f"  {n.id}  {n.type.value:<26} {n.updated_at:%Y-%m-%d %H:%M}  {n.last_error}")
        else:
            print("no dead letters")
        await print_replies(services, limit)
    return 0


async def print_replies(services: Services, limit: int) -> None:
    """The outgoing scheduler's side: replies waiting for a slot, paid messages, dead replies."""
    scheduler = SendScheduler(services.redis, services.keys, scheduler_config(services.settings))
    stats = await scheduler.stats()
    paid = stats["paid"]
    paid_total = sum(paid.values())
    cost = paid_total * services.settings.push_paid_cost
    print(f"replies waiting for a send slot: {stats['replies_waiting']:,}")
    print(
        f"paid broadcast messages: {paid_total:,} (pushes {paid.get('push', 0):,}, replies {paid.get('reply', 0):,}),"
        f" {cost:,.1f} Telegram Stars"
    )
    dead = await scheduler.dead_letters(limit)
    if dead:
        print(f"dead replies (newest {len(dead)} of {stats['dead_letters']:,}):")
        for entry in dead:
            at = datetime.fromtimestamp(float(entry.get("at", 0)), LOCAL_TZ)
            print(f"  {at:%Y-%m-%d %H:%M:%S}  chat {entry.get('chat_id')}  {entry.get('method')}  {entry.get('error')}")
    else:
        print("no dead replies")


def command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "worker":
        return run_on_loop(run_worker(settings, args.name), settings.event_loop)
    if args.command == "outbox":
        return asyncio.run(run_outbox(settings, args.limit, args.requeue))
    raise AssertionError(args.command)
