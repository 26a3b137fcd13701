"""The Telegram webhook: check the secret, handle the update, then answer.

The update is handled before Telegram gets its 200: if the process dies meanwhile, Telegram
delivers the update again (the bot's de-duplication makes the copy harmless), so nothing a
citizen sent is lost in a crash or a deploy. On shutdown the server lets the requests in flight
finish (the runner's shutdown timeout) before the bot's session closes.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

log = structlog.get_logger(__name__)

Feed = Callable[[dict[str, Any]], Awaitable[object]]


def setup(app: web.Application, *, path: str, secret: str, feed: Feed) -> None:
    """Serve the webhook at `path`; each update goes to `feed` (the dispatcher)."""

    async def webhook_handler(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"ok": False, "description": "bad secret token"}, status=401)
        try:
            update = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            return web.json_response({"ok": False, "description": "body is not JSON"}, status=400)
        if not isinstance(update, dict) or "update_id" not in update:
            return web.json_response({"ok": False, "description": "not a Telegram update"}, status=400)
        try:
            await feed(update)
        except Exception:  # a bug in a handler: logged; a redelivery would fail the same way
            log.exception("update failed", update_id=update.get("update_id"))
        return web.json_response({"ok": True})

    app.router.add_post(path, webhook_handler, name="telegram-webhook")
