"""The composition root: `create_app(settings)` builds the one aiohttp application (webhook,
sandbox, health, metrics, back-office events API, staff console, Mini App) for production and tests alike.

Every resource lives in `app.cleanup_ctx`, in dependency order; cleanup runs in reverse and
only for what started. Shutdown drains webhook updates in flight before closing clients.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import structlog
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiohttp import web
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from actions.services import Services
from actions.sms import build_sms_gateway
from app.keys import BOT, DISPATCHER, MONGO, NLU, REDIS, SERVER_STARTED, SERVICES, SETTINGS
from bot.factory import attach_bot_middlewares, build_dispatcher, set_commands
from bot.polling import ConfirmingPoller
from core.config import SANDBOX_GATEWAY_SECRET, Settings
from core.i18n import default_catalog
from core.metrics import ERRORS
from core.retry import backoff
from messenger.outgoing import scheduled_sends
from messenger.scheduler import release_scheduler
from messenger.telegram import build_bot
from nlu.client import NluClient
from push import events as push_events
from push.outbox import attach_push
from push.worker import PushWorker, build_push_client
from storage.models import LOCAL_TZ
from storage.mongo import Document, connect_mongo
from storage.redis import Keys, connect_redis
from storage.repositories import Repositories
from web import health, open311, security, webhook
from web import payments as payments_web

log = structlog.get_logger(__name__)

DRAIN_TIMEOUT = 15.0
WEBHOOK_LOCK_SECONDS = 30  # one process calls setWebhook; the others wait for its fingerprint
TRANSCRIPT_DROPPED = ERRORS.labels("transcript-dropped")


class StartupError(RuntimeError):
    """A dependency is unreachable at start; the message is one line for the operator."""


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "?"


async def mongo_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    assert settings.mongo_url is not None, "bot.py resolves MONGO_URL (or starts SecantusDB) first"
    url = settings.mongo_url.get_secret_value()
    client: AsyncMongoClient[Document] = connect_mongo(url)
    try:
        await client.admin.command("ping")
    except PyMongoError as exc:
        await client.close()
        reason = str(exc).split(",")[0].split(" (configured timeouts")[0]
        raise StartupError(f"cannot reach MongoDB at {_host_of(url)} (MONGO_URL): {reason}") from None
    app[MONGO] = client
    yield
    await client.close()


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    assert settings.redis_url is not None, "bot.py resolves REDIS_URL (or starts redis-server) first"
    url = settings.redis_url.get_secret_value()
    client = connect_redis(url)
    try:
        await client.ping()
    except RedisError as exc:
        await client.aclose()
        raise StartupError(f"cannot reach Redis at {_host_of(url)} (REDIS_URL): {exc}") from None
    app[REDIS] = client
    yield
    await client.aclose()


async def services_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    repos = Repositories.from_db(app[MONGO][settings.mongo_db])
    await repos.ensure_indexes()
    if settings.demo_data:
        from storage.seed import load_demo_data

        report = await load_demo_data(repos, today=datetime.now(LOCAL_TZ).date())
        log.info("demo data", report=str(report))
    nlu = NluClient(settings.nlu_url, timeout=settings.nlu_timeout) if settings.nlu_url else None
    if nlu is not None:
        app[NLU] = nlu
    sms = build_sms_gateway(settings)
    # Transcript turns are written in the background, in batches (the relay does not wait on
    # MongoDB); stopped after the bot and the relay (reverse order), writing what is queued.
    repos.conversations.start_writer(on_drop=TRANSCRIPT_DROPPED.inc)
    app[SERVICES] = Services(
        settings=settings,
        repos=repos,
        redis=app[REDIS],
        keys=Keys(settings.redis_prefix),
        catalog=default_catalog(),
        nlu=nlu,
        sms=sms,
    )
    app[SERVICES] = attach_push(app[SERVICES])  # notify() hands new notifications to the push stream
    yield
    await repos.conversations.stop_writer()
    if nlu is not None:
        await nlu.close()
    if sms is not None:
        await sms.close()


async def bot_ctx(app: web.Application) -> AsyncIterator[None]:
    settings, services = app[SETTINGS], app[SERVICES]
    sends = scheduled_sends(services)  # every message sent takes a slot of the one shared scheduler
    bot = build_bot(settings, sends)
    attach_bot_middlewares(bot, services)
    dp = build_dispatcher(services)
    app[BOT], app[DISPATCHER] = bot, dp
    poller = ConfirmingPoller(dp, bot, allowed_updates=dp.resolve_used_update_types())
    runner = asyncio.create_task(_run_bot(app, bot, dp, poller), name="telegram")
    yield
    poller.stop()
    runner.cancel()
    try:
        await runner
    except asyncio.CancelledError:
        pass
    except Exception:  # already logged where it happened; stopping goes on
        log.exception("the bot's runner ended with an error")
    await poller.drain(DRAIN_TIMEOUT)  # updates being handled; webhook requests drain with the server
    await bot.session.close()
    await release_scheduler(sends.scheduler)


async def push_worker_ctx(app: web.Application) -> AsyncIterator[None]:
    """One push worker in this process (PUSH_INPROCESS_WORKER); more run as `bot.py worker`."""
    settings, services = app[SETTINGS], app[SERVICES]
    if not settings.push_inprocess_worker:
        yield
        return
    client = build_push_client(settings)
    worker = PushWorker(services, client)

    async def run() -> None:
        await app[SERVER_STARTED].wait()  # in sandbox mode the Bot API is this very server
        await worker.run()

    task = asyncio.create_task(run(), name="push-worker")
    yield
    worker.stop()
    try:
        await asyncio.wait_for(task, timeout=DRAIN_TIMEOUT)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
    except Exception:
        log.exception("push worker failed")
    await client.close()


async def _run_bot(app: web.Application, bot: Bot, dp: Dispatcher, poller: ConfirmingPoller) -> None:
    """Runs once the HTTP server listens (in sandbox mode the Bot API is this very server)."""
    settings, services = app[SETTINGS], app[SERVICES]
    await app[SERVER_STARTED].wait()
    await _until_done("set the command menu", lambda: set_commands(bot, services))
    allowed = dp.resolve_used_update_types()
    if settings.webhook_mode:
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        url, secret = settings.webhook_url, settings.webhook_secret.get_secret_value()
        connections = settings.webhook_max_connections
        await _until_done(
            "set the webhook", lambda: _set_webhook_once(services, bot, url, secret, allowed, connections)
        )
        return
    await _until_done("delete the webhook", lambda: bot.delete_webhook(drop_pending_updates=False))
    await services.redis.delete(services.keys.webhook(bot.id))  # a later webhook start sets it again
    log.info("polling for updates", api=bot.session.api.base)
    await poller.run()


async def _until_done(what: str, call: Callable[[], Awaitable[object]]) -> None:
    """Start-up calls to the Bot API, retried with backoff while Telegram is unreachable or
    erroring: the bot must not give up for good because the network blinked at start."""
    attempt = 0
    while True:
        try:
            await call()
            return
        except TelegramAPIError as exc:
            attempt += 1
            delay = backoff(attempt, 1.0, 60.0)
            log.warning("Bot API call failed at start; retrying", what=what, error=str(exc), in_seconds=round(delay, 1))
            await asyncio.sleep(delay)


async def _set_webhook_once(
    services: Services, bot: Bot, url: str, secret: str, allowed: list[str], max_connections: int
) -> None:
    """setWebhook only when its arguments changed or the webhook is not there (a sandbox started
    afresh, a deleteWebhook elsewhere): replicas, the processes of `bot.py run --processes N` and
    restarts do not re-set it each time. Processes starting together take a short Redis lock, so
    one of them calls setWebhook and the others see its fingerprint."""
    fingerprint = hmac.new(
        secret.encode(), json.dumps([url, sorted(allowed), max_connections]).encode(), "sha256"
    ).hexdigest()
    key = services.keys.webhook(bot.id)
    lock = f"{key}:setting"
    while True:
        stored = await services.redis.get(key)
        if (stored.decode() if isinstance(stored, bytes) else stored) == fingerprint:
            if (await bot.get_webhook_info()).url == url:
                return
            await services.redis.delete(key)  # set elsewhere or lost: set it again
            continue
        if await services.redis.set(lock, fingerprint, nx=True, ex=WEBHOOK_LOCK_SECONDS):
            break
        await asyncio.sleep(0.2)  # another process is setting it: see what it set
    try:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=allowed, max_connections=max_connections)
        await services.redis.set(key, fingerprint)
    finally:
        await services.redis.delete(lock)
    log.info("webhook set", url=url, max_connections=max_connections)


def _probes(app: web.Application) -> health.Probes:
    mongo, redis, nlu = app.get(MONGO), app.get(REDIS), app.get(NLU)
    return health.Probes(
        mongodb=(lambda: mongo.admin.command("ping")) if mongo is not None else None,
        redis=(lambda: redis.ping()) if redis is not None else None,
        nlu=nlu.health if nlu is not None else None,
    )


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)  # webhook updates, console forms; events: EVENTS_MAX_BODY
    app[SETTINGS] = settings
    app[SERVER_STARTED] = asyncio.Event()
    app.cleanup_ctx.extend([mongo_ctx, redis_ctx, services_ctx, bot_ctx, push_worker_ctx])
    security.setup(app)
    token = settings.metrics_token.get_secret_value() if settings.metrics_token is not None else None
    health.setup(app, lambda: _probes(app), metrics_token=token)
    push_events.setup(app, SERVICES)
    payments_web.setup(app, lambda: app[SERVICES])  # the payment gateway's signed notifications
    open311.setup(app, lambda: app[SERVICES])  # public status and open data (Open311 GeoReport v2)
    if settings.webhook_url:
        assert settings.webhook_secret is not None, "settings validation requires WEBHOOK_SECRET"

        async def feed(update: dict[str, Any]) -> object:
            return await app[DISPATCHER].feed_raw_update(app[BOT], update)

        webhook.setup(
            app,
            path=urlsplit(settings.webhook_url).path or "/",
            secret=settings.webhook_secret.get_secret_value(),
            feed=feed,
        )
    if settings.sandbox_mode:
        from sandbox.app import SandboxLimits, create_sandbox_app

        limits = SandboxLimits(
            per_chat_rate=settings.sandbox_chat_rate,
            global_rate=settings.sandbox_global_rate,
            group_per_minute=settings.sandbox_group_per_minute,
        )
        # User and update ids continue across restarts; with SANDBOX_PERSIST so do citizens and chats.
        folder = settings.data_dir.resolve() / "sandbox"
        key = settings.gateway_secret  # the payment gateway's merchant key (the sandbox emulates the gateway)
        app.add_subapp(
            "/sandbox",
            create_sandbox_app(
                limits,
                folder=folder,
                persist=settings.sandbox_persist,
                gateway_key=key.get_secret_value() if key is not None else SANDBOX_GATEWAY_SECRET,
            ),
        )
    # The staff console (issue 6); its relay listener (Redis pub/sub) and long-wait sweeper start
    # after the bot and stop before it.
    from staff.app import create_staff_app, relay_ctx

    staff_app = create_staff_app(settings, services=lambda: app[SERVICES], bot=lambda: app[BOT])
    app.cleanup_ctx.append(relay_ctx(staff_app))
    app.add_subapp("/staff", staff_app)
    # The Telegram Mini App (issue 12): pages and their JSON API at /app/.
    from miniapp.app import create_miniapp

    app.add_subapp("/app", create_miniapp(settings, services=lambda: app[SERVICES], bot=lambda: app.get(BOT)))
    return app


async def start_server(app: web.Application, host: str, port: int, *, reuse_port: bool = False) -> web.AppRunner:
    """Start the app and tell the bot the HTTP server listens (for polling the in-process sandbox).

    `reuse_port`: bind with SO_REUSEPORT, beside the other processes of `bot.py run --processes N`
    on the same port (the kernel spreads new connections across them)."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=DRAIN_TIMEOUT)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_port=reuse_port or None)
    await site.start()
    app[SERVER_STARTED].set()
    return runner
