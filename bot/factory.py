"""`build_dispatcher()`: the router tree, Redis FSM storage with per-chat event isolation, and the
middlewares; a fresh dispatcher (and router tree) per call, so several apps can share a process."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import BotCommandScopeDefault

from actions.services import Services
from bot.isolation import LeasedEventIsolation
from bot.middlewares.context import ContextMiddleware, CtxMiddleware
from bot.middlewares.dedupe import DedupeMiddleware
from bot.middlewares.handoff import HandoffMiddleware
from bot.middlewares.prefetch import PrefetchedFSMMiddleware, PrefetchMiddleware
from bot.middlewares.stale_query import StaleCallbackQueryMiddleware
from bot.middlewares.throttle import ThrottleMiddleware
from bot.middlewares.transcript import IncomingTranscriptMiddleware, OutgoingTranscriptMiddleware
from bot.routers import build_routers
from core.language import LANGUAGES
from messenger.commands import command_list
from messenger.webapp import set_default_menu_button


def build_dispatcher(services: Services) -> Dispatcher:
    storage = RedisStorage(
        services.redis,
        key_builder=DefaultKeyBuilder(prefix=services.keys.fsm_prefix(), with_destiny=True),
        state_ttl=services.settings.form_ttl,  # a form abandoned for 30 minutes expires
        data_ttl=services.settings.form_ttl,
    )
    # One update at a time per chat, across processes; a crashed holder's lease ends within seconds.
    isolation = LeasedEventIsolation(services.redis, storage.key_builder)
    dp = Dispatcher(storage=storage, events_isolation=isolation, services=services)
    # aiogram's FSM middleware, made to use the state read by the update's first round trip.
    dp.update.outer_middleware.unregister(dp.fsm)
    dp.fsm = fsm = PrefetchedFSMMiddleware(storage=storage, events_isolation=isolation)
    throttle = ThrottleMiddleware(services.settings.throttle_messages, services.settings.throttle_window)
    # The per-update Redis work of the middlewares below in one script, their writes in one pipeline.
    dp.update.outer_middleware(PrefetchMiddleware(services.redis, fsm=fsm, isolation=isolation, throttle=throttle))
    # Ours run before the FSM middleware, which holds the per-chat lock while the update is
    # handled: a duplicate or a flood must be dropped before it queues on that lock.
    dp.update.outer_middleware(ContextMiddleware())
    dp.update.outer_middleware(DedupeMiddleware())
    dp.update.outer_middleware(IncomingTranscriptMiddleware(services.repos))
    dp.update.outer_middleware(throttle)
    # While a person has the conversation, everything goes to them and the bot stays silent.
    dp.update.outer_middleware(HandoffMiddleware())
    dp.update.outer_middleware(fsm)
    # Inner middlewares (after the FSM's, only once a handler matched): every message and button
    # handler takes a typed `ctx: Ctx`.
    dp.message.middleware(CtxMiddleware())
    dp.callback_query.middleware(CtxMiddleware())
    dp.include_router(build_routers())
    return dp


def attach_bot_middlewares(bot: Bot, services: Services) -> None:
    bot.session.middleware(OutgoingTranscriptMiddleware(services.repos))
    bot.session.middleware(StaleCallbackQueryMiddleware())  # a press redelivered after a crash


async def set_commands(bot: Bot, services: Services) -> None:
    """The command menu in each language, and everyone's menu button (the Mini App's "link your
    identity first" page; a linked citizen's chat gets its own when they link)."""
    for lang in LANGUAGES:
        await bot.set_my_commands(
            command_list(services.catalog, lang),
            scope=BotCommandScopeDefault(),
            language_code=None if lang == "en" else lang,
        )
    await set_default_menu_button(bot, services.settings, services.catalog)
