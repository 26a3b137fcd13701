"""The last line of defence: an exception in a handler is logged and counted, and the citizen
is told in their language whether it is our fault or a service that is down right now."""

from __future__ import annotations

import structlog
from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.types import ErrorEvent
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from actions.services import Services
from bot.middlewares.context import resolve_language
from core.language import Language
from core.metrics import ERRORS
from nlu.client import NluUnavailable

log = structlog.get_logger(__name__)


def build_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router


async def on_error(event: ErrorEvent, services: Services, bot: Bot, state: FSMContext | None = None) -> bool:
    exc = event.exception
    update = event.update
    where = (
        "mongo"
        if isinstance(exc, PyMongoError)
        else "redis"
        if isinstance(exc, RedisError)
        else "nlu"
        if isinstance(exc, NluUnavailable)
        else "telegram"
        if isinstance(exc, TelegramAPIError)
        else "handler"
    )
    ERRORS.labels(where).inc()
    log.error("update failed", where=where, update_id=update.update_id, exc_info=exc)
    message = update.message or (update.callback_query.message if update.callback_query else None)
    user = (
        update.message.from_user
        if update.message
        else update.callback_query.from_user
        if update.callback_query
        else None
    )
    # A Telegram refusal (a message too long, an edit of a deleted message...) is told like any
    # other failure; only a chat that cannot be written to (blocked, gone) is left alone.
    if message is None or isinstance(exc, TelegramForbiddenError):
        return True
    lang = await resolve_language(services, user, None) if user else Language.EN
    t = services.catalog.translator(lang)
    text = t("error-service-down") if where in ("mongo", "redis", "nlu") else t("error-internal")
    if state is not None and await _form_open(state):
        text += "\n" + t("error-form-kept")  # the form's state and data are not touched here
    try:
        await bot.send_message(message.chat.id, text)
    except TelegramAPIError:
        log.warning("could not tell the citizen about the error")
    return True


async def _form_open(state: FSMContext) -> bool:
    try:
        return await state.get_state() is not None
    except RedisError:
        return False
