"""Bot API methods on updates: getUpdates (long polling), setWebhook / deleteWebhook /
getWebhookInfo with the webhook's delivery workers, and answerCallbackQuery.

Webhook: updates are POSTed as JSON with ``X-Telegram-Bot-Api-Secret-Token``, up to
``max_connections`` at once; a failing receiver is retried with backoff from 0.1 s doubling to
10 s. A method returned in the webhook answer is executed through ``call``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from sandbox.botapi.params import ApiError, Params, Upload, bad_request, read_multipart
from sandbox.records import JSON, BotState, WebhookConfig, stop_webhook_workers, wait_signal
from sandbox.state import SandboxState

CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
CONFLICT_POLLER = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

Call = Callable[[str, str, Params], Awaitable[Any]]


class UpdateMethods:
    """Updates for the bot, by long polling or webhook, and the answers to its callback queries.

    ``call(token, method, params)`` runs a method the webhook receiver returns in its answer."""

    def __init__(self, state: SandboxState, call: Call) -> None:
        self.state = state
        self.call = call
        self.http: aiohttp.ClientSession | None = None

    async def get_updates(self, bot: BotState, params: Params) -> list[JSON]:
        if bot.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(min(params.integer("timeout") or 0, 50), 0)
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            bot.allowed_updates = [str(item) for item in allowed] or None
        if offset is not None and bot.updates and offset > bot.updates[0]["update_id"]:
            self.state.touch()  # confirmed: a restarted sandbox must not deliver them again
        if offset is not None:
            if offset < 0:
                while len(bot.updates) > -offset:
                    bot.updates.popleft()
            else:
                while bot.updates and bot.updates[0]["update_id"] < offset:
                    bot.updates.popleft()
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.signal.fire()  # an older getUpdates still waiting is terminated with 409, like Telegram
        deadline = time.monotonic() + timeout
        while True:
            if bot.updates or timeout == 0 or self.state.closing:
                return [bot.updates[i] for i in range(min(limit, len(bot.updates)))]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await wait_signal(bot.signal.waiter(), remaining)
            if bot.poll_generation != generation:
                raise ApiError(409, CONFLICT_POLLER)
            if bot.webhook is not None:
                raise ApiError(409, CONFLICT_WEBHOOK)

    async def set_webhook(self, bot: BotState, params: Params) -> bool:
        url = params.text("url") or ""
        if url == "":
            await self.delete_webhook(bot, params)
            return True
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.text("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("bad webhook: Secret token contains unallowed characters")
        allowed = params.json("allowed_updates")
        max_connections = min(max(params.integer("max_connections") or 40, 1), 100)
        pending = list(bot.updates) if not params.flag("drop_pending_updates") else []
        if bot.webhook_queue is not None and not params.flag("drop_pending_updates"):
            while not bot.webhook_queue.empty():
                pending.append(bot.webhook_queue.get_nowait())
        stop_webhook_workers(bot)
        bot.updates.clear()
        bot.webhook = WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=max_connections,
            allowed_updates=[str(a) for a in allowed] if isinstance(allowed, list) and allowed else None,
        )
        queue: asyncio.Queue[JSON] = asyncio.Queue()
        for update in sorted(pending, key=lambda u: u["update_id"]):
            queue.put_nowait(update)
        bot.webhook_queue = queue
        bot.webhook_workers = [
            asyncio.create_task(self._webhook_worker(bot, bot.webhook, queue)) for _ in range(max_connections)
        ]
        bot.signal.fire()  # a poller still waiting learns about the webhook
        return True

    async def delete_webhook(self, bot: BotState, params: Params) -> bool:
        stop_webhook_workers(bot)
        queue = bot.webhook_queue
        bot.webhook = None
        bot.webhook_queue = None
        if params.flag("drop_pending_updates"):
            bot.updates.clear()
        elif queue is not None:
            while not queue.empty():
                bot.updates.append(queue.get_nowait())
        return True

    async def get_webhook_info(self, bot: BotState, params: Params) -> JSON:
        hook = bot.webhook
        if hook is None:
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(bot.updates)}
        pending = (bot.webhook_queue.qsize() if bot.webhook_queue is not None else 0) + bot.webhook_in_flight
        info: JSON = {
            "url": hook.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": hook.max_connections,
            "ip_address": "127.0.0.1",
        }
        if hook.allowed_updates:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        return info

    async def _webhook_worker(self, bot: BotState, hook: WebhookConfig, queue: asyncio.Queue[JSON]) -> None:
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        epoch = bot.epoch
        while True:
            update = await queue.get()
            bot.webhook_in_flight += 1
            delay = 0.1
            try:
                while True:
                    error = await self._post_update(bot, hook, headers, update)
                    if error is None:
                        self.state.stats.webhook_deliveries += 1
                        break
                    self.state.stats.webhook_failures += 1
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
            except asyncio.CancelledError:
                # The webhook was changed or deleted mid-delivery: keep the update for whoever is next
                # (unless the sandbox was reset meanwhile).
                if bot.epoch == epoch:
                    if bot.webhook_queue is not None and bot.webhook_queue is not queue:
                        bot.webhook_queue.put_nowait(update)
                    else:
                        bot.updates.appendleft(update)
                raise
            finally:
                bot.webhook_in_flight -= 1

    async def _post_update(
        self, bot: BotState, hook: WebhookConfig, headers: dict[str, str], update: JSON
    ) -> str | None:
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        try:
            async with self.http.post(hook.url, data=json.dumps(update), headers=headers) as response:
                if response.status >= 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                reply = await self._read_webhook_reply(response)
                if reply is not None:
                    await self._webhook_reply(bot, reply)
                return None
        except (aiohttp.ClientError, TimeoutError) as error:
            return f"Connection failed: {type(error).__name__}"

    @staticmethod
    async def _read_webhook_reply(response: aiohttp.ClientResponse) -> Params | None:
        """A method the receiver returned in its answer (JSON, or multipart as aiogram sends it)."""
        values: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        if response.content_type == "multipart/form-data":
            await read_multipart(aiohttp.MultipartReader(response.headers, response.content), values, uploads)
        elif response.content_type == "application/json":
            try:
                body = json.loads(await response.read() or b"{}")
            except ValueError:
                return None
            if isinstance(body, dict):
                values = body
        if not isinstance(values.get("method"), str):
            return None
        return Params(values, uploads)

    async def _webhook_reply(self, bot: BotState, params: Params) -> None:
        """Telegram runs a method returned in the webhook answer; its result goes nowhere."""
        method = str(params.values.pop("method")).lower()
        self.state.stats.method_calls[method] += 1
        try:
            await self.call(bot.token, method, params)
            self.state.stats.status_codes[200] += 1
        except ApiError as error:
            if error.code == 429:
                self.state.stats.too_many_requests += 1
            self.state.stats.status_codes[error.code] += 1

    async def answer_callback_query(self, bot: BotState, params: Params) -> bool:
        query_id = params.text("callback_query_id", required=True)
        record = self.state.callbacks.get(query_id or "")
        if record is None or record.answered:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
            "cache_time": params.integer("cache_time") or 0,
        }
        chat = self.state.chats.get(record.chat_id)
        if chat is not None:
            chat.add_event(
                "callback_answer",
                {
                    "callback_query_id": record.id,
                    "message_id": record.message_id,
                    "data": record.data,
                    "answer": record.answer,
                },
            )
        self.state.feed.add("callback_answer", record.chat_id, message_id=record.message_id, text=text or "")
        return True

    async def close(self) -> None:
        """Stop every bot's webhook workers and close the HTTP session they post with."""
        for bot in self.state.bots.values():
            stop_webhook_workers(bot)
        if self.http is not None:
            await self.http.close()
            self.http = None
