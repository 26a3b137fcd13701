"""A restarted sandbox goes on where it stopped (issue 18): Ctrl-C, then `make run` again, and the
citizens, their chats, files, SMS and the bot's commands and menu buttons are still there, user and
update ids continue (a new citizen never takes the id, and so the linked identity, of an old one),
and the citizen keeps chatting with the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    KeyboardButton,
    MenuButtonWebApp,
    ReplyKeyboardMarkup,
    WebAppInfo,
)
from aiohttp import web
from aiohttp.test_utils import TestServer

from core.config import Settings
from sandbox import create_sandbox_app
from sandbox.app import SANDBOX_STATE
from sandbox.client import SandboxClient
from sandbox.state import FIRST_USER_ID
from tests.conftest import RunningApp, sandbox_client
from tests.sandbox.conftest import BOT_TOKEN

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@asynccontextmanager
async def serving(folder: Path, *, persist: bool = True) -> AsyncIterator[tuple[str, web.Application, TestServer]]:
    """The sandbox with its records in ``folder``, stopped (cleanly) when the block ends."""
    sandbox_app = create_sandbox_app(folder=folder, persist=persist)
    root = web.Application()
    root.add_subapp("/sandbox", sandbox_app)
    server = TestServer(root)
    await server.start_server()
    try:
        yield str(server.make_url("/sandbox")), sandbox_app, server
    finally:
        await server.close()


@asynccontextmanager
async def telegram_bot(url: str) -> AsyncIterator[Bot]:
    bot = Bot(BOT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    try:
        yield bot
    finally:
        await bot.session.close()


async def test_citizens_chats_files_sms_and_ids_survive_a_restart(tmp_path: Path) -> None:
    async with serving(tmp_path) as (url, _, _), SandboxClient(url) as sb, telegram_bot(url) as bot:
        first = await sb.create_user("Li", last_name="Na", language_code="zh-hans")
        await sb.send_text(first.id, "/start")
        updates = await bot.get_updates(timeout=1)
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)  # confirmed
        await bot.send_message(
            first.id,
            "<b>欢迎</b>",
            parse_mode="HTML",
            reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="📍 位置", request_location=True)]]),
        )
        await bot.send_photo(first.id, BufferedInputFile(PNG, "dot.png"), caption="photo")
        await bot.set_my_commands([BotCommand(command="menu", description="菜单")], language_code="zh")
        await bot.set_chat_menu_button(
            chat_id=first.id, menu_button=MenuButtonWebApp(text="12123", web_app=WebAppInfo(url="https://x.test/app/"))
        )
        await sb.send_sms("+8613800000000", "验证码 123456")
        await sb.send_text(first.id, "还没取走")  # pending: the bot had not fetched it when the sandbox stopped
        before = await sb.messages(first.id)
        seq_before = (await sb.chat(first.id))["seq"]
        last_update_id = updates[-1].update_id

    async with serving(tmp_path) as (url, app, _), SandboxClient(url) as sb, telegram_bot(url) as bot:
        users = (await sb._request("GET", "/users"))["users"]
        assert [(u["id"], u["first_name"], u["language_code"]) for u in users] == [(first.id, "Li", "zh-hans")]
        after = await sb.messages(first.id)
        assert [(m.message_id, m.kind, m.text, m.html) for m in after] == [
            (m.message_id, m.kind, m.text, m.html) for m in before
        ]
        chat = await sb.chat(first.id)
        assert chat["reply_keyboard"]["keyboard"][0][0]["request_location"] is True
        assert chat["seq"] == seq_before
        photo = next(m for m in after if m.kind == "photo")
        file_id = photo.media["photo"][-1]["file_id"]  # type: ignore[index]
        async with sb._http().get(f"{url}/api/files/{file_id}") as response:
            assert response.status == 200 and await response.read() == PNG
        commands = await sb._request("GET", "/commands", params={"language_code": "zh", "chat_id": str(first.id)})
        assert [c["command"] for c in commands["commands"]] == ["menu"]
        assert (await sb.menu_button(first.id))["web_app"]["url"] == "https://x.test/app/"
        assert [s["text"] for s in await sb.sms("+8613800000000")] == ["验证码 123456"]

        # The update the bot had not fetched is still waiting; the next ones have new ids.
        pending = await bot.get_updates(timeout=1)
        assert [u.message.text for u in pending if u.message] == ["还没取走"]
        assert pending[0].update_id > last_update_id
        await sb.send_text(first.id, "again")
        fresh = await bot.get_updates(offset=pending[-1].update_id + 1, timeout=1)
        assert fresh[0].update_id > pending[-1].update_id and fresh[0].message and fresh[0].message.text == "again"

        # A new citizen continues the ids: never the first one's.
        second = await sb.create_user("Wei")
        assert second.id > first.id >= FIRST_USER_ID
        assert app[SANDBOX_STATE].chats[first.id].seq > seq_before  # "again" went on from the old sequence


async def test_after_a_crash_a_new_citizen_never_gets_an_old_id(tmp_path: Path) -> None:
    """Killed before it could save (no clean stop): the user ids were reserved in their own file."""
    first_app = create_sandbox_app(folder=tmp_path, persist=True)
    first = first_app[SANDBOX_STATE].create_citizen("Before")  # no snapshot is written: "kill -9"
    async with serving(tmp_path) as (url, _, _), SandboxClient(url) as sb:
        again = await sb.create_user("After")
    assert again.id > first.id


async def test_a_damaged_snapshot_starts_an_empty_sandbox_and_is_kept_aside(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json", encoding="utf-8")
    async with serving(tmp_path) as (url, _, _), SandboxClient(url) as sb:
        assert (await sb._request("GET", "/users"))["total"] == 0
        await sb.create_user("Fresh")
    assert (tmp_path / "state.json.broken").read_text(encoding="utf-8") == "{not json"
    assert "Fresh" in (tmp_path / "state.json").read_text(encoding="utf-8")


async def test_without_persist_nothing_is_kept_but_ids_still_continue(tmp_path: Path) -> None:
    async with serving(tmp_path, persist=False) as (url, _, _), SandboxClient(url) as sb:
        first = await sb.create_user("Once")
    async with serving(tmp_path, persist=False) as (url, _, _), SandboxClient(url) as sb:
        assert (await sb._request("GET", "/users"))["total"] == 0
        assert (await sb.create_user("Twice")).id > first.id
    assert not (tmp_path / "state.json").exists()


async def test_the_app_restarted_keeps_its_sandbox_citizens_and_goes_on_chatting(
    make_settings: Callable[..., Settings], start_app: Callable[[Settings], object], tmp_path: Path
) -> None:
    """`make run`, a citizen chats, Ctrl-C, `make run` again: the same citizen and history, and the
    bot answers the next message; a citizen created now gets a new id."""
    settings = make_settings(demo_data=False, data_dir=tmp_path, sandbox_persist=True)
    running: RunningApp = await start_app(settings)  # type: ignore[misc]
    try:
        async with sandbox_client(running) as sb:
            user = await sb.create_user("Newcomer", language_code="en")
            await sb.send_text(user.id, "/start")
            hello = await sb.wait_bot_message(user.id, timeout=15)
            assert "Hello, Newcomer!" in hello.plain_text
            history = [m.message_id for m in await sb.messages(user.id)]
    finally:
        await running.runner.cleanup()
    assert (tmp_path / "sandbox" / "state.json").exists()

    running = await start_app(settings)  # type: ignore[misc]
    try:
        async with sandbox_client(running) as sb:
            assert [m.message_id for m in await sb.messages(user.id)] == history
            await sb.send_text(user.id, "/start")
            again = await sb.wait_bot_message(user.id, timeout=15)
            assert "Newcomer" in again.plain_text
            other = await sb.create_user("Second", language_code="en")
            assert other.id > user.id
    finally:
        await running.runner.cleanup()


async def test_a_reset_forgets_the_kept_records_and_files_but_not_the_ids(tmp_path: Path) -> None:
    async with serving(tmp_path) as (url, _, _), SandboxClient(url) as sb:
        user = await sb.create_user("Photo")
        await sb.send_photo(user.id, PNG)
    kept = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert len(kept) == 1 and kept[0].read_bytes() == PNG
    async with serving(tmp_path) as (url, _, _), SandboxClient(url) as sb:
        await sb.reset()
    async with serving(tmp_path) as (url, _, _), SandboxClient(url) as sb:
        assert (await sb._request("GET", "/users"))["total"] == 0
        assert (await sb.create_user("Later")).id > user.id
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
