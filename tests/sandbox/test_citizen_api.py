"""The citizen API, raw Bot API answers, limits, stats, SMS, reset and the chat page."""

from __future__ import annotations

import time

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from sandbox.client import SandboxClient, SandboxError
from sandbox.state import SandboxState


async def test_raw_429_shape_and_group_limit(sandbox_url: str, sandbox: SandboxClient, bot_token: str) -> None:
    user = await sandbox.create_user("Raw")
    url = f"{sandbox_url}/bot{bot_token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        statuses = []
        for n in range(4):
            async with http.post(url, json={"chat_id": user.id, "text": f"m{n}"}) as response:
                statuses.append(response.status)
                body = await response.json()
        assert statuses == [200, 200, 200, 429]
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        group = await sandbox.create_group("Family", [user.id])
        await sandbox.set_limits(group_per_minute=2)
        codes = []
        for n in range(3):
            async with http.post(url, data={"chat_id": str(group), "text": f"g{n}"}) as response:
                codes.append(response.status)
                retry = (await response.json()).get("parameters", {}).get("retry_after")
        assert codes == [200, 200, 429] and retry == 30


async def test_paid_broadcast_and_disabled_limits(bot: Bot, sandbox: SandboxClient) -> None:
    ids = await sandbox.create_users_bulk(60)
    await sandbox.set_limits(global_burst=30)
    with pytest.raises(TelegramRetryAfter):
        for user_id in ids:
            await bot.send_message(user_id, "broadcast")
    for user_id in ids[40:]:
        await bot.send_message(user_id, "paid", allow_paid_broadcast=True)
    await sandbox.set_limits(enabled=False)
    for _ in range(10):
        await bot.send_message(ids[0], "unlimited")
    with pytest.raises(SandboxError, match="must be true or false"):
        await sandbox.set_limits(enabled="no")


async def test_bulk_users_and_stats_for_benchmarks(bot: Bot, sandbox: SandboxClient) -> None:
    started = time.monotonic()
    ids = await sandbox.create_users_bulk(20_000, language_code="zh-hans")
    assert len(ids) == len(set(ids)) == 20_000
    assert time.monotonic() - started < 5
    for user_id in ids[:5]:
        await bot.send_message(user_id, f"notice {user_id}", allow_paid_broadcast=True)
    stats = await sandbox.stats(chats=True)
    assert stats["users"] == 20_000
    assert stats["messages_sent"] == 5 and stats["method_calls"]["sendmessage"] == 5
    assert stats["received"] == {str(u): [f"notice {u}"] for u in ids[:5]}
    assert stats["first_send_at"] <= stats["last_send_at"]


async def test_reply_keyboard_press_and_remove(bot: Bot, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Kim", language_code="zh-hans")
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="查询"), KeyboardButton(text="Help")]], resize_keyboard=True
    )
    await bot.send_message(user.id, "choose", reply_markup=keyboard)
    chat = await sandbox.chat(user.id)
    assert [[b["text"] for b in row] for row in chat["reply_keyboard"]["keyboard"]] == [["查询", "Help"]]
    sent = await sandbox.press_reply_button(user.id, "查询")
    assert sent.plain_text == "查询" and not sent.from_bot
    with pytest.raises(SandboxError, match="no such button"):
        await sandbox.press_reply_button(user.id, "Nope")
    await bot.send_message(user.id, "removed", reply_markup=ReplyKeyboardRemove())
    assert (await sandbox.chat(user.id))["reply_keyboard"] is None


async def test_a_request_location_button_sends_a_location_not_its_label(bot: Bot, sandbox: SandboxClient) -> None:
    """As Telegram's client: the button shares a location (the given one, else the phone's), and a
    one-time keyboard goes; the bot gets a location message, never the label as text."""
    user = await sandbox.create_user("Geo")
    button = KeyboardButton(text="📍 Share my location", request_location=True)
    await bot.send_message(
        user.id, "where?", reply_markup=ReplyKeyboardMarkup(keyboard=[[button]], one_time_keyboard=True)
    )
    sent = await sandbox.press_reply_button(user.id, "📍 Share my location", latitude=31.2304, longitude=121.4737)
    assert sent.kind == "location" and sent.text == ""
    assert sent.media == {"location": {"latitude": 31.2304, "longitude": 121.4737}}
    assert (await sandbox.chat(user.id))["reply_keyboard"] is None
    updates = await bot.get_updates(timeout=1)
    message = updates[-1].message
    assert message is not None and message.location is not None and message.text is None
    assert (message.location.latitude, message.location.longitude) == (31.2304, 121.4737)

    await bot.send_message(user.id, "again?", reply_markup=ReplyKeyboardMarkup(keyboard=[[button]]))
    default = await sandbox.press_reply_button(user.id, "📍 Share my location")
    assert default.media == {"location": {"latitude": 39.9055, "longitude": 116.3976}}  # the sandbox phone's
    assert (await sandbox.chat(user.id))["reply_keyboard"] is not None  # not one-time: it stays


async def test_sticker_voice_commands_and_updates(bot: Bot, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Lu")
    await bot.get_me()
    await sandbox.send_text(user.id, "/start")
    await sandbox.send_sticker(user.id, "🚗")
    await sandbox.send_voice(user.id, duration=3)
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message is not None]
    assert messages[0].text == "/start" and messages[0].entities is not None
    assert messages[0].entities[0].type == "bot_command"
    assert messages[1].sticker is not None and messages[1].sticker.emoji == "🚗"
    assert messages[2].voice is not None and messages[2].voice.duration == 3
    file = await bot.get_file(messages[2].voice.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read().startswith(b"OggS")


async def test_chat_actions_edits_and_wait_cursor(bot: Bot, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Mo")
    await sandbox.send_text(user.id, "hi")
    await bot.send_chat_action(user.id, "typing")
    first = await bot.send_message(user.id, "<i>one</i>", parse_mode="HTML")
    await bot.edit_message_text("<b>uno</b>", chat_id=user.id, message_id=first.message_id, parse_mode="HTML")
    got = await sandbox.wait_bot_message(user.id)
    assert (got.plain_text, got.edited) == ("one", False)
    got = await sandbox.wait_bot_message(user.id)
    assert (got.plain_text, got.edited, got.version, got.html) == ("uno", True, 2, "<b>uno</b>")
    with pytest.raises(TimeoutError):
        await sandbox.wait_bot_message(user.id, timeout=0.3)
    events, _ = await sandbox.events(user.id)
    assert "chat_action" in [e.type for e in events]
    await bot.delete_message(user.id, first.message_id)
    assert [m.plain_text for m in await sandbox.messages(user.id)] == ["hi"]


async def test_sms_panel(sandbox: SandboxClient) -> None:
    await sandbox.send_sms("+8613800000000", "Your code is 123456")
    await sandbox.send_sms("+8613900000000", "Your code is 654321")
    assert [s["text"] for s in await sandbox.sms("+8613800000000")] == ["Your code is 123456"]
    assert [s["phone"] for s in await sandbox.sms()] == ["+8613900000000", "+8613800000000"]
    assert (await sandbox.wait_sms("+8613900000000", timeout=1))["text"] == "Your code is 654321"


async def test_reset_clears_everything(bot: Bot, sandbox: SandboxClient, sandbox_state: SandboxState) -> None:
    user = await sandbox.create_user("Ned")
    await bot.send_message(user.id, "before")
    await sandbox.send_sms("+1", "x")
    await sandbox.inject_fault("getMe", status=502)
    await sandbox.reset()
    assert sandbox_state.citizens == {} and sandbox_state.sms == [] and sandbox_state.faults == []
    assert (await sandbox.stats())["messages_sent"] == 0
    assert (await bot.get_me()).id == 123456


async def test_chat_page_served(sandbox_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox_url}/") as response:
            assert response.status == 200
            page = await response.text()
        for element in (
            'id="citizen-list"',
            'id="new-citizen-form"',
            'id="messages"',
            'id="composer"',
            'id="location-form"',
            'id="photo-input"',
            'id="menu-button"',
            'id="reply-keyboard"',
            'id="sms-list"',
            'id="toast"',
            '<meta name="sandbox-base" content="/sandbox/">',
        ):
            assert element in page
        assert "http://" not in page and "https://" not in page  # nothing from a CDN
        for asset, kind in (("app.js", "javascript"), ("style.css", "css")):
            async with http.get(f"{sandbox_url}/static/{asset}") as response:
                assert response.status == 200 and kind in response.content_type
                assert "EventSource" in await response.text() if asset == "app.js" else True


async def test_live_stream_sends_events(bot: Bot, sandbox: SandboxClient, sandbox_url: str) -> None:
    user = await sandbox.create_user("Ola")
    async with aiohttp.ClientSession() as http, http.get(f"{sandbox_url}/api/chats/{user.id}/stream") as response:
        assert response.content_type == "text/event-stream"
        await bot.send_message(user.id, "<b>live</b>", parse_mode="HTML")
        lines: list[bytes] = []
        while not any(line.startswith(b"data:") for line in lines):
            lines.append(await response.content.readline())
        assert b'"html": "<b>live</b>"' in b"".join(lines)
