"""The sandbox's Mini App support: setChatMenuButton / getChatMenuButton as Telegram answers them,
and launches whose initData is signed with the bot's token exactly as Telegram signs it (aiogram's
own check accepts it), with the launch parameters in the URL fragment."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, unquote

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import MenuButtonCommands, MenuButtonDefault, MenuButtonWebApp, WebAppInfo
from aiogram.utils.web_app import check_webapp_signature, safe_parse_webapp_init_data

from sandbox.client import SandboxClient, SandboxError


async def test_menu_buttons_per_chat_and_default(bot: Bot, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Ann")
    other = await sandbox.create_user("Bo")
    assert (await sandbox.menu_button(user.id))["type"] == "commands"
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    link = MenuButtonWebApp(text="Open", web_app=WebAppInfo(url="https://example.org/app/#/link"))
    assert await bot.set_chat_menu_button(menu_button=link)  # everyone's
    mine = MenuButtonWebApp(text="My services", web_app=WebAppInfo(url="http://127.0.0.1:8080/app/"))
    assert await bot.set_chat_menu_button(chat_id=user.id, menu_button=mine)
    assert (await sandbox.menu_button(user.id))["text"] == "My services"
    assert (await sandbox.menu_button(other.id))["web_app"]["url"] == "https://example.org/app/#/link"
    got = await bot.get_chat_menu_button(chat_id=user.id)
    assert isinstance(got, MenuButtonWebApp) and got.text == "My services"
    assert await bot.set_chat_menu_button(chat_id=user.id, menu_button=MenuButtonDefault())  # the default again
    assert (await sandbox.menu_button(user.id))["text"] == "Open"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_chat_menu_button(chat_id=999, menu_button=mine)
    group = await sandbox.create_group("Friends", [user.id, other.id])
    with pytest.raises(TelegramBadRequest):
        await bot.set_chat_menu_button(chat_id=group, menu_button=mine)


async def test_a_launch_is_signed_as_telegram_signs_it(
    bot: Bot, bot_token: str, sandbox: SandboxClient, sandbox_url: str
) -> None:
    await bot.get_me()  # the bot the citizens talk to
    user = await sandbox.create_user("Li", last_name="Na", username="lina", language_code="zh-hans")
    launch = await sandbox.launch_web_app(
        user.id, "https://example.org/app/#/violations", start_param="delivery-abc", theme="dark"
    )
    init = launch["init_data"]
    assert check_webapp_signature(bot_token, init)
    assert not check_webapp_signature("654321:another-token", init)
    parsed = safe_parse_webapp_init_data(bot_token, init)
    assert parsed.user is not None and parsed.user.id == user.id and parsed.user.language_code == "zh-hans"
    assert parsed.start_param == "delivery-abc" and parsed.query_id and parsed.chat_type == "sender"
    base, _, fragment = launch["url"].partition("#")
    assert base == "https://example.org/app/"
    path, _, query = fragment.partition("?")
    assert path == "/violations"
    params = dict(parse_qsl(query))
    assert params["tgWebAppData"] == init and params["tgWebAppStartParam"] == "delivery-abc"
    assert json.loads(params["tgWebAppThemeParams"])["bg_color"] == launch["theme_params"]["bg_color"]
    assert unquote(query).count("tgWebAppVersion=8.0") == 1
    with pytest.raises(SandboxError, match="url"):
        await sandbox.launch_web_app(user.id, "javascript:alert(1)")
    with pytest.raises(SandboxError, match="start_param"):
        await sandbox.launch_web_app(user.id, "https://example.org/app/", start_param="no spaces")
    async with aiohttp.ClientSession() as http, http.get(f"{sandbox_url}/static/telegram-web-app.js") as response:
        assert response.status == 200 and "Telegram.WebApp" in await response.text()
