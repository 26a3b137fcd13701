"""Where the bot opens the Mini App: web_app buttons under the e-license card ("Show my
e-license"), the violations ("All violations"), the complaint form's first question ("Report with
location and photos") and each delivery on its way ("Track"); the chat's menu button once the
citizen links an identity, back to the default one when they unlink."""

from __future__ import annotations

import asyncio

import pytest

from app.keys import BOT
from core.language import Language
from messenger.webapp import page_url, set_linked_menu_button
from sandbox.client import ChatMessage, SandboxClient
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import citizen, open_feature, press

pytestmark = pytest.mark.e2e

ZHANG, LI, WANG, LIU, CHEN, YANG, ZHAO, HUANG = DEMO_IDENTITIES


def web_apps(message: ChatMessage) -> dict[str, str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {button["text"]: button["web_app"]["url"] for row in rows for button in row if "web_app" in button}


@pytest.fixture
async def sb(bare_sandbox: SandboxClient) -> SandboxClient:
    return bare_sandbox


async def test_web_app_buttons_where_a_page_serves_better(bare_app: RunningApp, sb: SandboxClient) -> None:
    app = f"{bare_app.base_url}/app/"
    user = await citizen(sb, bare_app, ZHAO.id_number, "en")
    card = await open_feature(sb, user, "📝 Business handling", "📲 Show my e-license")
    assert web_apps(card) == {"🪪 Show my e-license": app + "#/elicense"}
    assert "New code" in str(card.reply_markup)

    user = await citizen(sb, bare_app, ZHANG.id_number, "en")
    listed = await open_feature(sb, user, "🔎 Information inquiry", "🚦 Violations")
    assert web_apps(listed) == {"📋 All violations": app + "#/violations"}

    form = await open_feature(sb, user, "💬 Consultations & complaints", "📝 File a complaint")
    assert web_apps(form) == {"📍 Report with location and photos": app + "#/report"}
    await press(sb, user, form, "❌ Cancel")

    user = await citizen(sb, bare_app, CHEN.id_number, "zh")
    deliveries = await open_feature(sb, user, "🔎 信息查询", "📦 寄递进度")
    tracks = web_apps(deliveries)
    assert tracks and all(text.startswith("🚚 查看物流：") and "#/delivery/" in url for text, url in tracks.items())


async def test_the_menu_button_follows_the_link(bare_app: RunningApp, sb: SandboxClient) -> None:
    """Linking through the chat sets it (the browser test drives that); here: unlinking takes the
    chat's own button away, and the default one ("link first") shows again."""
    user = await citizen(sb, bare_app, WANG.id_number, "en")  # linked without the chat's flow
    default = await sb.menu_button(user.id)
    assert default["web_app"]["url"] == page_url(bare_app.settings, "link")
    assert default["text"] == "12123 services · 12123 服务"
    services = services_of(bare_app)
    await set_linked_menu_button(bare_app.app[BOT], bare_app.settings, services.catalog, user.id, Language.EN)
    own = await sb.menu_button(user.id)
    assert own["text"] == "12123 services" and own["web_app"]["url"] == page_url(bare_app.settings)
    await sb.send_text(user.id, "/unbind")
    confirm = await sb.wait_bot_message(user.id)
    await press(sb, user, confirm, "Yes, unlink")
    for _ in range(50):
        if (await sb.menu_button(user.id)) == default:
            break
        await asyncio.sleep(0.1)
    assert await sb.menu_button(user.id) == default
