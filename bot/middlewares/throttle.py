"""Slow down one citizen who floods the bot, without affecting anyone else.

A window per user in Redis that opens with the citizen's first message (SET NX EX, then
INCR): past `limit` updates in `window` seconds
the rest of the window is dropped, and the citizen gets one polite notice (only for the first
dropped update, so the notice itself cannot flood). The count is normally taken by the update's
first round trip (bot/middlewares/prefetch.py, the same two commands) and found in the data.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update, User
from redis.exceptions import RedisError

from actions.services import Services
from bot.prefetch import Prefetched
from core.i18n import Translator
from core.metrics import ERRORS, UPDATES_THROTTLED

log = structlog.get_logger(__name__)


class ThrottleMiddleware(BaseMiddleware):
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        if user is None or (event.message is None and event.callback_query is None):
            return await handler(event, data)
        if event.message is not None and event.message.successful_payment is not None:
            return await handler(event, data)  # money taken is always recorded, however fast the citizen types
        prefetched: Prefetched | None = data.get("prefetched")
        count = prefetched.throttle_count if prefetched is not None else None
        if count is None:
            services: Services = data["services"]
            key = services.keys.throttle(user.id)
            try:
                async with services.redis.pipeline(transaction=True) as pipe:
                    pipe.set(key, 0, px=int(self.window * 1000), nx=True)
                    pipe.incr(key)
                    _, count = await pipe.execute()
            except RedisError:
                ERRORS.labels("redis-throttle").inc()
                return await handler(event, data)
        if count <= self.limit:
            return await handler(event, data)
        UPDATES_THROTTLED.inc()
        if count == self.limit + 1:
            t: Translator = data["t"]
            bot: Bot = data["bot"]
            chat = data.get("event_chat")
            log.info("citizen throttled", count=count)
            if chat is not None:
                await bot.send_message(chat.id, t("throttled", seconds=math.ceil(self.window)))
        if event.callback_query is not None:
            await event.callback_query.answer()
        return None
