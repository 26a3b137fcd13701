"""A real browser (Playwright with Debian's Chromium) drives the staff console: an agent signs
in, claims a waiting conversation started by a sandbox citizen, sees the transcript, replies,
sees the citizen's answer appear live, closes, and the citizen is asked for a rating.
Screenshots of the queue and of the conversation go to docs/screenshots/ (for the README)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from actions.staff_accounts import add_staff
from sandbox.client import SandboxClient
from storage.models import HandoffState, StaffRole
from storage.repositories import StaffExists
from tests.conftest import RunningApp, services_of

pytestmark = pytest.mark.browser

PASSWORD = "browser test password"


@pytest.fixture(scope="module")
async def console_app(bare_app: RunningApp) -> RunningApp:
    """The session's app (no NLU; one aiogram dispatcher per process) with a supervisor account."""
    with contextlib.suppress(StaffExists):
        await add_staff(
            services_of(bare_app).repos,
            username="mei",
            password=PASSWORD,
            role=StaffRole.SUPERVISOR,
            display_name="Mei Wang",
            now=datetime.now(UTC),
        )
    return bare_app


@pytest.fixture(autouse=True)
async def open_hours(console_app: RunningApp, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(console_app.settings, "staff_hours", "00:00-24:00")
    async with SandboxClient(console_app.base_url + "/sandbox") as sb:
        await sb.set_limits(per_chat_rate=20.0)
        yield
        await sb.set_limits(per_chat_rate=console_app.settings.sandbox_chat_rate)


async def test_agent_claims_chats_live_and_closes(
    console_app: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    base = console_app.base_url
    services = services_of(console_app)
    async with SandboxClient(base + "/sandbox") as sb:
        user = await sb.create_user("Alex", language_code="en")
        await sb.send_text(user.id, "/menu")
        menu = await sb.wait_bot_message(user.id)
        await sb.press_button(user.id, menu.message_id, menu.callback_data_of("👤 Talk to a person"))
        await sb.wait_bot_message(user.id, contains="queue")
        await sb.send_text(user.id, "I lost my license abroad <script>alert(1)</script>")
        await sb.wait_bot_message(user.id, contains="Still waiting")
        handoff = await services.repos.handoffs.active_for_chat(user.id)
        assert handoff is not None

        context = await chromium.new_context(viewport={"width": 1366, "height": 820}, locale="en-US")
        page = await context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: dialogs.append(d.message))
        await page.goto(f"{base}/staff/queue")
        await expect(page).to_have_url(f"{base}/staff/login?next=/staff/queue")
        await page.fill("input[name=username]", "mei")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("form#login button[type=submit]")
        row = page.locator(f"#queue tr[data-id='{handoff.id}']")
        await expect(row).to_be_visible()
        await page.screenshot(path=str(screenshots / "staff-queue.png"), full_page=True)

        await row.locator("button.claim").click()
        await expect(page).to_have_url(f"{base}/staff/h/{handoff.id}")
        await sb.wait_bot_message(user.id, contains="Mei Wang has joined")
        transcript = page.locator("#transcript")
        await expect(transcript).to_contain_text("I lost my license abroad <script>alert(1)</script>")
        await expect(page.locator("#conversation")).to_have_attribute("data-live", "1")

        await page.fill("#text", "Hello Alex, which country were you in?")
        await page.press("#text", "Enter")
        answer = await sb.wait_bot_message(user.id, contains="which country")
        assert "Mei Wang" in answer.plain_text
        await expect(transcript).to_contain_text("Hello Alex, which country were you in?")

        await sb.send_text(user.id, "In Japan, last week")
        await expect(transcript).to_contain_text("In Japan, last week")
        await page.screenshot(path=str(screenshots / "staff-conversation.png"), full_page=True)
        assert dialogs == []  # the citizen's <script> never ran

        await page.select_option("#close select[name=resolution]", "information_given")
        await page.click("#close button[type=submit]")
        await expect(page.locator(".flash")).to_contain_text("Conversation closed")
        rating = await sb.wait_bot_message(user.id, contains="rate the help")
        await sb.press_button(user.id, rating.message_id, rating.callback_data_of("5 ⭐"))
        await sb.wait_bot_message(user.id, contains="Thank you for your rating")
        await context.close()

    closed = await services.repos.handoffs.by_id(handoff.id)
    assert closed is not None and closed.state == HandoffState.CLOSED and closed.rating == 5


async def test_console_in_chinese(console_app: RunningApp, chromium: Browser) -> None:
    context = await chromium.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = await context.new_page()
    await page.goto(f"{console_app.base_url}/staff/login")
    await expect(page.locator("h1")).to_have_text("登录")
    await page.fill("input[name=username]", "mei")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form#login button[type=submit]")
    await expect(page.locator("h1")).to_contain_text("等待中的群众")
    await page.click("text=English")
    await expect(page.locator("h1")).to_contain_text("Waiting citizens")
    await context.close()


async def test_supervisor_unlocks_an_account_at_phone_width(
    console_app: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    """Five wrong passwords lock an agent out from one address; on a phone, the supervisor sees
    the lock on the sign-in locks page and lifts it; the agent signs in from that address again."""
    base = console_app.base_url
    with contextlib.suppress(StaffExists):
        await add_staff(
            services_of(console_app).repos,
            username="kim",
            password=PASSWORD,
            role=StaffRole.AGENT,
            display_name="Kim",
            now=datetime.now(UTC),
        )
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.101", 0))
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True)) as kim:

        async def kim_signs_in(password: str) -> int:
            async with kim.get(f"{base}/staff/login") as page:
                token = re.search(r'name="csrf" value="([^"]+)"', await page.text())
            assert token is not None
            form = {"username": "kim", "password": password, "csrf": token.group(1), "next": "/staff/queue"}
            async with kim.post(f"{base}/staff/login", data=form, allow_redirects=False) as response:
                return response.status

        statuses = [await kim_signs_in(f"wrong-{n}") for n in range(console_app.settings.staff_max_failures)]
        assert statuses[-1] == 429 and await kim_signs_in(PASSWORD) == 429

        context = await chromium.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, locale="en-US")
        page = await context.new_page()
        await page.goto(f"{base}/staff/login?next=/staff/accounts")
        await page.fill("input[name=username]", "mei")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("form#login button[type=submit]")
        await expect(page).to_have_url(f"{base}/staff/accounts")
        row = page.locator("#account-kim")
        await expect(row).to_contain_text("locked from 127.0.0.101")
        unlock = row.locator("button", has_text="Unlock")
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone"
        await page.screenshot(path=str(screenshots / "staff-accounts-phone.png"), full_page=True)

        await unlock.scroll_into_view_if_needed()
        box = await unlock.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        await unlock.click()
        await expect(page.locator(".flash")).to_contain_text("Sign-in unlocked for kim")
        await expect(row).to_contain_text("open")
        await expect(row.locator("button")).to_have_count(0)
        await context.close()

        assert await kim_signs_in(PASSWORD) == 303
