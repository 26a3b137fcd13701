"""Telegram redelivers a webhook update it thinks failed: handle each update_id once.

The update id is kept in Redis for a day (SET NX EX), so this holds across replicas and restarts.
If Redis cannot answer, the update is handled (a rare duplicate beats a lost message).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from redis.exceptions import RedisError

from actions.services import Services
from core.metrics import ERRORS, UPDATES_DUPLICATE

log = structlog.get_logger(__name__)
SEEN_TTL = 24 * 3600


class DedupeMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        services: Services = data["services"]
        bot_id = data["bot"].id
        try:
            first = await services.redis.set(services.keys("upd", bot_id, event.update_id), 1, nx=True, ex=SEEN_TTL)
        except RedisError:
            ERRORS.labels("redis-dedupe").inc()
            first = True
        if not first:
            UPDATES_DUPLICATE.inc()
            log.info("duplicate update skipped")
            return None
        return await handler(event, data)
