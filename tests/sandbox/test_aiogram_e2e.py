"""A real aiogram 3 Bot and Dispatcher against the sandbox, by polling and by webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command, CommandStart
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from aiohttp.test_utils import TestServer

from sandbox.client import SandboxClient
from sandbox.state import SandboxState

PNG_2x3 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000030806000000b8ad3a63"
    "0000000d49444154789c63f8ffff3f0300080003fd0a2ad6b00000000049454e44ae426082"
)


def build_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="Licenses", callback_data="menu:licenses"),
                    InlineKeyboardButton(text="Vehicles", callback_data="menu:vehicles"),
                ]
            ]
        )
        await message.answer("<b>Welcome</b>, choose a service:", parse_mode="HTML", reply_markup=keyboard)

    @router.callback_query(F.data.startswith("menu:"))
    async def menu(callback: CallbackQuery) -> None:
        await callback.answer("Opening…", show_alert=False)
        assert isinstance(callback.message, Message)
        await callback.message.edit_text(f"You chose <i>{callback.data}</i>", parse_mode="HTML")

    @router.message(Command("photo"))
    async def send_photo(message: Message) -> None:
        await message.answer_photo(BufferedInputFile(PNG_2x3, filename="plate.png"), caption="Your plate")

    @router.message(F.photo)
    async def got_photo(message: Message, bot: Bot) -> None:
        assert message.photo is not None
        downloaded = await bot.download(message.photo[-1].file_id)
        assert downloaded is not None
        size = len(downloaded.read())
        await message.answer(f"photo {message.photo[-1].width}x{message.photo[-1].height} {size} bytes")

    @router.message(F.location)
    async def got_location(message: Message) -> None:
        assert message.location is not None
        await message.answer(f"location {message.location.latitude:.4f},{message.location.longitude:.4f}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    return router


@pytest_asyncio.fixture
async def polling(bot: Bot) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router())
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    yield dispatcher
    await dispatcher.stop_polling()
    await asyncio.wait_for(task, 10)


async def test_polling_echo(polling: Dispatcher, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Ann", language_code="en")
    await sandbox.send_text(user.id, "hello sandbox")
    reply = await sandbox.wait_bot_message(user.id)
    assert reply.plain_text == "echo: hello sandbox"
    await sandbox.send_text(user.id, "你好")
    assert (await sandbox.wait_bot_message(user.id)).plain_text == "echo: 你好"


async def test_inline_button_callback_and_edit(polling: Dispatcher, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Bo", language_code="zh-hans")
    await sandbox.send_text(user.id, "/start")
    menu = await sandbox.wait_bot_message(user.id, contains="Welcome")
    assert menu.text == "<b>Welcome</b>, choose a service:"
    assert menu.plain_text == "Welcome, choose a service:"
    assert menu.buttons == [["Licenses", "Vehicles"]]
    assert menu.callback_data_of("Vehicles") == "menu:vehicles"
    query_id = await sandbox.press_button_text(user.id, "Vehicles")
    edited = await sandbox.wait_bot_message(user.id)
    assert edited.message_id == menu.message_id
    assert edited.edited and edited.version == 2
    assert edited.plain_text == "You chose menu:vehicles"
    assert edited.buttons == []
    assert await sandbox.callback_answer(query_id) == {
        "text": "Opening…",
        "show_alert": False,
        "url": None,
        "cache_time": 0,
    }
    history = await sandbox.messages(user.id)
    assert [m.from_bot for m in history] == [False, True]
    assert history[1].plain_text == "You chose menu:vehicles"


async def test_photo_location_and_bot_photo(polling: Dispatcher, sandbox: SandboxClient, sandbox_url: str) -> None:
    user = await sandbox.create_user("Cai")
    await sandbox.send_photo(user.id, PNG_2x3, caption="my plate")
    assert (await sandbox.wait_bot_message(user.id)).plain_text == f"photo 2x3 {len(PNG_2x3)} bytes"
    await sandbox.send_location(user.id, 39.9042, 116.4074)
    assert (await sandbox.wait_bot_message(user.id)).plain_text == "location 39.9042,116.4074"
    await sandbox.send_text(user.id, "/photo")
    photo = await sandbox.wait_bot_message(user.id)
    assert photo.kind == "photo" and photo.plain_text == "Your plate"
    assert photo.media is not None
    file_id = photo.media["photo"][0]["file_id"]
    async with aiohttp.ClientSession() as http, http.get(f"{sandbox_url}/api/files/{file_id}") as response:
        assert await response.read() == PNG_2x3


async def test_flood_limit_raises_retry_after(bot: Bot, sandbox: SandboxClient, sandbox_state: SandboxState) -> None:
    user = await sandbox.create_user("Dee")
    for n in range(3):  # the per-chat burst
        await bot.send_message(user.id, f"message {n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "one too many")
    assert caught.value.retry_after >= 1
    assert "Too Many Requests: retry after" in caught.value.message
    stats = await sandbox.stats()
    assert stats["too_many_requests"] == 1
    assert stats["messages_sent"] == 3
    # Non-message methods are not limited.
    await bot.send_chat_action(user.id, "typing")


async def test_injected_faults(bot: Bot, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Eve")
    await sandbox.inject_fault("sendMessage", status=500, count=1)
    with pytest.raises(TelegramServerError):
        await bot.send_message(user.id, "first try")
    sent = await bot.send_message(user.id, "second try")
    assert sent.text == "second try"
    await sandbox.inject_fault("sendMessage", status=429, retry_after=7, chat_id=user.id)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "limited")
    assert caught.value.retry_after == 7
    await sandbox.inject_fault("sendMessage", status=400, description="message thread not found")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message thread not found"):
        await bot.send_message(user.id, "x")


async def test_blocked_unknown_chat_and_bad_text(bot: Bot, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Fay")
    await sandbox.block_bot(user.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(user.id, "hello?")
    await sandbox.unblock_bot(user.id)
    await bot.send_message(user.id, "hello again")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(987654321, "nobody")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match='can\'t parse entities: Unsupported start tag "script"'):
        await bot.send_message(user.id, "<script>alert(1)</script>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="Character '!' is reserved"):
        await bot.send_message(user.id, "Hello!", parse_mode="MarkdownV2")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode="HTML")


async def test_commands_menu(bot: Bot, sandbox: SandboxClient, sandbox_url: str) -> None:
    from aiogram.types import BotCommand

    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands([BotCommand(command="start", description="开始")], language_code="zh")
    assert [c.description for c in await bot.get_my_commands(language_code="zh")] == ["开始"]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox_url}/api/commands", params={"language_code": "zh"}) as response:
            assert (await response.json())["commands"] == [{"command": "start", "description": "开始"}]
        async with http.get(f"{sandbox_url}/api/commands", params={"language_code": "en"}) as response:
            assert (await response.json())["commands"] == [{"command": "start", "description": "Start"}]
    await bot.delete_my_commands(language_code="zh")
    assert await bot.get_my_commands(language_code="zh") == []


async def test_get_updates_long_poll_and_conflict(bot: Bot, sandbox: SandboxClient) -> None:
    user = await sandbox.create_user("Gus")
    await bot.get_me()
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0)  # let the request start; the long poll then waits for the update
    await sandbox.send_text(user.id, "wake up")
    updates = await asyncio.wait_for(waiting, 5)
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == []
    first_poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    second_poll = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first_poll
    assert await second_poll == []


class WebhookReceiver:
    """An aiohttp server with aiogram's SimpleRequestHandler on /webhook."""

    def __init__(self, bot: Bot, secret: str) -> None:
        self.dispatcher = Dispatcher()
        self.dispatcher.include_router(build_router())
        self.app = web.Application()
        SimpleRequestHandler(self.dispatcher, bot, secret_token=secret).register(self.app, path="/webhook")


async def test_webhook_delivery(bot: Bot, sandbox: SandboxClient, aiohttp_server: object) -> None:
    secret = "s3cret-token"
    receiver = WebhookReceiver(bot, secret)
    server: TestServer = await aiohttp_server(receiver.app)  # type: ignore[operator]
    user = await sandbox.create_user("Hana")
    await bot.set_webhook(
        str(server.make_url("/webhook")),
        secret_token=secret,
        allowed_updates=receiver.dispatcher.resolve_used_update_types(),
    )
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await sandbox.send_text(user.id, "via webhook")
    assert (await sandbox.wait_bot_message(user.id)).plain_text == "echo: via webhook"
    await sandbox.send_text(user.id, "/start")
    await sandbox.wait_bot_message(user.id, contains="Welcome")
    await sandbox.press_button_text(user.id, "Licenses")
    assert (await sandbox.wait_bot_message(user.id)).plain_text == "You chose menu:licenses"
    info = await bot.get_webhook_info()
    assert info.url.endswith("/webhook") and info.pending_update_count == 0
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


async def test_webhook_retries_while_receiver_fails(bot: Bot, sandbox: SandboxClient, aiohttp_server: object) -> None:
    received: list[tuple[str, dict[str, object]]] = []
    failures_left = [2]

    async def flaky(request: web.Request) -> web.Response:
        if failures_left[0] > 0:
            failures_left[0] -= 1
            return web.Response(status=503)
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), await request.json()))
        # Answer with a method in the body, as a webhook may.
        user_id = (await request.json())["message"]["chat"]["id"]
        return web.json_response({"method": "sendMessage", "chat_id": user_id, "text": "answered in the response"})

    app = web.Application()
    app.router.add_post("/hook", flaky)
    server: TestServer = await aiohttp_server(app)  # type: ignore[operator]
    user = await sandbox.create_user("Ivo")
    await sandbox.send_text(user.id, "queued before the webhook")  # pending, no bot registered yet
    await bot.set_webhook(str(server.make_url("/hook")), secret_token="abc")
    reply = await sandbox.wait_bot_message(user.id, timeout=10)
    assert reply.plain_text == "answered in the response"
    assert len(received) == 1
    secret, update = received[0]
    assert secret == "abc"
    assert update["message"]["text"] == "queued before the webhook"  # type: ignore[index]
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None and "503" in info.last_error_message
