"""Helpers the end-to-end tests share: citizens bound to a demo identity, and the menu and button
steps every feature's test takes through the Telegram sandbox."""

from __future__ import annotations

from bot.middlewares.context import remember_language
from core.language import Language
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from tests.conftest import RunningApp, bind_directly, services_of


async def bound_user(sb: SandboxClient, app: RunningApp, id_number: str, lang: str) -> SandboxUser:
    """A new sandbox user ("en" or "zh" Telegram client) bound to ``id_number`` without the SMS flow."""
    user = await sb.create_user("Tester", language_code="zh-hans" if lang == "zh" else "en")
    await bind_directly(app, user, id_number, language=lang)
    return user


async def citizen(sb: SandboxClient, app: RunningApp, id_number: str, lang: str) -> SandboxUser:
    """A citizen bound to ``id_number`` who chose ``lang`` (/language): a bare plate typed in a
    form is Chinese script and would otherwise switch the replies to Chinese."""
    user = await bound_user(sb, app, id_number, lang)
    await remember_language(services_of(app), user.id, Language(lang))
    return user


async def open_feature(sb: SandboxClient, user: SandboxUser, section: str, title: str) -> ChatMessage:
    """/menu, then the ``section`` button, then the feature's ``title`` button: the feature's reply."""
    await sb.send_text(user.id, "/menu")
    # Wait for the menu itself: a pushed notification may arrive in between.
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in section)
    menu = await sb.wait_bot_message(user.id, contains="请问需要办理" if chinese else "What can I help")
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of(section))
    opened = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, opened.message_id, opened.callback_data_of(title))
    return await sb.wait_bot_message(user.id)


async def press(sb: SandboxClient, user: SandboxUser, message: ChatMessage, button: str) -> ChatMessage:
    """Press ``button`` under ``message``: the next bot message or edit."""
    await sb.press_button(user.id, message.message_id, message.callback_data_of(button))
    return await sb.wait_bot_message(user.id)
