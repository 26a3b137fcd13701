"""The staff console under test: the session's app (no NLU) with the staff hours open around
the clock, staff accounts created through the same function as `python bot.py staff add`, and
agents that sign in over HTTP with their own cookie jars."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from actions.staff_accounts import add_staff
from sandbox.client import SandboxClient
from storage.models import StaffRole
from storage.repositories import StaffExists
from tests.conftest import RunningApp, services_of

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class StaffClient:
    base: str
    http: aiohttp.ClientSession
    csrf: str = ""

    async def sign_in(self, username: str, password: str = PASSWORD) -> aiohttp.ClientResponse:
        async with self.http.get(f"{self.base}/staff/login") as page:
            token = CSRF_RE.search(await page.text())
        assert token is not None
        response = await self.http.post(
            f"{self.base}/staff/login",
            data={"username": username, "password": password, "csrf": token.group(1), "next": "/staff/queue"},
        )
        body = await response.text()
        if response.status == 200 and (match := CSRF_RE.search(body)) is not None:
            self.csrf = match.group(1)
        return response

    async def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, json_reply: bool = False
    ) -> aiohttp.ClientResponse:
        form = dict(data or {})
        if csrf:
            form["csrf"] = self.csrf
        headers = {"Accept": "application/json"} if json_reply else {}
        response = await self.http.post(f"{self.base}{path}", data=form, headers=headers, allow_redirects=False)
        await response.read()
        return response

    async def get(self, path: str, *, html: bool = True) -> aiohttp.ClientResponse:
        headers = {"Accept": "text/html"} if html else {"Accept": "application/json"}
        response = await self.http.get(f"{self.base}{path}", headers=headers, allow_redirects=False)
        await response.read()
        return response

    async def close(self) -> None:
        await self.http.close()


@pytest.fixture(scope="module")
async def staff_app(bare_app: RunningApp) -> RunningApp:
    """The session's app without NLU (one aiogram dispatcher per process), with staff accounts."""
    services = services_of(bare_app)
    now = datetime.now(UTC)
    for username, role, name in (
        ("ann", StaffRole.AGENT, "Ann Agent"),
        ("bo", StaffRole.AGENT, "Bo 客服"),
        ("sue", StaffRole.SUPERVISOR, "Sue Supervisor"),
        ("locky", StaffRole.AGENT, "Locky"),
    ):
        with contextlib.suppress(StaffExists):
            await add_staff(services.repos, username=username, password=PASSWORD, role=role, display_name=name, now=now)
    return bare_app


@pytest.fixture(autouse=True)
def staff_settings(staff_app: RunningApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff answer around the clock during these tests; three wrong passwords lock an account."""
    monkeypatch.setattr(staff_app.settings, "staff_hours", "00:00-24:00")
    monkeypatch.setattr(staff_app.settings, "staff_max_failures", 3)


@pytest.fixture
async def make_staff(staff_app: RunningApp) -> AsyncIterator[Callable[..., StaffClient]]:
    """`make_staff()`: a browser of its own; `make_staff("127.0.0.7")` connects from that loopback
    address (Linux answers all of 127/8), so sign-in lock-outs can be tried from several places."""
    clients: list[StaffClient] = []

    def make(source: str | None = None) -> StaffClient:
        connector = aiohttp.TCPConnector(local_addr=(source, 0)) if source else None
        http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))
        client = StaffClient(staff_app.base_url, http)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def sb(staff_app: RunningApp) -> AsyncIterator[SandboxClient]:
    client = SandboxClient(staff_app.base_url + "/sandbox")
    await client.set_limits(per_chat_rate=20.0)  # an agent and the bot may both write within a second
    yield client
    await client.set_limits(per_chat_rate=staff_app.settings.sandbox_chat_rate)
    await client.clear_faults()
    await client.close()


async def queue_citizen(sb: SandboxClient, name: str = "Cat", language_code: str = "en") -> tuple[int, Any]:
    """A sandbox citizen who pressed "talk to a person" in the menu: (user id, the bot's reply)."""
    user = await sb.create_user(name, language_code=language_code)
    await sb.send_text(user.id, "/menu")
    menu = await sb.wait_bot_message(user.id)
    title = next(b for row in menu.buttons for b in row if b.startswith("👤"))
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of(title))
    reply = await sb.wait_bot_message(user.id)
    return user.id, reply
