"""The bot's own replies take global send slots ahead of push broadcasts (a session middleware
on the conversation bot; kept apart from push/limiter.py so workers need not import aiogram).
A reply waits for its slot, at most the limiter's HORIZON (a quarter of a second)."""

from __future__ import annotations

import asyncio

import structlog
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from push.limiter import HORIZON, SEND_METHODS, GlobalLimiter

log = structlog.get_logger(__name__)
MAX_WAIT = HORIZON + 0.25  # a clock step or a burst of replies never holds one for long


class PriorityRateMiddleware(BaseRequestMiddleware):
    """On the bot's own session: every message it sends takes a global slot ahead of pushes."""

    def __init__(self, limiter: GlobalLimiter) -> None:
        self.limiter = limiter

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        if getattr(method, "__api_method__", "") in SEND_METHODS:
            try:
                wait = await self.limiter.take_priority()
            except Exception as exc:  # noqa: BLE001 - the reply matters more than the accounting
                log.warning("rate accounting failed for a reply", error=str(exc))
            else:
                await asyncio.sleep(min(wait, MAX_WAIT))
        return await make_request(bot, method)
