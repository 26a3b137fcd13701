"""A button press delivered again after a crash is handled, even though it can no longer be answered.

Every button handler first answers its callback query (the spinner on the citizen's button stops).
Telegram accepts one answer per query, within seconds of the press: a press redelivered after a
restart (the update was being handled when the process died) gets "query is too old ... or query
ID is invalid". That answer is a courtesy, not the work: the refusal is logged and the handler
goes on, so the redelivered Submit still files (once) and tells the citizen.
"""

from __future__ import annotations

import structlog
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = structlog.get_logger(__name__)

STALE = ("query is too old", "query id is invalid")


class StaleCallbackQueryMiddleware(BaseRequestMiddleware):
    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not isinstance(method, AnswerCallbackQuery) or not any(s in str(exc).lower() for s in STALE):
                raise
            log.info("callback query too old to answer; handled anyway", query_id=method.callback_query_id)
            # What answerCallbackQuery returns (aiogram passes results, not Response objects, along the chain).
            return True  # type: ignore[return-value]
