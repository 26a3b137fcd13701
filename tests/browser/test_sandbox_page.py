"""A real browser drives the sandbox's chat page as a person would, on a desktop and on a phone
(390x844), in English and Chinese: pick or create a citizen, press START, type, see the bot's
formatted reply with its keyboard, press an inline button, share a location from the bot's
``request_location`` button (a location message with a map preview, not the label as text), send a
sticker and a voice note from the pickers, switch the page's language, read a new SMS as a
notification, and keep chatting after the app restarted. Nothing loads from the internet.

Screenshots go to docs/screenshots/ with UPDATE_SCREENSHOTS=1: the README's pictures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import KeyboardButton, ReplyKeyboardMarkup
from playwright.async_api import Browser, BrowserContext, Page, expect

from core.config import SANDBOX_TOKEN, Settings
from sandbox.client import SandboxClient
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 860}}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
LOCALES = {"en": "en-US", "zh": "zh-CN"}
# The README's pictures; the other screenshots are for looking at, in a temporary folder.
README_PICTURES = frozenset(
    {
        "sandbox-chat.png",
        "sandbox-chat-phone-en.png",
        "sandbox-chat-phone-zh.png",
        "sandbox-list-phone-zh.png",
        "sandbox-start-phone-en.png",
        "sandbox-location-phone-zh.png",
        "sandbox-media-phone-zh.png",
    }
)


@pytest.fixture
def shot(screenshots: Path, tmp_path: Path) -> Callable[[str], str]:
    def path(name: str) -> str:
        return str((screenshots if name in README_PICTURES else tmp_path) / name)

    return path


@dataclass
class Session:
    context: BrowserContext
    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def phone(self) -> bool:
        size = self.page.viewport_size
        return size is not None and size["width"] < 700

    def assert_clean(self) -> None:
        """No script error, and nothing asked from anywhere but the app itself."""
        assert not self.errors, self.errors
        foreign = [u for u in self.requests if not u.startswith((self.base_url, "data:", "blob:", "about:"))]
        assert not foreign, f"loaded from elsewhere: {foreign}"


@pytest.fixture
async def browse(chromium: Browser, bare_app: RunningApp) -> AsyncIterator[Any]:
    sessions: list[Session] = []

    async def open_page(size: str, lang: str) -> Session:
        context = await chromium.new_context(**SIZES[size], locale=LOCALES[lang])
        page = await context.new_page()
        session = Session(context, page, bare_app.base_url)
        page.on("pageerror", lambda error: session.errors.append(str(error)))
        page.on("request", lambda request: session.requests.append(request.url))
        await page.goto(bare_app.base_url + "/sandbox/")
        await expect(page.locator("body")).to_have_attribute("data-ready", "1")
        sessions.append(session)
        return session

    yield open_page
    for session in sessions:
        await session.context.close()


async def open_chat(session: Session, user_id: int) -> None:
    page = session.page
    await page.click(f"#citizen-list li[data-user-id='{user_id}']")
    await expect(page.locator("#message-input")).to_be_enabled()


def sandbox_bot(app: RunningApp) -> Bot:
    """The app's own bot token, used directly: what the bot would send (a request_location keyboard)."""
    return Bot(SANDBOX_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(app.base_url + "/sandbox")))


CHAT_WORDS = {
    "en": ("Information inquiry", "Driver's license", "Your driver's license"),
    "zh": ("信息查询", "驾驶证", "您的驾驶证"),
}


@pytest.mark.parametrize(
    ("size", "lang", "picture"),
    [
        ("desktop", "en", "sandbox-chat.png"),
        ("phone", "en", "sandbox-chat-phone-en.png"),
        ("phone", "zh", "sandbox-chat-phone-zh.png"),
    ],
)
async def test_a_person_chats_with_the_bot_on_the_sandbox_page(
    bare_app: RunningApp, browse: Any, shot: Callable[[str], str], size: str, lang: str, picture: str
) -> None:
    """A linked citizen opens the menu, presses inline buttons (the message changes in place) and
    reads the license card, formatted. The README's pictures (a phone, English and Chinese)."""
    person = next(p for p in DEMO_IDENTITIES if p.name == "张伟")
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user(
            "伟" if lang == "zh" else "Wei",
            last_name="张" if lang == "zh" else "Zhang",
            language_code="zh-hans" if lang == "zh" else "en",
        )
    await bind_directly(bare_app, user, person.id_number, language=lang)
    inquiry_text, license_text, card_text = CHAT_WORDS[lang]

    session: Session = await browse(size, lang)
    page = session.page
    await open_chat(session, user.id)
    # The chat's title names the citizen as Telegram does: 张伟 (family name first), Wei Zhang.
    await expect(page.locator("#chat-title")).to_contain_text("张伟" if lang == "zh" else "Wei Zhang")
    await page.fill("#message-input", "/menu")
    await page.click("#send-button")
    inquiry = page.locator(".message.bot .inline-keyboard button", has_text=inquiry_text).last
    await expect(inquiry).to_be_visible(timeout=10_000)
    await inquiry.click()
    license_button = page.locator(".message.bot .inline-keyboard button", has_text=license_text).first
    await expect(license_button).to_be_visible(timeout=10_000)
    await license_button.click()
    card = page.locator(".message.bot .text", has_text=card_text).last
    await expect(card).to_be_visible(timeout=10_000)
    assert "<b>" not in await card.inner_text()  # formatting rendered, not shown as markup
    assert await card.locator("b").count() >= 1
    await page.locator("#messages").evaluate("list => { list.scrollTop = list.scrollHeight; }")
    await page.screenshot(path=shot(picture))
    session.assert_clean()


@pytest.mark.parametrize(("size", "lang"), [("desktop", "en"), ("phone", "en"), ("phone", "zh")])
async def test_a_new_citizen_presses_start_on_the_empty_chat(
    bare_app: RunningApp, browse: Any, shot: Callable[[str], str], size: str, lang: str
) -> None:
    """Created on the page; the empty chat says what the bot does and offers START, which sends
    /start; the greeting comes and START gives way to the message box. On a phone the chat list and
    the chat are two screens, the chat the full width, with a way back."""
    session: Session = await browse(size, lang)
    page = session.page
    assert await page.locator("#new-language").input_value() == ("zh-hans" if lang == "zh" else "en")
    await page.fill("#new-first-name", f"Start{size}{lang}")
    await page.click("#new-citizen-form button[type=submit]")
    await expect(page.locator("#empty-chat")).to_be_visible()
    start = page.locator("#start-button")
    await expect(start).to_have_text("开始" if lang == "zh" else "START")
    if session.phone:
        await expect(page.locator("#sidebar")).to_be_hidden()
        box = await page.locator("#chat").bounding_box()
        assert box is not None and box["width"] >= 380, box  # the whole width, not what a sidebar leaves
        send = await page.locator("#send-button").bounding_box()
        assert send is not None and send["x"] + send["width"] <= 390
    else:
        await expect(page.locator("#sidebar")).to_be_visible()
        await expect(page.locator("#back-button")).to_be_hidden()
    await page.screenshot(path=shot(f"sandbox-start-{size}-{lang}.png"))
    await start.click()
    await expect(page.locator(".message.user .text", has_text="/start")).to_be_visible()
    await expect(page.locator(".message.bot").first).to_be_visible(timeout=15_000)
    await expect(page.locator("#start-bar")).to_be_hidden()
    await expect(page.locator("#empty-chat")).to_be_hidden()
    if session.phone:
        await page.click("#back-button")
        await expect(page.locator("#citizen-list")).to_be_visible()
        await expect(page.locator("#chat")).to_be_hidden()
    session.assert_clean()


@pytest.mark.parametrize(("size", "lang"), [("desktop", "en"), ("phone", "zh")])
async def test_a_request_location_button_opens_the_location_form_and_sends_a_location(
    bare_app: RunningApp, browse: Any, shot: Callable[[str], str], size: str, lang: str
) -> None:
    """The bot's "share my location" reply button asks for a place (a named one or coordinates)
    and sends a location message, shown as an offline map preview; the label is never sent."""
    label = "📍 分享我的位置" if lang == "zh" else "📍 Share my location"
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user(f"Loc{size}", language_code="zh-hans" if lang == "zh" else "en")
    bot = sandbox_bot(bare_app)
    try:
        await bot.send_message(
            user.id,
            "请发送问题所在的位置。" if lang == "zh" else "Please share where the problem is.",
            reply_markup=ReplyKeyboardMarkup(
                keyboard=[[KeyboardButton(text=label, request_location=True)]], one_time_keyboard=True
            ),
        )
    finally:
        await bot.session.close()

    session: Session = await browse(size, lang)
    page = session.page
    await open_chat(session, user.id)
    await page.locator("#reply-keyboard button", has_text=label).click()
    form = page.locator("#location-form")
    await expect(form).to_be_visible()
    place = "上海人民广场" if lang == "zh" else "People's Square, Shanghai"
    await page.locator("#place-list .chip", has_text=place).click()
    assert await page.locator("#latitude").input_value() == "31.2304"
    await page.screenshot(path=shot(f"sandbox-location-form-{size}-{lang}.png"))
    await page.click("#location-send")
    sent = page.locator(".message.user.location-message").last
    await expect(sent.locator("svg.map")).to_be_visible()
    await expect(sent.locator(".near")).to_have_text(("位于" + place + "附近") if lang == "zh" else f"near {place}")
    await expect(sent.locator(".coords")).to_have_text("📍 31.23040, 121.47370")
    await expect(page.locator("#reply-keyboard")).to_be_hidden()  # one-time keyboard: gone after use
    await page.screenshot(path=shot(f"sandbox-location-{size}-{lang}.png"))

    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        mine = [m for m in await sb.messages(user.id) if not m.from_bot]
    assert [(m.kind, m.media) for m in mine] == [
        ("location", {"location": {"latitude": 31.2304, "longitude": 121.4737}})
    ]
    assert all(label not in (m.text or "") for m in mine)
    session.assert_clean()


@pytest.mark.parametrize(("size", "lang"), [("desktop", "en"), ("phone", "zh")])
async def test_stickers_and_voice_notes_come_from_the_pickers(
    bare_app: RunningApp, browse: Any, shot: Callable[[str], str], size: str, lang: str
) -> None:
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user(f"Media{size}", language_code="zh-hans" if lang == "zh" else "en")
        await sb.send_text(user.id, "/start")
        await sb.wait_bot_message(user.id, timeout=15)

    session: Session = await browse(size, lang)
    page = session.page
    await open_chat(session, user.id)
    await page.click("#sticker-button")
    await expect(page.locator("#sticker-picker")).to_be_visible()
    await page.screenshot(path=shot(f"sandbox-stickers-{size}-{lang}.png"))
    await page.locator("#sticker-picker .sticker-choice", has_text="👍").click()
    await expect(page.locator("#sticker-picker")).to_be_hidden()
    await expect(page.locator(".message.user .sticker").last).to_have_text("👍")

    await page.click("#attach-button")
    await page.click("#voice-button")
    await expect(page.locator("#voice-picker")).to_be_visible()
    await page.locator("#voice-picker .voice-choice[data-seconds='5']").click()
    voice = page.locator(".message.user .voice").last
    await expect(voice.locator(".duration")).to_have_text("0:05")
    await page.screenshot(path=shot(f"sandbox-media-{size}-{lang}.png"))

    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        mine = [m for m in await sb.messages(user.id) if not m.from_bot and m.kind != "text"]
    assert [m.kind for m in mine] == ["sticker", "voice"]
    assert mine[0].media is not None and mine[0].media["sticker"]["emoji"] == "👍"
    assert mine[1].media is not None and mine[1].media["voice"]["duration"] == 5
    session.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_a_location_the_bot_sends_is_a_map_preview_drawn_offline(
    bare_app: RunningApp, browse: Any, size: str
) -> None:
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user(f"Map{size}", language_code="en")
    bot = sandbox_bot(bare_app)
    try:
        await bot.send_location(user.id, latitude=29.6578, longitude=91.1169)
    finally:
        await bot.session.close()
    session: Session = await browse(size, "en")
    await open_chat(session, user.id)
    preview = session.page.locator(".message.bot.location-message").last
    await expect(preview.locator("svg.map")).to_have_attribute("aria-label", "Map of Potala Palace, Lhasa")
    await expect(preview.locator(".near")).to_have_text("near Potala Palace, Lhasa")
    width = await preview.locator("svg.map").evaluate("svg => svg.getBoundingClientRect().width")
    assert 200 <= width <= 260
    session.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_the_page_speaks_the_browsers_language_and_switches(
    bare_app: RunningApp, browse: Any, shot: Callable[[str], str], size: str
) -> None:
    """Chinese from a Chinese browser, English after the switch, remembered after a reload."""
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        await sb.send_sms("+8613700000002", "【交管12123】验证码 135790，5 分钟内有效。")
    session: Session = await browse(size, "zh")
    page = session.page
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator(".panel h2").first).to_have_text("市民")
    await expect(page.locator("#sms-list li").first).to_be_visible()
    await page.screenshot(path=shot(f"sandbox-list-{size}-zh.png"))
    await expect(page.locator("#new-first-name")).to_have_attribute("placeholder", "名")
    await expect(page.locator("#language-switch")).to_have_text("English")
    await page.click("#language-switch")
    await expect(page.locator(".panel h2").first).to_have_text("Citizens")
    await expect(page.locator("#new-first-name")).to_have_attribute("placeholder", "First name")
    await page.reload()
    await expect(page.locator("body")).to_have_attribute("data-ready", "1")
    await expect(page.locator(".panel h2").first).to_have_text("Citizens")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    session.assert_clean()


async def test_an_sms_shows_as_a_notification_on_the_phone(bare_app: RunningApp, browse: Any) -> None:
    """While chatting on a phone (the SMS panel is on the other screen) a new code still shows."""
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        user = await sb.create_user("Sms", language_code="en")
        session: Session = await browse("phone", "en")
        await open_chat(session, user.id)
        await session.page.wait_for_timeout(500)
        await sb.send_sms("+8613700000001", "Your code is 246810")
    banner = session.page.locator("#sms-banner")
    await expect(banner).to_be_visible(timeout=8_000)
    await expect(banner).to_contain_text("Your code is 246810")
    await banner.click()
    await expect(banner).to_be_hidden()
    session.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
async def test_after_a_restart_the_open_page_goes_on_chatting(
    make_settings: Callable[..., Settings],
    start_app: Callable[[Settings], Awaitable[RunningApp]],
    chromium: Browser,
    tmp_path: Path,
    size: str,
) -> None:
    """`make run`, a newcomer chats, Ctrl-C, `make run` again: the page left open reconnects, the
    chat's history is there, the next message is answered; a reloaded page lists the same citizen,
    and a citizen created now gets a new id (never the first one's, whose identity may be linked)."""
    settings = make_settings(demo_data=False, data_dir=tmp_path, sandbox_persist=True)
    running = await start_app(settings)
    context = await chromium.new_context(**SIZES[size], locale="en-US")
    try:
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(settings.base_url + "/sandbox/")
        await page.fill("#new-first-name", "Newcomer")
        await page.click("#new-citizen-form button[type=submit]")
        await page.click("#start-button")
        await expect(page.locator(".message.bot .text", has_text="Hello, Newcomer!")).to_be_visible(timeout=15_000)
        first_id = int(await page.locator("#citizen-list li.selected").get_attribute("data-user-id") or 0)

        await running.runner.cleanup()  # Ctrl-C
        running = await start_app(settings)  # make run again

        await page.fill("#message-input", "/help")
        await page.click("#send-button")
        await expect(page.locator(".message.user .text", has_text="/help")).to_have_count(1, timeout=15_000)
        await expect(page.locator(".message.bot")).to_have_count(2, timeout=15_000)
        await page.reload()
        await expect(page.locator(f"#citizen-list li[data-user-id='{first_id}']")).to_be_visible()
        await page.click(f"#citizen-list li[data-user-id='{first_id}']")
        await expect(page.locator(".message.user .text", has_text="/start")).to_be_visible()
        await expect(page.locator(".message.user .text", has_text="/help")).to_be_visible()
        if size == "phone":
            await page.click("#back-button")
        await page.fill("#new-first-name", "Second")
        await page.click("#new-citizen-form button[type=submit]")
        await expect(page.locator("#start-button")).to_be_visible()
        second_id = int(await page.locator("#citizen-list li.selected").get_attribute("data-user-id") or 0)
        assert second_id > first_id
        assert not errors, errors
    finally:
        await context.close()
        await running.runner.cleanup()
