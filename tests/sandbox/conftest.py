"""Fixtures: the sandbox served by aiohttp's test server on a free port, a real aiogram Bot
pointed at it, and a SandboxClient acting as citizens."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from aiohttp.test_utils import TestServer

from sandbox import SANDBOX_STATE, SandboxLimits, create_sandbox_app
from sandbox.client import SandboxClient
from sandbox.state import SandboxState

BOT_TOKEN = "123456:SANDBOX-test-token"

ServerFactory = Callable[..., Awaitable[TestServer]]


@pytest.fixture
def bot_token() -> str:
    return BOT_TOKEN


@pytest.fixture
def sandbox_limits() -> SandboxLimits:
    """Default Telegram-like limits; override in a test module to change them."""
    return SandboxLimits()


@pytest.fixture
def sandbox_app(sandbox_limits: SandboxLimits) -> web.Application:
    return create_sandbox_app(sandbox_limits)


@pytest_asyncio.fixture
async def sandbox_server(aiohttp_server: ServerFactory, sandbox_app: web.Application) -> TestServer:
    app = web.Application()
    app.add_subapp("/sandbox", sandbox_app)
    server: TestServer = await aiohttp_server(app)
    return server


@pytest.fixture
def sandbox_url(sandbox_server: TestServer) -> str:
    return str(sandbox_server.make_url("/sandbox"))


@pytest.fixture
def sandbox_state(sandbox_app: web.Application, sandbox_server: TestServer) -> SandboxState:
    return sandbox_app[SANDBOX_STATE]


@pytest_asyncio.fixture
async def sandbox(sandbox_url: str) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox_url) as client:
        yield client


@pytest_asyncio.fixture
async def bot(sandbox_url: str) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox_url))
    telegram_bot = Bot(BOT_TOKEN, session=session)
    yield telegram_bot
    await telegram_bot.session.close()
