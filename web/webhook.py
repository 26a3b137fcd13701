"""The Telegram webhook: check the secret, answer at once, handle the update in the background,
and drain what is in flight on shutdown."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

log = structlog.get_logger(__name__)

Feed = Callable[[dict[str, Any]], Awaitable[object]]
WEBHOOK_TASKS = web.AppKey("webhook_tasks", set[asyncio.Task[object]])


def setup(app: web.Application, *, path: str, secret: str, feed: Feed) -> None:
    """Serve the webhook at `path`; each update goes to `feed` (the dispatcher) in a task."""
    app[WEBHOOK_TASKS] = set()

    async def webhook_handler(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"ok": False, "description": "bad secret token"}, status=401)
        try:
            update = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"ok": False, "description": "body is not JSON"}, status=400)
        if not isinstance(update, dict) or "update_id" not in update:
            return web.json_response({"ok": False, "description": "not a Telegram update"}, status=400)
        # Answer at once (Telegram waits for nothing), handle in the background, drain on shutdown.
        task: asyncio.Task[object] = asyncio.create_task(_handle(feed, update))
        tasks = request.app[WEBHOOK_TASKS]
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return web.json_response({"ok": True})

    app.router.add_post(path, webhook_handler, name="telegram-webhook")


async def _handle(feed: Feed, update: dict[str, Any]) -> object:
    return await feed(update)


async def drain(app: web.Application, timeout: float) -> None:
    """Wait (at most `timeout` seconds) for the updates being handled."""
    tasks = set(app.get(WEBHOOK_TASKS, ()))
    if tasks:
        log.info("draining webhook updates in flight", count=len(tasks))
        await asyncio.wait(tasks, timeout=timeout)
