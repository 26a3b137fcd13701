"""The staff desk in a real browser (Playwright with Debian's Chromium), on a 390 px phone and on
a desktop, in English and in Chinese (issue 17).

On a phone, an agent sees a new citizen arrive without reloading (the desk's event stream and an
alert), takes the conversation from the queue by its preview, sees the citizen's photo (and
enlarges it) and the map link of the place they sent, inserts a canned reply with "/" in the
citizen's language, is warned when typing in the other language, edits and sends the reply, and
closes the conversation; the citizen ends another chat on their own and the agent's page says so.
On a desktop: the complaint with its photo and map link, the overdue badge, the form that keeps
"resolved" with the error beside it, the reviews with every label translated. No page is wider
than the phone. Screenshots: docs/screenshots/ with UPDATE_SCREENSHOTS=1 (a temporary folder
otherwise)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from actions.staff_accounts import add_staff
from core.config import Settings
from core.language import Language
from sandbox.client import SandboxClient
from storage.models import HandoffState, StaffRole
from storage.repositories import StaffExists
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.staff.helpers import ask_for_person, file_complaint, photo_file_id, png, request_review

pytestmark = pytest.mark.browser

PASSWORD = "desk browser password"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
async def desk_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:  # type: ignore[no-untyped-def]
    """An app of its own (the queue holds only this module's citizens), staff answering now."""
    running = await start_app(
        make_settings(mongo_db=f"test_desk_{uuid.uuid4().hex[:8]}", staff_hours="00:00-24:00", handoff_max_wait=3600)
    )
    now = datetime.now(UTC)
    for username, role, name in (("lin", StaffRole.AGENT, "Lin 林"), ("mei", StaffRole.SUPERVISOR, "Mei Wang")):
        with contextlib.suppress(StaffExists):
            await add_staff(
                services_of(running).repos, username=username, password=PASSWORD, role=role, display_name=name, now=now
            )
    async with SandboxClient(running.base_url + "/sandbox") as sb:
        await sb.set_limits(per_chat_rate=20.0)
    yield running
    await running.runner.cleanup()


async def signed_in(
    browser: Browser, app: RunningApp, username: str, lang: str, viewport: dict[str, int]
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(
        viewport=viewport,  # type: ignore[arg-type]
        is_mobile=viewport["width"] < 600,
        locale="zh-CN" if lang == "zh" else "en-US",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9" if lang == "zh" else "en-US,en;q=0.9"},
    )
    page = await context.new_page()
    await page.goto(f"{app.base_url}/staff/login?next=/staff/queue")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form#login button[type=submit]")
    await expect(page).to_have_url(f"{app.base_url}/staff/queue")
    return context, page


async def no_sideways_scroll(page: Page) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


@pytest.mark.parametrize(("lang", "citizen_lang"), [("en", "en"), ("zh", "zh")])
async def test_an_agent_on_a_phone_takes_answers_with_a_canned_reply_and_closes(
    desk_app: RunningApp, chromium: Browser, screenshots: Path, lang: str, citizen_lang: str
) -> None:
    app, services = desk_app, services_of(desk_app)
    zh = citizen_lang == "zh"
    async with SandboxClient(app.base_url + "/sandbox") as sb:
        context, page = await signed_in(chromium, app, "lin", lang, PHONE)
        dialogs: list[str] = []
        page.on("dialog", lambda d: dialogs.append(d.message))
        await expect(page.locator("body")).to_have_attribute("data-live", "1")  # the event stream is open

        # A citizen arrives while the page is open: the row and an alert appear without a reload.
        citizen = await sb.create_user("小周" if zh else "Alex", language_code="zh-hans" if zh else "en")
        await ask_for_person(sb, citizen)
        await sb.send_photo(
            citizen.id,
            png(64, 48, (200, 60, 40)),
            caption="拖车单" if zh else "the tow notice",
            content_type="image/png",
        )
        await sb.send_location(citizen.id, 39.9087, 116.3975)
        handoff = await services.repos.handoffs.active_for_chat(citizen.id)
        assert handoff is not None
        row = page.locator(f"#queue tr[data-id='{handoff.id}']")
        await expect(row).to_be_visible()
        await expect(page.locator("#alerts .alert").first).to_contain_text("等待" if lang == "zh" else "waiting")
        # The bot answers each message while they wait (one a second per chat): they arrive over a few seconds.
        await expect(row.locator(".unread")).to_have_text("2", timeout=15_000)
        said = "我的车被拖走了，在哪里取车？" if zh else "My car was towed, where do I pick it up?"
        await sb.send_text(citizen.id, said)
        await expect(row.locator(".preview")).to_have_text(said, timeout=15_000)
        await expect(row.locator(".unread")).to_have_text("3")
        await no_sideways_scroll(page)
        await page.screenshot(path=str(screenshots / f"staff-queue-phone-{lang}.png"), full_page=True)

        # Taken from the queue by its preview.
        await row.locator("button.claim").click()
        await expect(page).to_have_url(f"{app.base_url}/staff/h/{handoff.id}")
        await sb.wait_bot_message(citizen.id, contains="已接入" if zh else "has joined")
        transcript = page.locator("#transcript")
        await expect(transcript).to_contain_text(said)
        photo = transcript.locator("a.photo img").first
        await expect(photo).to_be_visible()
        assert await photo.evaluate("img => img.complete && img.naturalWidth") == 64
        map_link = transcript.locator(".place a")
        await expect(map_link).to_have_attribute(
            "href", "https://www.openstreetmap.org/?mlat=39.908700&mlon=116.397500#map=17/39.908700/116.397500"
        )
        await expect(transcript.locator(".place")).to_contain_text("39.908700, 116.397500")
        await expect(page.locator(".who-line")).to_contain_text({"en": "English", "zh": "中文"}[lang])
        await no_sideways_scroll(page)
        await page.screenshot(path=str(screenshots / f"staff-conversation-phone-{lang}.png"), full_page=True)
        await photo.click()
        await expect(page.locator("dialog#lightbox")).to_be_visible()
        await page.screenshot(path=str(screenshots / f"staff-photo-phone-{lang}.png"))
        await page.locator("dialog#lightbox button.close-lightbox").click()
        await expect(page.locator("dialog#lightbox")).to_be_hidden()

        # Writing in the other language: a warning; the canned reply in the citizen's language, edited.
        box = page.locator("#text")
        await box.fill("Please wait a moment" if zh else "请稍等")
        await box.dispatch_event("input")
        await expect(page.locator("#lang-warning")).to_be_visible()
        await box.fill("")
        await box.press_sequentially("/wa")
        await expect(page.locator("#suggestions")).to_be_visible()
        await expect(page.locator("#suggestions li").first).to_contain_text("/wait")
        await box.press("Enter")
        canned = "请稍等，我正在为您查询。" if zh else "One moment please, I'm checking that for you."
        await expect(box).to_have_value(canned)
        await expect(page.locator("#lang-warning")).to_be_hidden()
        extra = "拖车场在北四环。" if zh else "The pound is on the North 4th Ring Road."
        await box.press("End")
        await box.press_sequentially(" " + extra)
        await page.screenshot(path=str(screenshots / f"staff-reply-phone-{lang}.png"))
        await box.press("Enter")
        answer = await sb.wait_bot_message(citizen.id, contains=extra)
        assert canned in answer.plain_text and "Lin 林" in answer.plain_text
        await expect(transcript).to_contain_text(extra)

        # Closed with a resolution; the citizen is asked to rate.
        await page.select_option("#resolution", "information_given")
        await page.locator("#close button[type=submit]").click()
        await expect(page.locator(".flash")).to_contain_text("对话已结束" if lang == "zh" else "Conversation closed")
        await sb.wait_bot_message(citizen.id, contains="请为本次服务评分" if zh else "rate the help")
        closed = await services.repos.handoffs.by_id(handoff.id)
        assert (
            closed is not None and closed.state == HandoffState.CLOSED and closed.resolution_code == "information_given"
        )
        assert dialogs == []
        await context.close()


async def test_the_agent_sees_the_citizen_end_the_chat(
    desk_app: RunningApp, chromium: Browser, screenshots: Path
) -> None:
    app, services = desk_app, services_of(desk_app)
    async with SandboxClient(app.base_url + "/sandbox") as sb:
        citizen = await sb.create_user("Leaves", language_code="en")
        await ask_for_person(sb, citizen)
        handoff = await services.repos.handoffs.active_for_chat(citizen.id)
        assert handoff is not None
        context, page = await signed_in(chromium, app, "lin", "en", DESKTOP)
        await page.locator(f"#queue tr[data-id='{handoff.id}'] button.claim").click()
        await expect(page.locator("#conversation")).to_have_attribute("data-live", "1")
        await sb.wait_bot_message(citizen.id, contains="has joined")
        await sb.press_reply_button(citizen.id, "✖️ End chat")
        await sb.wait_bot_message(citizen.id, contains="You ended the chat")
        await expect(page.locator("#transcript")).to_contain_text("The citizen ended the chat")
        await expect(page.locator("#state")).to_have_text("closed")
        await expect(page.locator("#send button")).to_be_disabled()
        await expect(page.locator("#alerts .alert").last).to_contain_text("The citizen ended your chat")
        await page.screenshot(path=str(screenshots / "staff-citizen-ended.png"), full_page=True)
        await context.close()


@pytest.mark.parametrize(("lang", "viewport"), [("zh", DESKTOP), ("en", PHONE)])
async def test_complaints_and_reviews_in_the_staffs_language(
    desk_app: RunningApp, chromium: Browser, screenshots: Path, lang: str, viewport: dict[str, int]
) -> None:
    app = desk_app
    person = DEMO_IDENTITIES[0]
    size = "desktop" if viewport is DESKTOP else "phone"
    async with SandboxClient(app.base_url + "/sandbox") as sb:
        citizen = await sb.create_user("Zhang", language_code="zh-hans")
        await bind_directly(app, citizen, person.id_number, language="zh")
        await sb.send_photo(citizen.id, png(80, 60, (40, 160, 90)), content_type="image/png")
        await sb.wait_bot_message(citizen.id)
        file_id = await photo_file_id(app, citizen.id)
    complaint = await file_complaint(
        app, person, description="路灯坏了一周了。\n晚上很危险。", photos=[file_id], language=Language.ZH
    )
    await request_review(app, person, "我已经体检了，请审核。")
    context, page = await signed_in(chromium, app, "mei", lang, viewport)

    await page.goto(f"{app.base_url}/staff/complaints")
    row = page.locator("#complaints tr", has=page.locator(f"a[href='/staff/complaints/{complaint.ticket_id}']"))
    await expect(row).to_contain_text("道路设施和信号灯" if lang == "zh" else "Road facilities and signals")
    await expect(row.locator(".place a, a[href^='https://www.openstreetmap.org']").first).to_be_visible()
    await no_sideways_scroll(page)
    await page.screenshot(path=str(screenshots / f"staff-complaints-{size}-{lang}.png"), full_page=True)

    await row.locator(f"a[href='/staff/complaints/{complaint.ticket_id}']").click()
    image = page.locator(".photos img").first
    await expect(image).to_be_visible()
    assert await image.evaluate("img => img.complete && img.naturalWidth") == 80
    await expect(page.locator("dd.pre")).to_contain_text("路灯坏了一周了。\n晚上很危险。")
    # "Resolved" without a text: the choice stays, the error is by the field.
    await page.select_option("#status", "resolved")
    await page.locator("#status-form button[type=submit]").click()
    await expect(page.locator("#status-error")).to_be_visible()
    await expect(page.locator("#status")).to_have_value("resolved")
    await no_sideways_scroll(page)
    await page.screenshot(path=str(screenshots / f"staff-complaint-{size}-{lang}.png"), full_page=True)
    # Typing English to a Chinese citizen: a warning under the field.
    await page.fill("#reply-text", "We fixed the light yesterday.")
    await page.locator("#reply-text").dispatch_event("input")
    await expect(page.locator("#reply-lang")).to_be_visible()

    await page.goto(f"{app.base_url}/staff/reviews")
    reviews = page.locator("#reviews")
    await expect(reviews).to_contain_text("呼和浩特" if lang == "zh" else "Hohhot")
    await expect(reviews).to_contain_text("逾期未体检" if lang == "zh" else "physical exam overdue")
    await expect(reviews).to_contain_text("中文" if lang == "zh" else "Chinese")
    text = await page.locator("main").inner_text()
    for code in ("hohhot-vmo", "exam_overdue", "road_facilities"):
        assert code not in text
    await no_sideways_scroll(page)
    await page.screenshot(path=str(screenshots / f"staff-reviews-{size}-{lang}.png"), full_page=True)

    await page.goto(f"{app.base_url}/staff/supervisor")
    if size == "desktop":
        await expect(page.locator("#bot-chats thead")).to_be_visible()
    await no_sideways_scroll(page)
    await page.screenshot(path=str(screenshots / f"staff-supervisor-{size}-{lang}.png"), full_page=True)
    await page.goto(f"{app.base_url}/staff/canned")
    await no_sideways_scroll(page)
    await page.screenshot(path=str(screenshots / f"staff-canned-{size}-{lang}.png"), full_page=True)
    await context.close()
