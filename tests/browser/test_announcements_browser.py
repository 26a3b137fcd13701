"""A real browser on the announcement pages, at desktop size in English and phone size in Chinese:
a supervisor writes both texts, picks a district, sees the message as citizens will and how many
it reaches, and cancels it (nothing is sent from the session's shared app; sending to a district
is tested end to end in tests/e2e/test_announcements.py)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from actions.staff_accounts import add_staff
from storage.models import StaffRole
from storage.repositories import StaffExists
from tests.conftest import RunningApp, services_of

pytestmark = pytest.mark.browser

PASSWORD = "announcement browser password"


@pytest.fixture(scope="module")
async def console(bare_app: RunningApp) -> RunningApp:
    with contextlib.suppress(StaffExists):
        await add_staff(
            services_of(bare_app).repos,
            username="ama",
            password=PASSWORD,
            role=StaffRole.SUPERVISOR,
            display_name="Ama",
            now=datetime.now(UTC),
        )
    return bare_app


async def sign_in(page: Page, base: str) -> None:
    await page.goto(f"{base}/staff/login?next=/staff/announcements")
    await page.fill("input[name=username]", "ama")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form#login button[type=submit]")


async def test_draft_preview_count_and_cancel_on_a_desktop(
    console: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    base = console.base_url
    context = await chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = await context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:")) else None)
    await sign_in(page, base)
    await expect(page.locator("h1")).to_have_text("New announcement")
    # Only one language written: refused, the text kept.
    await page.select_option("#segment", "district:fengtai")
    await page.fill("#text-en", "Fengtai: the ring road exit 3 is closed on Sunday.")
    await page.fill("#text-zh", " ")
    await page.click("#announcement-new button[type=submit]")
    await expect(page.locator("#announcement-error")).to_contain_text("both English and Chinese")
    await expect(page.locator("#text-en")).to_have_value("Fengtai: the ring road exit 3 is closed on Sunday.")
    await page.fill("#text-zh", "丰台：周日环路 3 号出口封闭。")
    await page.click("#announcement-new button[type=submit]")
    await expect(page.locator("h1")).to_have_text("Announcement")
    await expect(page.locator("#preview-en")).to_contain_text("Fengtai: the ring road exit 3 is closed on Sunday.")
    await expect(page.locator("#preview-zh")).to_contain_text("丰台：周日环路 3 号出口封闭。")
    await expect(page.locator("#recipients")).to_contain_text("It reaches")
    await expect(page.locator("#send")).to_contain_text("Send to")
    await expect(page.locator("#announcement")).to_contain_text("Citizens living in Fengtai")
    await page.screenshot(path=str(screenshots / "staff-announcement.png"), full_page=True)
    await page.click("#cancel")
    await expect(page.locator(".flash")).to_contain_text("Cancelled")
    await expect(page.locator("#state")).to_have_text("Cancelled")
    await expect(page.locator("#send")).to_have_count(0)
    assert outside == []
    await context.close()


async def test_the_form_on_a_phone_in_chinese(console: RunningApp, chromium: Browser, screenshots: Path) -> None:
    base = console.base_url
    context = await chromium.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    page = await context.new_page()
    await sign_in(page, base)
    await expect(page.locator("h1")).to_have_text("新公告")
    await page.select_option("#segment", "license_class:B2")
    await page.fill("#text-en", "B2 licence holders: the annual review opens on Monday.")
    await page.fill("#text-zh", "B2 驾驶证持有人：年度审验周一开始。")
    await page.click("#announcement-new button[type=submit]")
    await expect(page.locator("#announcement")).to_contain_text("持 B2 驾驶证的市民")
    await expect(page.locator("#recipients")).to_contain_text("将送达")
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    box = await page.locator("#cancel").bounding_box()
    assert box is not None and box["height"] >= 44
    await page.screenshot(path=str(screenshots / "staff-announcement-phone-zh.png"), full_page=True)
    await page.click("#cancel")
    await expect(page.locator("#state")).to_have_text("已取消")
    await context.close()
