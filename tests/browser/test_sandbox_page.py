"""A real browser drives the sandbox's chat page as a person would: pick a citizen, type, see the
bot's formatted reply with its keyboard, press an inline button, see the message change in place.
The screenshot goes to docs/screenshots/sandbox-chat.png (for the README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from sandbox.client import SandboxClient
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly

pytestmark = pytest.mark.browser


async def test_a_person_chats_with_the_bot_on_the_sandbox_page(
    bare_app: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    person = next(p for p in DEMO_IDENTITIES if p.name == "张伟")
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user("Wei", last_name="Zhang", language_code="en")
    await bind_directly(bare_app, user, person.id_number)

    page = await (await chromium.new_context(viewport={"width": 1280, "height": 860})).new_page()
    await page.goto(bare_app.base_url + "/sandbox/")
    await page.click(f"#citizen-list li[data-user-id='{user.id}']")
    await page.fill("#message-input", "/menu")
    await page.click("#send-button")
    inquiry = page.locator(".message.bot .inline-keyboard button", has_text="Information inquiry").last
    await expect(inquiry).to_be_visible(timeout=10_000)
    await inquiry.click()
    license_button = page.locator(".message.bot .inline-keyboard button", has_text="Driver's license").first
    await expect(license_button).to_be_visible(timeout=10_000)
    await license_button.click()
    card = page.locator(".message.bot .text", has_text="Your driver's license").last
    await expect(card).to_be_visible(timeout=10_000)
    assert "<b>" not in await card.inner_text()  # formatting rendered, not shown as markup
    assert await card.locator("b").count() >= 1
    await page.screenshot(path=str(screenshots / "sandbox-chat.png"))
