"""Citizen API: opening a bot's Mini App as Telegram does, and the chat's menu button.

Telegram opens a Mini App (a ``web_app`` button, the menu button, a ``startapp`` link) by loading
its URL with launch parameters in the fragment: ``tgWebAppData`` (the *initData*: the user, the
time, a query id, ``start_param``..., signed with the bot's token), ``tgWebAppVersion``,
``tgWebAppPlatform`` and ``tgWebAppThemeParams``. The sandbox does the same, signing with the token
of the bot the citizens talk to, so the Mini App's server validates the sandbox's launches exactly
as it validates Telegram's (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app).
The page side of Telegram (``Telegram.WebApp``) is static/telegram-web-app.js; the chat page
(static/app.js) hosts the Mini App in a phone-sized frame and answers its events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import quote, urlencode, urlsplit

from aiohttp import web

from sandbox.botapi.info import effective_menu_button
from sandbox.citizen.common import as_int, chat_of, citizen_of, fail, json_body
from sandbox.records import JSON
from sandbox.state import SandboxState

WEB_APP_VERSION = "8.0"  # the Bot API version whose Mini App features the stand-in offers
PLATFORM = "weba"  # Telegram Web A: a Mini App in an iframe, talking to its host with postMessage
SOURCES = frozenset({"inline", "menu", "link", "keyboard"})
START_PARAM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

THEMES: dict[str, JSON] = {
    # Telegram's own default palettes (Web A), light and dark.
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#707579",
        "link_color": "#3390ec",
        "button_color": "#3390ec",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#f4f4f5",
        "header_bg_color": "#ffffff",
        "accent_text_color": "#3390ec",
        "section_bg_color": "#ffffff",
        "section_header_text_color": "#3390ec",
        "subtitle_text_color": "#707579",
        "destructive_text_color": "#df3f40",
        "bottom_bar_bg_color": "#ffffff",
        "section_separator_color": "#e7e7e7",
    },
    "dark": {
        "bg_color": "#212121",
        "text_color": "#ffffff",
        "hint_color": "#aaaaaa",
        "link_color": "#8774e1",
        "button_color": "#8774e1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#0f0f0f",
        "header_bg_color": "#212121",
        "accent_text_color": "#8774e1",
        "section_bg_color": "#212121",
        "section_header_text_color": "#aaaaaa",
        "subtitle_text_color": "#aaaaaa",
        "destructive_text_color": "#e53935",
        "bottom_bar_bg_color": "#212121",
        "section_separator_color": "#303030",
    },
}


def sign_init_data(token: str, fields: dict[str, str]) -> str:
    """``fields`` as Telegram's initData query string, with the ``hash`` Telegram computes: an
    HMAC-SHA256 of the sorted ``key=value`` lines under the key HMAC-SHA256("WebAppData", token)."""
    check_string = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    signed = {**fields, "hash": hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()}
    return urlencode(signed, quote_via=quote)


def launch_url(url: str, init_data: str, theme: JSON, start_param: str | None) -> str:
    """The Mini App's URL with the launch parameters in its fragment, after the page's own path
    (``/app/#/violations`` -> ``/app/#/violations?tgWebAppData=...``), as Telegram's script reads them."""
    base, _, fragment = url.partition("#")
    params = {
        "tgWebAppData": init_data,
        "tgWebAppVersion": WEB_APP_VERSION,
        "tgWebAppPlatform": PLATFORM,
        "tgWebAppThemeParams": json.dumps(theme, separators=(",", ":")),
    }
    if start_param:
        params["tgWebAppStartParam"] = start_param
    query = urlencode(params, quote_via=quote)
    return f"{base}#{fragment}?{query}" if fragment else f"{base}#{query}"


class WebAppApi:
    """``POST /api/webapp/launch`` and ``GET /api/chats/{chat}/menu_button``."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def launch(self, request: web.Request) -> web.Response:
        """Body: ``user_id``, ``url`` (the button's), ``source`` (inline, menu, keyboard, link),
        ``start_param?``, ``theme?`` (light, dark). Answers ``{url, init_data, theme_params, bot}``:
        the address to load in the Mini App's frame, as Telegram would."""
        body = await json_body(request)
        citizen = citizen_of(self.state, body.get("user_id"))
        bot = self.state.active_bot()
        if bot is None:
            raise fail("no bot has called the Bot API yet", 409)
        url = str(body.get("url") or "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise fail("url must be an http:// or https:// address")
        source = str(body.get("source") or "inline")
        if source not in SOURCES:
            raise fail(f"source must be one of {', '.join(sorted(SOURCES))}")
        start_param = str(body.get("start_param") or "") or None
        if start_param is not None and (len(start_param) > 512 or not set(start_param) <= START_PARAM_CHARS):
            raise fail("start_param: up to 512 characters A-Z a-z 0-9 _ -")
        theme_name = str(body.get("theme") or "light")
        if theme_name not in THEMES:
            raise fail("theme must be light or dark")
        user = {**citizen.to_telegram(), "allows_write_to_pm": True}
        user.pop("is_bot", None)
        fields = {
            "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
            "auth_date": str(int(time.time())),
        }
        if source != "keyboard":  # a reply keyboard's Mini App answers with sendData, not a query
            fields["query_id"] = "AA" + secrets.token_urlsafe(18)
        if source in ("inline", "link"):
            fields["chat_instance"] = str(-(10**18) - citizen.id)  # one per chat, as Telegram's
            fields["chat_type"] = "sender"
        if start_param is not None:
            fields["start_param"] = start_param
        init_data = sign_init_data(bot.token, fields)
        theme = THEMES[theme_name]
        return web.json_response(
            {
                "url": launch_url(url, init_data, theme, start_param),
                "init_data": init_data,
                "theme_params": theme,
                "version": WEB_APP_VERSION,
                "platform": PLATFORM,
                "bot": bot.user,
            }
        )

    async def menu_button(self, request: web.Request) -> web.Response:
        """The menu button this private chat shows: its own, the default scope's, or the commands."""
        chat = chat_of(self.state, request)
        bot = self.state.active_bot()
        if bot is None or chat.type != "private":
            return web.json_response({"type": "commands"})
        return web.json_response(effective_menu_button(bot, as_int(chat.id, "chat_id")))

    async def themes(self, request: web.Request) -> web.Response:
        return web.json_response(THEMES)
