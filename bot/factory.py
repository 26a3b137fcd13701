"""`build_dispatcher()`: routers per feature, Redis FSM storage with per-chat event isolation."""

from __future__ import annotations

import copy

from aiogram import Bot, Dispatcher, Router
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import BotCommand, BotCommandScopeDefault

from actions.services import Services
from bot.middlewares.context import ContextMiddleware
from bot.middlewares.dedupe import DedupeMiddleware
from bot.middlewares.handoff import HandoffMiddleware
from bot.middlewares.throttle import ThrottleMiddleware
from bot.middlewares.transcript import IncomingTranscriptMiddleware, OutgoingTranscriptMiddleware
from bot.routers import (
    business,
    common,
    complaints,
    deliveries,
    elicense,
    errors,
    fallback,
    faq,
    handoff,
    identity,
    licenses,
    notifications,
    profile,
    vehicles,
    violations,
)
from core.i18n import LANGS

COMMANDS = ("start", "menu", "help", "cancel", "language", "notifications", "unbind")


def feature_routers() -> list[Router]:
    """Routers of the citizen services, between the common commands and the free-text fallback."""
    return [
        handoff.router,
        notifications.router,
        identity.router,
        profile.router,
        licenses.router,
        elicense.router,
        vehicles.router,
        violations.router,
        deliveries.router,
        business.router,
        complaints.router,
        faq.router,
    ]


def build_dispatcher(services: Services) -> Dispatcher:
    storage = RedisStorage(
        services.redis,
        key_builder=DefaultKeyBuilder(prefix=services.keys("fsm"), with_destiny=True),
        state_ttl=services.settings.form_ttl,  # a form abandoned for 30 minutes expires
        data_ttl=services.settings.form_ttl,
    )
    dp = Dispatcher(storage=storage, events_isolation=storage.create_isolation(), services=services)
    # Ours run before aiogram's FSM middleware, which holds the per-chat lock while the update is
    # handled: a duplicate or a flood must be dropped before it queues on that lock.
    dp.update.outer_middleware.unregister(dp.fsm)
    dp.update.outer_middleware(ContextMiddleware())
    dp.update.outer_middleware(DedupeMiddleware())
    dp.update.outer_middleware(IncomingTranscriptMiddleware(services.repos))
    dp.update.outer_middleware(
        ThrottleMiddleware(services.settings.throttle_messages, services.settings.throttle_window)
    )
    # While a person has the conversation, everything goes to them and the bot stays silent.
    dp.update.outer_middleware(HandoffMiddleware())
    dp.update.outer_middleware(dp.fsm)
    # Routers are module-level (handlers registered by decorators) and a router can belong to one
    # dispatcher only: each dispatcher gets its own copy, so several apps can share a process.
    routers = [errors.router, common.router, *feature_routers(), fallback.router]
    dp.include_routers(*(copy.deepcopy(router) for router in routers))
    return dp


def attach_bot_middlewares(bot: Bot, services: Services) -> None:
    bot.session.middleware(OutgoingTranscriptMiddleware(services.repos))


async def set_commands(bot: Bot, services: Services) -> None:
    for lang in LANGS:
        t = services.catalog.translator(lang)
        commands = [BotCommand(command=c, description=t(f"cmd-{c}")) for c in COMMANDS]
        await bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=None if lang == "en" else lang
        )
