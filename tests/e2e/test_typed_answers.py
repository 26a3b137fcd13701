"""What a citizen types alone is answered as what it is (issue 18), through the Telegram sandbox:
a bare ID number is not "Goodbye", a menu label typed as text opens it."""

from __future__ import annotations

import aiohttp
import pytest

from sandbox.client import SandboxClient
from storage.seed import DEMO_IDENTITIES

pytestmark = pytest.mark.e2e


async def test_a_bare_id_number_and_a_typed_menu_label(sb: SandboxClient) -> None:
    for lang, looks_like, faq_typed, faq_title in (
        ("en", "That looks like an ID number.", "Frequently asked questions", "Frequently asked questions: choose"),
        ("zh", "这看起来是身份证号。", "常见问题", "常见问题：请选择问题。"),
    ):
        user = await sb.create_user("Ida", language_code="zh-hans" if lang == "zh" else "en")
        await sb.send_text(user.id, DEMO_IDENTITIES[0].id_number)
        answer = await sb.wait_bot_message(user.id)
        assert answer.plain_text.startswith(looks_like) and "Goodbye" not in answer.plain_text
        assert DEMO_IDENTITIES[0].id_number not in answer.plain_text
        await sb.send_text(user.id, faq_typed)
        assert faq_title in (await sb.wait_bot_message(user.id)).plain_text


async def chat_commands(sb: SandboxClient, chat_id: int, language_code: str) -> dict[str, str]:
    """The "/" menu the chat shows (what Telegram's client asks for: this chat's, else the default)."""
    params = {"chat_id": str(chat_id), "language_code": language_code}
    async with aiohttp.ClientSession() as http, http.get(f"{sb.base_url}/api/commands", params=params) as response:
        body = await response.json()
    return {c["command"]: c["description"] for c in body["commands"]}


async def test_the_command_menu_follows_language_and_the_greeting_names_in_full(sb: SandboxClient) -> None:
    user = await sb.create_user("明", last_name="王", language_code="zh-hans")
    await sb.send_text(user.id, "/start")
    assert (await sb.wait_bot_message(user.id)).plain_text.startswith("王明，您好！")
    assert (await chat_commands(sb, user.id, "zh"))["menu"] == "主菜单"
    await sb.send_text(user.id, "/language")
    choose = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, choose.message_id, choose.callback_data_of("English"))
    await sb.wait_bot_message(user.id, contains="I will answer in English")
    assert (await chat_commands(sb, user.id, "zh"))["menu"] == "Main menu"  # the client is still Chinese
