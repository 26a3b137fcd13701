"""The Mini App in a real browser (Playwright with Debian's Chromium), opened from the sandbox's
chat page as Telegram opens it: a linked citizen taps the menu button or a web_app button, the
sandbox signs the launch with the bot's token and shows the page in a phone-sized frame.

At a phone viewport and on a desktop, in English and Chinese, light and dark: the e-license QR
appears and changes after it expires (a short ELICENSE_CODE_TTL here), the violations list
matches the chat's totals, a report with a photo and a location is filed and its ticket appears
in the chat too, and a forged initData sees the error page. Colours are checked for WCAG AA.
Screenshots go to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (the README's pictures)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from playwright.async_api import Browser, FrameLocator, Page, expect

from app.keys import SERVICES
from sandbox.client import SandboxClient
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly
from tests.e2e.test_identity import new_code, say, start_bind
from tests.miniapp.helpers import png

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 860}}
ZHANG, LI, WANG, LIU, CHEN, YANG, ZHAO, HUANG = DEMO_IDENTITIES

# What the page checks for WCAG AA: each element's text against the nearest opaque background.
CONTRAST = """
(_body, selectors) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let n = el; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      if (!el.offsetParent && el.tagName !== "BODY") continue;
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
      out.push([selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
    }
  }
  return out;
}
"""
CHECKED = [
    "h1",
    ".hint",
    ".tile-title",
    ".tile-detail",
    ".chip",
    "button.secondary",
    "button.link",
    "label",
    "dt",
    "dd",
]


async def assert_readable(frame: FrameLocator, where: str) -> None:
    ratios = await frame.locator("body").evaluate(CONTRAST, CHECKED)
    assert ratios, "nothing measured"
    poor = [(s, round(r, 2)) for s, r in ratios if r < 4.5]
    assert not poor, f"below WCAG AA (4.5:1) in {where}: {poor}"


async def open_chat(page: Page, app: RunningApp, user_id: int) -> None:
    await page.goto(app.base_url + "/sandbox/")
    await page.click(f"#citizen-list li[data-user-id='{user_id}']")
    await expect(page.locator("#chat-title")).not_to_have_text("Pick or create a citizen")


def watch(page: Page) -> list[str]:
    """The page's (and its frames') script errors: a test ends by asserting there were none."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def mini_app(page: Page) -> FrameLocator:
    return page.frame_locator("#webapp-frame")


async def test_link_in_the_chat_then_the_menu_button_opens_the_e_license_whose_qr_refreshes(
    bare_app: RunningApp, chromium: Browser, screenshots: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phone, English: linking in the chat gives the chat its menu button; the Mini App opens
    from it, shows the e-license QR code and a new one after the short code lifetime."""
    monkeypatch.setattr(bare_app.settings, "elicense_code_ttl", 6)
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user("Min", last_name="Zhao", language_code="en")
        before = await sb.menu_button(user.id)
        assert before["type"] == "web_app" and before["web_app"]["url"].endswith("/app/#/link")  # link first
        await start_bind(sb, user, "en")
        await say(sb, user, ZHAO.name)
        seen = len(await sb.sms(ZHAO.phone))
        await say(sb, user, ZHAO.id_number)
        done = await say(sb, user, await new_code(sb, ZHAO.phone, seen))
        assert "Done" in done.plain_text
        for _ in range(50):  # set right after the "Done" message
            after = await sb.menu_button(user.id)
            if after != before:
                break
            await asyncio.sleep(0.1)
        assert after["text"] == "12123 services" and after["web_app"]["url"].endswith("/app/#/home")

    context = await chromium.new_context(**PHONE, locale="en-US")
    page = await context.new_page()
    errors = watch(page)
    await open_chat(page, bare_app, user.id)
    menu = page.locator("#webapp-menu-button")
    await expect(menu).to_have_text("12123 services")
    await page.screenshot(path=str(screenshots / "miniapp-chat-menu-button.png"))
    await menu.click()
    app = mini_app(page)
    await expect(app.locator("h1")).to_have_text("Hello, 赵敏", timeout=15_000)
    await expect(page.locator("#webapp-phone")).to_have_attribute("data-ready", "1")
    await expect(app.locator("#lang-switch")).to_have_text("中文")
    assert "110102" not in await app.locator("body").inner_text()  # the ID number shows masked only
    await assert_readable(app, "home, light")
    await page.screenshot(path=str(screenshots / "miniapp-home.png"))
    # Large text (many who renew by mail are elderly): twice the size, nothing runs off the side.
    overflow = await app.locator("html").evaluate(
        "(root) => { root.style.fontSize = '200%'; return root.scrollWidth - root.clientWidth; }"
    )
    assert overflow <= 0, f"{overflow}px wider than the phone at 200% text"
    await app.locator("html").evaluate("(root) => { root.style.fontSize = ''; }")

    await app.locator("button[data-route='elicense']").click()
    box = app.locator(".qr-box")
    await expect(box).to_have_attribute("data-code", re.compile(r"^\d{8}$"), timeout=10_000)
    first = await box.get_attribute("data-code")
    qr = app.locator("#qr-image")
    await expect(qr).to_have_attribute("src", re.compile("^data:image/svg"))
    assert first and first in (await qr.get_attribute("alt") or "")
    await expect(app.locator("#qr-digits")).to_have_text(f"{first[:4]} {first[4:]}")
    await expect(page.locator("#webapp-close")).to_contain_text("Back")  # Telegram's BackButton
    await page.screenshot(path=str(screenshots / "miniapp-elicense.png"))
    await expect(box).not_to_have_attribute("data-code", first, timeout=12_000)  # renewed before it expired
    await page.locator("#webapp-close").click()  # Back: the home page again
    await expect(app.locator("h1")).to_have_text("Hello, 赵敏")
    await page.locator("#webapp-close").click()  # Close
    await expect(page.locator("#webapp-overlay")).to_be_hidden()
    assert not errors
    await context.close()


async def test_violations_in_chinese_dark_match_the_chat(
    bare_app: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    """Phone, Chinese, dark theme: the chat's "全部违法记录" button opens the list, whose totals
    are the chat's; filters narrow it."""
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user("伟", language_code="zh-hans")
    await bind_directly(bare_app, user, ZHANG.id_number, language="zh")
    context = await chromium.new_context(**PHONE, locale="zh-CN")
    page = await context.new_page()
    errors = watch(page)
    await open_chat(page, bare_app, user.id)
    await page.fill("#message-input", "/menu")
    await page.click("#send-button")
    await page.locator(".message.bot .inline-keyboard button", has_text="信息查询").last.click()
    await page.locator(".message.bot .inline-keyboard button", has_text="违法查询").last.click()
    chat = page.locator(".message.bot .text", has_text="待缴罚款").last
    await expect(chat).to_be_visible(timeout=10_000)
    match = re.search(r"共 (\d+) 条 · 未处理 (\d+) 条 · 待缴罚款 ¥([\d,]+) · 待记分 (\d+) 分", await chat.inner_text())
    assert match, await chat.inner_text()
    total, unprocessed, fine, points = (n.replace(",", "") for n in match.groups())

    await page.locator(".message.bot .inline-keyboard button.web-app", has_text="全部违法记录").last.click()
    await page.locator("#webapp-theme").click()  # dark
    app = mini_app(page)
    totals = app.locator("#violation-totals")
    await expect(totals).to_have_attribute("data-total", total, timeout=15_000)
    assert await totals.get_attribute("data-unprocessed") == unprocessed
    assert await totals.get_attribute("data-fine") == fine
    assert await totals.get_attribute("data-points") == points
    await expect(app.locator("h1")).to_have_text("违法记录")
    await expect(app.locator("#violation-list > li.violation")).to_have_count(min(20, int(total)))
    await expect(app.locator("html")).to_have_attribute("data-scheme", "dark")
    await assert_readable(app, "violations, dark")
    await page.screenshot(path=str(screenshots / "miniapp-violations-zh-dark.png"))

    await app.locator("#filter-status").select_option("paid")
    await expect(app.locator("#violation-list .chip.ok").first).to_be_visible()
    statuses = await app.locator("#violation-list .card-title .chip").all_inner_texts()
    assert statuses and set(statuses) == {"已缴款"}
    if int(total) > 20:
        await app.locator("#filter-status").select_option("")
        await app.locator("#violations-more").click()
        await expect(app.locator("#violation-list > li.violation")).to_have_count(min(40, int(total)))
    assert not errors
    await context.close()


async def test_a_report_with_a_photo_and_a_location_is_filed_and_told_in_the_chat(
    bare_app: RunningApp, chromium: Browser, screenshots: Path, tmp_path: Path
) -> None:
    """Desktop, English: the complaint form's web_app button opens the report page; a topic chip,
    the location (the sandbox asks for consent), a photo, a description; closing asks first;
    Preview and Submit with the main button; the ticket shows, and in the chat too."""
    photo = tmp_path / "bike-lane.png"
    photo.write_bytes(png(64, 48))
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user("Lei", language_code="en")
    await bind_directly(bare_app, user, YANG.id_number, language="en")
    context = await chromium.new_context(**DESKTOP, locale="en-US")
    page = await context.new_page()
    errors = watch(page)
    await open_chat(page, bare_app, user.id)
    await page.fill("#message-input", "/menu")
    await page.click("#send-button")
    await page.locator(".message.bot .inline-keyboard button", has_text="Consultations").last.click()
    await page.locator(".message.bot .inline-keyboard button", has_text="File a complaint").last.click()
    await page.locator(".message.bot .inline-keyboard button.web-app", has_text="Report with location").last.click()

    app = mini_app(page)
    await expect(app.locator("h1")).to_have_text("Report a traffic problem", timeout=15_000)
    await app.locator("label.chip-radio", has_text="Illegal parking").click()
    await app.locator("#report-place").fill("Jianguo Road, east gate")
    await app.locator("#report-locate").click()
    await expect(page.locator("#webapp-dialog")).to_contain_text("access your location")
    await page.locator("#webapp-location-latitude").fill("39.90870")
    await page.locator("#webapp-location-longitude").fill("116.46050")
    await page.locator("#webapp-dialog").get_by_role("button", name="Allow", exact=True).click()
    await expect(app.locator("#report-location")).to_contain_text("39.90870, 116.46050")
    await app.locator("#report-photos").set_input_files(str(photo))
    await expect(app.locator("#report-thumbs li[data-photo-id]")).to_have_count(1)
    await expect(app.locator("#report-photo-count")).to_have_text("1 of 5 photos")
    await app.locator("#report-description").fill("Cars park on the bike lane every evening from 18:00.")

    await expect(page.locator("#webapp-close")).to_contain_text("Back")
    await page.locator("#webapp-x").click()  # half filled: Telegram asks before closing
    await expect(page.locator("#webapp-dialog")).to_contain_text("may not be saved")
    await page.locator("#webapp-dialog button", has_text="Cancel").click()
    await expect(page.locator("#webapp-overlay")).to_be_visible()

    main = page.locator("#webapp-main-button")
    await expect(main).to_have_text("Preview")
    await page.screenshot(path=str(screenshots / "miniapp-report-desktop.png"))
    await main.click()
    await expect(app.locator("#report-preview")).to_contain_text("Illegal parking")
    await expect(app.locator("#report-preview")).to_contain_text("1 of 5 photos")
    await expect(main).to_have_text("Submit")
    await main.click()
    done = app.locator("#report-done")
    await expect(done).to_be_visible(timeout=15_000)
    ticket = await done.get_attribute("data-ticket")
    assert ticket and re.fullmatch(r"C\d{6}-\d{4}", ticket)
    await expect(page.locator("#webapp-haptic")).to_have_attribute("data-last", "success")
    await expect(main).to_be_hidden()
    await page.locator("#webapp-x").click()  # filed: closes without asking
    await expect(page.locator("#webapp-overlay")).to_be_hidden()
    told = page.locator(".message.bot .text", has_text=ticket)
    await expect(told).to_be_visible(timeout=10_000)
    await expect(told).to_contain_text("Mini App")
    assert not errors
    await context.close()


async def test_the_report_page_on_a_phone_in_chinese(
    bare_app: RunningApp, chromium: Browser, screenshots: Path, tmp_path: Path
) -> None:
    """Phone, Chinese: a field left out is pointed at; the deep link of the Mini App's menu."""
    photo = tmp_path / "crossing.png"
    photo.write_bytes(png(40, 30))
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user("涛", language_code="zh-hans")
    await bind_directly(bare_app, user, HUANG.id_number, language="zh")
    context = await chromium.new_context(**PHONE, locale="zh-CN")
    page = await context.new_page()
    errors = watch(page)
    await open_chat(page, bare_app, user.id)
    await page.locator("#webapp-menu-button").click()  # the default menu button ("link first")
    app = mini_app(page)
    await expect(app.locator("h1")).to_have_text("您好，黄涛", timeout=15_000)  # linked: straight home
    await app.locator("button[data-route='report']").click()
    await expect(app.locator("h1")).to_have_text("举报交通问题")
    await app.locator("#report-photos").set_input_files(str(photo))
    await expect(app.locator("#report-thumbs li[data-photo-id]")).to_have_count(1)
    await page.locator("#webapp-main-button").click()  # Preview with no topic, place or description
    await expect(app.locator("#topic-error")).to_have_text("请选择问题类别。")
    await expect(app.locator("#report-description")).to_have_attribute("aria-invalid", "true")
    await app.locator("label.chip-radio", has_text="拥堵").click()
    await app.locator("#report-place").fill("东三环国贸桥")
    await app.locator("#report-description").fill("早高峰国贸桥下长时间拥堵，信号灯配时不合理。")
    await expect(app.locator("#description-error, #report-description-error")).to_be_hidden()  # corrected
    await assert_readable(app, "report, light")
    await app.locator("h1").scroll_into_view_if_needed()
    await page.screenshot(path=str(screenshots / "miniapp-report-zh.png"))
    await page.locator("#webapp-main-button").click()
    await expect(app.locator("h1")).to_have_text("请核对举报内容")
    await page.locator("#webapp-close").click()  # Telegram's BackButton: back to the form, kept
    await expect(app.locator("#report-description")).to_have_value("早高峰国贸桥下长时间拥堵，信号灯配时不合理。")
    assert not errors
    await context.close()


async def test_a_forged_launch_sees_the_error_page(bare_app: RunningApp, chromium: Browser, screenshots: Path) -> None:
    """A launch whose initData was changed (here: to pretend to be another Telegram user) shows
    the error page, in the person's language, and nothing personal."""
    for language, locale, expected in (
        ("en", "en-US", "This page cannot be opened"),
        ("zh-hans", "zh-CN", "无法打开此页面"),
    ):
        async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
            user = await sb.create_user("Eve", language_code=language)
            launch = await sb.launch_web_app(user.id, f"{bare_app.base_url}/app/#/home")
        await bind_directly(bare_app, user, WANG.id_number)
        fields = dict(parse_qsl(launch["init_data"]))
        fields["user"] = fields["user"].replace(str(user.id), str(user.id - 1))
        forged = urlencode(fields, quote_via=quote)
        url = launch["url"].replace(quote(launch["init_data"], safe=""), quote(forged, safe=""))
        assert url != launch["url"]
        context = await chromium.new_context(**PHONE, locale=locale)
        page = await context.new_page()
        errors = watch(page)
        await page.goto(url)
        view = page.locator("#view")
        await expect(view).to_have_attribute("data-error", "init_data_invalid", timeout=15_000)
        await expect(page.locator("h1")).to_have_text(expected)
        assert "440111" not in await view.inner_text()  # nothing personal
        if language == "en":
            await page.screenshot(path=str(screenshots / "miniapp-forged.png"))
        assert not errors
    await context.close()


async def test_deep_links_open_the_right_page(bare_app: RunningApp, chromium: Browser) -> None:
    """A link's start parameter (t.me/<bot>?startapp=...) and a button's URL fragment both name
    the page; a delivery's "Track" opens that delivery."""
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user("Jing", language_code="en")
        await bind_directly(bare_app, user, CHEN.id_number)
        by_link = await sb.launch_web_app(user.id, f"{bare_app.base_url}/app/", source="link", start_param="complaints")
        deliveries = await bare_app.app[SERVICES].repos.deliveries.by_citizen(CHEN.id_number)
        open_one = next(d for d in deliveries if not d.delivered)
        by_button = await sb.launch_web_app(user.id, f"{bare_app.base_url}/app/#/delivery/{open_one.id}")
    context = await chromium.new_context(**PHONE, locale="en-US")
    page = await context.new_page()
    errors = watch(page)
    await page.goto(by_link["url"])
    await expect(page.locator("h1")).to_have_text("My complaints", timeout=15_000)
    await page.goto("about:blank")  # a new launch (not only a new fragment of the same page)
    await page.goto(by_button["url"])
    await expect(page.locator("h1")).to_have_text("Delivery", timeout=15_000)
    await expect(page.locator(f"li.delivery[data-id='{open_one.id}']")).to_be_visible()
    await expect(page.locator(".timeline li[aria-current='step']")).to_have_count(1)
    assert not errors
    await context.close()
