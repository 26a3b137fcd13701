"""The bot's "/" command menu: the same commands in each language, for everyone (the default scope,
per the Telegram client's language) and for one chat whose citizen chose a language with /language
(``BotCommandScopeChat``, which Telegram shows in that chat whatever the client's language: the
menu follows the replies, issue 18)."""

from __future__ import annotations

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat

from core.i18n import Catalog
from core.language import Language

log = structlog.get_logger(__name__)

COMMANDS = ("start", "menu", "help", "cancel", "language", "notifications", "unbind")


def command_list(catalog: Catalog, lang: Language | str) -> list[BotCommand]:
    t = catalog.translator(lang)
    return [BotCommand(command=c, description=t(f"cmd-{c}")) for c in COMMANDS]


async def set_chat_commands(bot: Bot, catalog: Catalog, chat_id: int, lang: Language) -> bool:
    """The command menu of ``chat_id`` in ``lang``; False (logged) when Telegram refused it: the
    replies change language anyway, the menu keeps the client's language."""
    try:
        await bot.set_my_commands(command_list(catalog, lang), scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as exc:
        log.warning("chat command menu not set", error=type(exc).__name__)
        return False
    return True
