"""The Telegram webhook: check the secret, handle the update, then answer.

The update is handled before Telegram gets its 200: if the process dies meanwhile, Telegram
delivers the update again (the bot's de-duplication makes the copy harmless), so nothing a
citizen sent is lost in a crash or a deploy. One exception keeps the webhook flowing at
Telegram's limits: once a reply of the update waits for a send slot in the durable queue
(messenger/outgoing.py), the update is acknowledged and its handler goes on in the background;
from then on the reply is Redis' to keep (a live process sends it if this one dies), and Telegram
can deliver the next updates instead of holding a connection per waiting citizen. On shutdown the
requests in flight and those background handlers finish (up to the drain timeout) before the
bot's session closes.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import structlog
from aiohttp import web

from messenger.turn import reply_parked

log = structlog.get_logger(__name__)

Feed = Callable[[dict[str, Any]], Awaitable[object]]
DRAIN_TIMEOUT = 15.0
PARKED: web.AppKey[set[asyncio.Task[object]]] = web.AppKey("webhook_parked", set)


def setup(app: web.Application, *, path: str, secret: str, feed: Feed) -> None:
    """Serve the webhook at `path`; each update goes to `feed` (the dispatcher)."""
    parked_tasks: set[asyncio.Task[object]] = set()
    app[PARKED] = parked_tasks

    async def webhook_handler(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"ok": False, "description": "bad secret token"}, status=401)
        try:
            update = await request.json(loads=orjson.loads)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            return web.json_response({"ok": False, "description": "body is not JSON"}, status=400)
        if not isinstance(update, dict) or "update_id" not in update:
            return web.json_response({"ok": False, "description": "not a Telegram update"}, status=400)
        parked = asyncio.Event()
        token = reply_parked.set(parked)
        try:
            handling = asyncio.create_task(_handle(feed, update), name=f"update-{update['update_id']}")
        finally:
            reply_parked.reset(token)
        waiting = asyncio.create_task(parked.wait())
        try:
            await asyncio.wait({handling, waiting}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
        if not handling.done():  # its reply is queued durably: acknowledge, let it finish here
            parked_tasks.add(handling)
            handling.add_done_callback(parked_tasks.discard)
        return web.json_response({"ok": True})

    async def drain(_: web.Application) -> None:
        if parked_tasks:
            log.info("waiting for handlers whose replies are queued", count=len(parked_tasks))
            pending = (await asyncio.wait(set(parked_tasks), timeout=DRAIN_TIMEOUT))[1]
            for task in pending:  # their queued replies are released: a live process sends them
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5.0)

    app.router.add_post(path, webhook_handler, name="telegram-webhook")
    app.on_shutdown.append(drain)


async def _handle(feed: Feed, update: dict[str, Any]) -> None:
    try:
        await feed(update)
    except Exception:  # a bug in a handler: logged; a redelivery would fail the same way
        log.exception("update failed", update_id=update.get("update_id"))
