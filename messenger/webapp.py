"""The Telegram Mini App's launch points (miniapp/, served at /app/): the address of each of its
pages for `web_app` buttons, and the chat menu button.

The menu button opens the Mini App. It is set per chat once the citizen has linked an identity
(in their language), and in the default scope, for everyone else, with a page that asks them to
link their identity in the chat first. Without an address Telegram can open (``Settings.miniapp_url``:
https, or the sandbox) there are no Mini App buttons and the menu button lists the commands.

Deep links: a page is named in the URL fragment (``/app/#/violations``) of a button, and in the
``startapp`` parameter of a ``t.me`` link to the bot's main Mini App (``start_param``: ``violations``,
``delivery-<id>``); the page reads either."""

from __future__ import annotations

from urllib.parse import quote

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import MenuButtonCommands, MenuButtonDefault, MenuButtonWebApp, WebAppInfo
from markupsafe import Markup

from core.config import Settings
from core.i18n import Catalog
from core.language import Language

log = structlog.get_logger(__name__)

# The pages a link may open (miniapp/static/app.js routes the same names).
PAGES = frozenset(
    {
        "home",
        "elicense",
        "violations",
        "vehicles",
        "report",
        "deliveries",
        "delivery",
        "complaints",
        "complaint",
        "applications",
        "notifications",
        "link",
    }
)


def page_url(settings: Settings, page: str = "home", arg: str = "") -> str | None:
    """The Mini App at ``page`` (with ``arg``, e.g. a delivery's id), or None when Telegram could
    not open it (no https address outside the sandbox)."""
    base = settings.miniapp_url
    if base is None:
        return None
    if page not in PAGES:
        raise ValueError(f"unknown Mini App page {page!r}")
    return f"{base}#/{page}" + (f"/{quote(arg, safe='')}" if arg else "")


def web_app_info(settings: Settings, page: str = "home", arg: str = "") -> WebAppInfo | None:
    url = page_url(settings, page, arg)
    return WebAppInfo(url=url) if url is not None else None


def _plain(text: Markup) -> str:
    """A catalog message as the plain text a button shows."""
    return text.unescape()


async def set_linked_menu_button(bot: Bot, settings: Settings, catalog: Catalog, chat_id: int, lang: Language) -> None:
    """The chat's menu button opens the Mini App (the citizen has linked an identity). A failure is
    logged, never raised: the chat works without it."""
    info = web_app_info(settings)
    if info is None:
        return
    button = MenuButtonWebApp(text=_plain(catalog.text(lang, "miniapp-menu-button")), web_app=info)
    try:
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
    except TelegramAPIError as exc:
        log.warning("could not set the chat's menu button", error=str(exc))


async def reset_menu_button(bot: Bot, settings: Settings, chat_id: int) -> None:
    """The chat's menu button is the default one again (the identity was unlinked)."""
    if settings.miniapp_url is None:
        return
    try:
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=MenuButtonDefault())
    except TelegramAPIError as exc:
        log.warning("could not reset the chat's menu button", error=str(exc))


async def set_default_menu_button(bot: Bot, settings: Settings, catalog: Catalog) -> None:
    """Everyone's menu button (the default scope): the Mini App's "link your identity first" page,
    or the command list when there is no Mini App address. The default scope has one text for all
    languages: the English and Chinese labels together."""
    info = web_app_info(settings, "link")
    if info is None:
        await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        return
    text = f"{_plain(catalog.text(Language.EN, 'miniapp-menu-button'))} · {_plain(catalog.text(Language.ZH, 'miniapp-menu-button'))}"
    await bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text=text, web_app=info))
