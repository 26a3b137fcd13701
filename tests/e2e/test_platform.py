"""The platform, driven as a citizen would: through the Telegram sandbox over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest

from core.config import Settings
from sandbox.client import SandboxClient
from tests.conftest import RunningApp, sandbox_client

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def platform_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    """The app without an NLU server or demo data, with a low flood threshold for the throttle test."""
    running = await start_app(make_settings(demo_data=False, throttle_messages=8, throttle_window=5.0))
    yield running
    await running.runner.cleanup()


@pytest.fixture
async def sb(platform_app: RunningApp) -> AsyncIterator[SandboxClient]:
    async with sandbox_client(platform_app) as client:
        yield client


async def test_start_in_english_greets_and_shows_the_four_categories(sb: SandboxClient) -> None:
    user = await sb.create_user("Alice", language_code="en")
    await sb.send_text(user.id, "/start")
    reply = await sb.wait_bot_message(user.id)
    assert "Hello, Alice!" in reply.plain_text
    flat = [b for row in reply.buttons for b in row]
    for title in ("Information inquiry", "Business handling", "Consultations & complaints", "Information changes"):
        assert any(title in b for b in flat), (title, flat)


async def test_start_in_chinese(sb: SandboxClient) -> None:
    user = await sb.create_user("李雷", language_code="zh-hans")
    await sb.send_text(user.id, "/start")
    reply = await sb.wait_bot_message(user.id)
    assert "李雷，您好" in reply.plain_text
    flat = " ".join(b for row in reply.buttons for b in row)
    assert "信息查询" in flat and "业务办理" in flat and "咨询投诉" in flat and "信息变更" in flat


async def test_menu_section_opens_in_place(sb: SandboxClient) -> None:
    user = await sb.create_user("Bo", language_code="en")
    await sb.send_text(user.id, "/menu")
    menu = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of("🔎 Information inquiry"))
    edited = await sb.wait_bot_message(user.id)
    assert edited.message_id == menu.message_id and edited.edited
    assert "Information inquiry" in edited.plain_text
    assert any("Back to the menu" in b for row in edited.buttons for b in row)


async def test_cancel_with_nothing_to_cancel(sb: SandboxClient) -> None:
    user = await sb.create_user("Cai", language_code="en")
    await sb.send_text(user.id, "/cancel")
    reply = await sb.wait_bot_message(user.id)
    assert "nothing to cancel" in reply.plain_text


async def test_unknown_command(sb: SandboxClient) -> None:
    user = await sb.create_user("Dan", language_code="en")
    await sb.send_text(user.id, "/teleport now")
    reply = await sb.wait_bot_message(user.id)
    assert "I don't know the command /teleport" in reply.plain_text
    assert "/help" in reply.plain_text


@pytest.mark.parametrize(
    ("send", "expected_en", "expected_zh"),
    [
        ("sticker", "can't read stickers", "表情贴纸"),
        ("voice", "can't read voice messages", "语音消息"),
    ],
)
async def test_sticker_and_voice_get_a_polite_answer(
    sb: SandboxClient, send: str, expected_en: str, expected_zh: str
) -> None:
    en = await sb.create_user("Eve", language_code="en")
    zh = await sb.create_user("王芳", language_code="zh-hans")
    for user, expected in ((en, expected_en), (zh, expected_zh)):
        # a 🚗 sticker (a 👍 one reads as thanks: tests/handlers/test_common.py)
        await (sb.send_sticker(user.id, emoji="🚗") if send == "sticker" else sb.send_voice(user.id))
        reply = await sb.wait_bot_message(user.id)
        assert expected in reply.plain_text


async def test_free_text_without_nlu_points_to_the_menu(sb: SandboxClient) -> None:
    user = await sb.create_user("Fay", language_code="en")
    await sb.send_text(user.id, "how many points do I have left?")
    reply = await sb.wait_bot_message(user.id)
    assert "can't read free text right now" in reply.plain_text
    assert reply.buttons  # the menu comes with it


async def test_language_command_switches_the_replies(sb: SandboxClient) -> None:
    user = await sb.create_user("Gus", language_code="en")
    await sb.send_text(user.id, "/language")
    choose = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, choose.message_id, choose.callback_data_of("中文"))
    confirm = await sb.wait_bot_message(user.id)
    assert "中文" in confirm.plain_text
    await sb.send_text(user.id, "/cancel")
    assert "当前没有需要取消的操作" in (await sb.wait_bot_message(user.id)).plain_text


async def test_reply_arrives_despite_a_telegram_429(sb: SandboxClient) -> None:
    user = await sb.create_user("Hal", language_code="en")
    await sb.inject_fault("sendMessage", status=429, retry_after=1, count=1, chat_id=user.id)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await sb.send_text(user.id, "/help")
    reply = await sb.wait_bot_message(user.id, timeout=15)
    assert "How to use this assistant" in reply.plain_text
    assert loop.time() - started >= 1.0  # it waited retry_after before retrying


async def test_reply_arrives_despite_a_telegram_500(sb: SandboxClient) -> None:
    user = await sb.create_user("Ivy", language_code="en")
    await sb.inject_fault("sendMessage", status=500, count=1, chat_id=user.id)
    await sb.send_text(user.id, "/help")
    reply = await sb.wait_bot_message(user.id, timeout=15)
    assert "How to use this assistant" in reply.plain_text


async def test_a_flooding_citizen_is_slowed_with_one_notice_and_others_are_not(sb: SandboxClient) -> None:
    flooder = await sb.create_user("Jay", language_code="en")
    other = await sb.create_user("Kim", language_code="en")
    for i in range(14):  # the limit in this app is 8 per 5 seconds
        await sb.send_text(flooder.id, f"/unknown{i}")
    await sb.send_text(other.id, "/cancel")
    assert "nothing to cancel" in (await sb.wait_bot_message(other.id, timeout=15)).plain_text
    # Replies reach the flooder at Telegram's 1 message/s per chat: wait for all 8 + the notice.
    messages = []
    for _ in range(200):
        messages = [m for m in await sb.messages(flooder.id) if m.from_bot]
        if len(messages) >= 9:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.5)  # and nothing more arrives
    messages = [m for m in await sb.messages(flooder.id) if m.from_bot]
    notices = [m for m in messages if "sending messages very fast" in m.plain_text]
    assert len(notices) == 1
    assert len(messages) == 8 + 1


async def test_transcript_records_citizen_and_bot_turns(sb: SandboxClient, platform_app: RunningApp) -> None:
    from app.keys import SERVICES

    user = await sb.create_user("Lin", language_code="en")
    await sb.send_text(user.id, "/help")
    await sb.wait_bot_message(user.id)
    repos = platform_app.app[SERVICES].repos
    for _ in range(50):  # the bot's turn is written just after Telegram accepted the message
        turns = await repos.conversations.recent_turns(user.id)
        if len(turns) >= 2:
            break
        await asyncio.sleep(0.05)
    roles = [(t.role.value, (t.text or "")[:20]) for t in turns]
    assert roles[0] == ("citizen", "/help")
    assert roles[1][0] == "bot" and roles[1][1].startswith("<b>How to use")


async def test_health_ready_and_metrics(platform_app: RunningApp) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(platform_app.base_url + "/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["status"] == "alive"
        async with http.get(platform_app.base_url + "/readyz") as resp:
            body = await resp.json()
            assert resp.status == 200
            assert body["checks"]["mongodb"]["status"] == "up"
            assert body["checks"]["redis"]["status"] == "up"
            assert body["checks"]["nlu"]["status"] == "down"  # none configured in this app
            assert body["status"] == "degraded"
        async with http.get(platform_app.base_url + "/metrics") as resp:
            text = await resp.text()
            assert "bot_updates_total" in text and "telegram_api_calls_total" in text
            assert "bot_handler_seconds_bucket" in text
