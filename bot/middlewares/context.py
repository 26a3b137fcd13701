"""The citizen's language and the `Ctx` every handler takes.

`ContextMiddleware` (outermost, on updates): log context, metrics, and the citizen's language for
this update (data "lang" and "t"). `CtxMiddleware` (inner, on messages and button presses, so it
runs after aiogram's FSM middleware and only once a handler matched): the typed ``ctx: Ctx``.

Language (issue 3): the reply follows the message's script (Chinese characters -> Chinese,
otherwise English) unless the citizen chose one with /language; commands, buttons and
non-text messages use the last language seen, else Telegram's `language_code`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.middlewares.user_context import EventContext
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from redis.exceptions import RedisError

from actions.services import Services
from bot.context import Ctx
from bot.prefetch import Prefetched
from core.i18n import Translator
from core.identifiers import PROVINCES
from core.language import Language
from core.language import detect as detect_language
from core.language import from_code as language_from_code
from core.language import parse as parse_language
from core.metrics import ERRORS, HANDLER_LATENCY, UPDATES
from messenger.turn import Turn, current_turn
from storage.redis import as_text

log = structlog.get_logger(__name__)
LAST_LANG_TTL = 90 * 24 * 3600
# A message that is only a plate (京A12345) says nothing about the citizen's language.
_PLATE_LIKE = re.compile(rf"[{PROVINCES}][A-Za-z][·.\s-]?[A-Za-z0-9]{{5,6}}")


def update_type(update: Update) -> str:
    return update.event_type if update.event_type else "unknown"


async def remember_language(services: Services, user_id: int, lang: Language) -> None:
    await services.redis.set(services.keys.language_chosen(user_id), lang)


async def resolve_language(
    services: Services, user: User, text: str | None, prefetched: Prefetched | None = None
) -> Language:
    """The language of the reply to ``text``. With ``prefetched`` (the update's first round trip
    read the stored languages and the form marker), Redis is not asked again, and a changed "last
    language" is written with the update's last round trip."""
    keys = services.keys
    if prefetched is not None and prefetched.language_known:
        chosen, last, form_open = prefetched.language_chosen, prefetched.language_last, prefetched.form_open
    else:
        try:
            raw_chosen, raw_last, open_form = await services.redis.mget(
                keys.language_chosen(user.id), keys.language_last(user.id), keys.form(user.id)
            )
        except RedisError:
            ERRORS.labels("redis-language").inc()
            raw_chosen = raw_last = open_form = None
        chosen, last, form_open = as_text(raw_chosen), as_text(raw_last), open_form is not None
    if (lang := parse_language(chosen)) is not None:
        return lang
    last_lang = parse_language(last)
    # In a form, answers are names, addresses, numbers: "张伟" typed by an English speaker who is
    # linking an identity says nothing about their language. The form goes on in its language.
    if form_open:
        return last_lang or language_from_code(user.language_code)
    words = _PLATE_LIKE.sub("", text) if text else ""
    if words and not words.startswith("/") and any(ch.isalpha() for ch in words):
        detected = detect_language(words)
        if detected != last_lang:
            key = keys.language_last(user.id)
            if prefetched is not None:
                prefetched.defer(lambda pipe: pipe.set(key, detected, ex=LAST_LANG_TTL))
                return detected
            try:
                await services.redis.set(key, detected, ex=LAST_LANG_TTL)
            except RedisError:
                ERRORS.labels("redis-language").inc()
        return detected
    return last_lang or language_from_code(user.language_code)


class ContextMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        kind = update_type(event)
        user: User | None = data.get("event_from_user")
        chat = data.get("event_chat")
        services: Services = data["services"]
        structlog.contextvars.bind_contextvars(
            update_id=event.update_id, chat_id=chat.id if chat else None, user_id=user.id if user else None
        )
        text = event.message.text if event.message else None
        prefetched: Prefetched | None = data.get("prefetched")
        lang = await resolve_language(services, user, text, prefetched) if user else "en"
        data["lang"] = lang
        data["t"] = services.catalog.translator(lang)
        UPDATES.labels(kind).inc()
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            HANDLER_LATENCY.labels(kind).observe(time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("update_id", "chat_id", "user_id")


class CtxMiddleware(BaseMiddleware):
    """Builds the handler's ``ctx: Ctx`` from what the dispatcher and the outer middlewares put in
    the data (bot, services, event context, FSM state, lang, t)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Message | CallbackQuery)
        context: EventContext = data["event_context"]
        t: Translator = data["t"]
        if context.chat is None or context.user is None:  # a button under an inline-mode message
            if isinstance(event, CallbackQuery):
                await event.answer(t("button-expired"), show_alert=True)
            return None
        bot: Bot = data["bot"]
        services: Services = data["services"]
        state: FSMContext = data["state"]
        lang: Language = data["lang"]
        data["ctx"] = Ctx(
            bot=bot,
            services=services,
            chat_id=context.chat.id,
            user=context.user,
            lang=lang,
            t=t,
            state=state,
            event=event,
            prefetched=data.get("prefetched"),
        )
        update: Update | None = data.get("event_update")
        # The outgoing scheduler's view of this turn: stable send tickets and the notice's language.
        token = current_turn.set(Turn(update.update_id, lang) if update is not None else None)
        try:
            return await handler(event, data)
        finally:
            current_turn.reset(token)
