"""Talking to a person, from the citizen's side, through the Telegram sandbox: queueing and its
messages in both languages, stopping, the offer to leave a message outside staff hours and
after a long wait, a call-back request, the bot's silence while a person has the conversation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from actions import handoff as actions
from bot.context import INTENTS
from messenger.citizen_link import TelegramCitizenLink
from sandbox.client import SandboxClient
from storage.models import LOCAL_TZ, HandoffState, StaffRole, StaffUser
from tests.conftest import RunningApp, services_of

pytestmark = pytest.mark.e2e


def closed_now() -> str:
    """Staff hours that do not include the present local time."""
    hour = (datetime.now(LOCAL_TZ).hour + 2) % 24
    return f"{hour:02d}:00-{hour:02d}:30"


@pytest.fixture
async def open_app(bare_app: RunningApp, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RunningApp]:
    """The session's app (no NLU) with staff answering now and a 2-second maximum wait."""
    monkeypatch.setattr(bare_app.settings, "staff_hours", "00:00-24:00")
    monkeypatch.setattr(bare_app.settings, "handoff_max_wait", 2)
    async with SandboxClient(bare_app.base_url + "/sandbox") as sb:
        await sb.set_limits(per_chat_rate=20.0)
        yield bare_app
        await sb.set_limits(per_chat_rate=bare_app.settings.sandbox_chat_rate)


@pytest.fixture
def closed_app(bare_app: RunningApp, monkeypatch: pytest.MonkeyPatch) -> RunningApp:
    """The session's app outside staff hours."""
    monkeypatch.setattr(bare_app.settings, "staff_hours", closed_now())
    return bare_app


async def ask_for_person(sb: SandboxClient, name: str, language_code: str = "en") -> tuple[int, Any]:
    user = await sb.create_user(name, language_code=language_code)
    await sb.send_text(user.id, "/menu")
    menu = await sb.wait_bot_message(user.id)
    title = next(b for row in menu.buttons for b in row if b.startswith("👤"))
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of(title))
    return user.id, await sb.wait_bot_message(user.id)


def test_the_feature_answers_the_handoff_intent_and_sits_in_consult() -> None:
    import bot.routers.handoff  # noqa: F401  (registers the feature)

    feature = INTENTS["human_handoff"]
    assert feature.name == "human" and feature.section == "consult" and feature.title_id == "handoff-title"


async def test_queued_in_english_then_stop_waiting_with_the_button(open_app: RunningApp) -> None:
    async with SandboxClient(open_app.base_url + "/sandbox") as sb:
        user_id, queued = await ask_for_person(sb, "Eve")
        assert "queue for a person" in queued.plain_text and "number 1" in queued.plain_text
        assert "min" in queued.plain_text
        await sb.press_button(user_id, queued.message_id, queued.callback_data_of("✖️ Stop waiting"))
        stopped = await sb.wait_bot_message(user_id, contains="left the queue")
        assert stopped.buttons
        assert await services_of(open_app).repos.handoffs.active_for_chat(user_id) is None


async def test_queued_in_chinese_and_cancel(open_app: RunningApp) -> None:
    async with SandboxClient(open_app.base_url + "/sandbox") as sb:
        user_id, queued = await ask_for_person(sb, "小王", language_code="zh-hans")
        assert "人工客服排队" in queued.plain_text
        await sb.send_text(user_id, "请问驾驶证怎么补办")
        hint = await sb.wait_bot_message(user_id)
        assert "仍在等待人工客服" in hint.plain_text
        await sb.send_text(user_id, "/cancel")
        assert "退出排队" in (await sb.wait_bot_message(user_id)).plain_text


async def test_after_a_long_wait_the_citizen_may_leave_a_message(open_app: RunningApp) -> None:
    async with SandboxClient(open_app.base_url + "/sandbox") as sb:
        user_id, _ = await ask_for_person(sb, "Wes")
        offer = await sb.wait_bot_message(user_id, contains="long wait", timeout=15)  # handoff_max_wait=2
        texts = [b for row in offer.buttons for b in row]
        assert "📞 Ask for a call back" in texts and "✖️ Stop waiting" in texts
        await sb.press_button(user_id, offer.message_id, offer.callback_data_of("📞 Ask for a call back"))
        await sb.wait_bot_message(user_id, contains="Write your message")
        await sb.send_text(user_id, "Please call me tomorrow morning about my plates")
        # Not bound: no phone on file. The citizen may give one (checked by a code) or be answered here.
        ask = await sb.wait_bot_message(user_id, contains="Which mobile number")
        await sb.press_button(user_id, ask.message_id, ask.callback_data_of("💬 Answer me here in the chat"))
        done = await sb.wait_bot_message(user_id, contains="Your request is in our queue")
        assert "answer you here" in done.plain_text
        services = services_of(open_app)
        assert await services.repos.handoffs.active_for_chat(user_id) is None  # the chat is the bot's again
        callbacks = [h for h in await services.repos.handoffs.queue() if h.chat_id == user_id]
        assert len(callbacks) == 1 and callbacks[0].topic == actions.CALLBACK_TOPIC
        assert callbacks[0].context["callback_message"] == "Please call me tomorrow morning about my plates"
        await asyncio.sleep(3)  # the sweeper never re-offers, and never to a call-back request
        messages = await sb.messages(user_id)
        assert sum("long wait" in m.plain_text for m in messages) == 1


async def test_outside_staff_hours_the_bot_offers_to_leave_a_message(closed_app: RunningApp) -> None:
    async with SandboxClient(closed_app.base_url + "/sandbox") as sb:
        user_id, reply = await ask_for_person(sb, "Nia")
        assert "answer from" in reply.plain_text and closed_app.settings.staff_hours in reply.plain_text
        assert "📞 Ask for a call back" in [b for row in reply.buttons for b in row]
        assert await services_of(closed_app).repos.handoffs.active_for_chat(user_id) is None
        _, reply_zh = await ask_for_person(sb, "小李", language_code="zh-hans")
        assert "人工客服服务时间" in reply_zh.plain_text


async def test_while_a_person_has_it_the_bot_is_silent_and_buttons_pause(open_app: RunningApp) -> None:
    from app.keys import BOT

    services = services_of(open_app)
    bot = open_app.app[BOT]
    link = TelegramCitizenLink(bot, bot, services.catalog)
    agent = StaffUser(
        username="kim", password_hash="x", role=StaffRole.AGENT, display_name="Kim", created_at=datetime.now(UTC)
    )
    async with SandboxClient(open_app.base_url + "/sandbox") as sb:
        user_id, queued = await ask_for_person(sb, "Sam")
        handoff = await services.repos.handoffs.active_for_chat(user_id)
        assert handoff is not None
        result = await actions.claim(services, link, handoff.id, agent)
        assert result.handoff is not None and result.handoff.state == HandoffState.WITH_AGENT
        await sb.wait_bot_message(user_id, contains="Kim has joined")
        again = await actions.claim(services, link, handoff.id, agent)
        assert again.handoff is None and again.taken_by == "kim"
        before = len(await sb.messages(user_id))
        await sb.send_text(user_id, "/help")
        await sb.send_photo(user_id, b"\x89PNG\r\n\x1a\n" + b"0" * 64, caption="my license")
        await sb.send_sticker(user_id)
        answer = await sb.press_button(user_id, queued.message_id, queued.callback_data_of("✖️ Stop waiting"))
        assert answer is not None
        await asyncio.sleep(1.0)
        after = await sb.messages(user_id)
        assert not [m for m in after[before:] if m.from_bot]  # the bot said nothing
        await services.repos.conversations.flush_turns()  # turns are written in the background
        turns = await services.repos.conversations.transcript(user_id, since=handoff.created_at - timedelta(seconds=1))
        kinds = [t.kind.value for t in turns if t.role.value == "citizen"]
        assert "photo" in kinds and "sticker" in kinds
        turn = await actions.agent_message(services, link, handoff.id, agent, "Hi Sam <b>")
        assert turn is not None
        said = await sb.wait_bot_message(user_id, contains="Hi Sam")
        assert "<b>" in said.plain_text
        await actions.close(services, link, handoff.id, agent, "resolved")
        await sb.wait_bot_message(user_id, contains="rate the help")
        await sb.send_text(user_id, "/help")
        assert (await sb.wait_bot_message(user_id)).from_bot
