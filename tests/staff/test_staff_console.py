"""The staff console over HTTP: sessions, roles, CSRF, the queue, atomic claims, escaping, the
live relay over the websocket, transfer and close."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest

from actions import handoff as actions
from core.language import Language
from sandbox.client import SandboxClient
from staff.relay import Relay
from storage.models import HandoffState, TurnRole
from tests.conftest import RunningApp, services_of
from tests.staff.conftest import PASSWORD, StaffClient, queue_citizen

pytestmark = pytest.mark.e2e


async def test_without_a_session_pages_redirect_and_the_rest_answers_401(make_staff: Callable[[], StaffClient]) -> None:
    anon = make_staff()
    page = await anon.get("/staff/queue")
    assert page.status == 302 and page.headers["Location"].startswith("/staff/login?next=")
    assert (await anon.get("/staff/api/queue", html=False)).status == 401
    assert (await anon.get("/staff/api/supervisor", html=False)).status == 401
    assert (await anon.post("/staff/h/abc/claim", csrf=False)).status == 401


async def test_sign_in_sets_an_httponly_samesite_cookie_and_sign_out_ends_the_session(
    make_staff: Callable[[], StaffClient],
) -> None:
    ann = make_staff()
    response = await ann.sign_in("ann")
    assert response.status == 200
    cookie = next(h for h in response.history[0].headers.getall("Set-Cookie") if h.startswith("staff_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/staff" in cookie
    assert (await ann.get("/staff/api/queue", html=False)).status == 200
    assert (await ann.post("/staff/logout")).status == 303
    assert (await ann.get("/staff/api/queue", html=False)).status == 401


async def test_wrong_passwords_lock_the_account_out(make_staff: Callable[[], StaffClient]) -> None:
    client = make_staff()
    assert (await client.sign_in("locky", "wrong-1")).status == 401
    assert (await client.sign_in("locky", "wrong-2")).status == 401
    assert (await client.sign_in("locky", "wrong-3")).status == 429  # staff_max_failures=3
    locked = await client.sign_in("locky", PASSWORD)
    assert locked.status == 429 and "locked" in await locked.text()
    assert (await client.get("/staff/api/queue", html=False)).status == 401


async def test_an_agent_cannot_use_supervisor_endpoints(make_staff: Callable[[], StaffClient]) -> None:
    ann, sue = make_staff(), make_staff()
    await ann.sign_in("ann")
    await sue.sign_in("sue")
    assert (await ann.get("/staff/supervisor")).status == 403
    assert (await ann.get("/staff/api/supervisor", html=False)).status == 403
    assert (await ann.post("/staff/h/whatever/takeover")).status == 403
    assert (await ann.post("/staff/chat/1/takeover")).status == 403
    assert (await sue.get("/staff/api/supervisor", html=False)).status == 200
    assert (await sue.get("/staff/supervisor")).status == 200


async def test_a_change_without_the_csrf_token_is_refused(
    make_staff: Callable[[], StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    user_id, _ = await queue_citizen(sb, "Csrf")
    handoff = await services_of(staff_app).repos.handoffs.active_for_chat(user_id)
    assert handoff is not None
    ann = make_staff()
    await ann.sign_in("ann")
    assert (await ann.post(f"/staff/h/{handoff.id}/claim", csrf=False)).status == 403
    assert (await ann.post(f"/staff/h/{handoff.id}/claim", {"csrf": "forged"}, csrf=False)).status == 403
    assert (await ann.post("/staff/logout", csrf=False)).status == 403
    still = await services_of(staff_app).repos.handoffs.by_id(handoff.id)
    assert still is not None and still.state == HandoffState.WAITING
    claimed = await ann.post(f"/staff/h/{handoff.id}/claim")
    assert claimed.status == 303 and claimed.headers["Location"] == f"/staff/h/{handoff.id}"


async def test_two_agents_claiming_at_once_one_gets_it_the_other_is_told(
    make_staff: Callable[[], StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    user_id, queued = await queue_citizen(sb, "Race")
    assert "queue" in queued.plain_text and "number" in queued.plain_text
    handoff = await services_of(staff_app).repos.handoffs.active_for_chat(user_id)
    assert handoff is not None
    ann, bo = make_staff(), make_staff()
    await ann.sign_in("ann")
    await bo.sign_in("bo")
    a, b = await asyncio.gather(
        ann.post(f"/staff/h/{handoff.id}/claim", json_reply=True),
        bo.post(f"/staff/h/{handoff.id}/claim", json_reply=True),
    )
    assert sorted([a.status, b.status]) == [200, 409]
    loser = a if a.status == 409 else b
    winner = "ann" if a.status == 200 else "bo"
    assert (await loser.json())["taken_by"] == winner
    joined = await sb.wait_bot_message(user_id, contains="has joined")
    assert ("Ann Agent" if winner == "ann" else "Bo 客服") in joined.plain_text
    # The loser's browser form gets a flash message on the queue page.
    other = bo if winner == "ann" else ann
    page = await other.post(f"/staff/h/{handoff.id}/claim")
    assert page.status == 303 and page.headers["Location"].startswith("/staff/queue?flash=")
    assert "already claimed" in unquote(page.headers["Location"])


async def test_a_script_from_a_citizen_is_shown_as_text(
    make_staff: Callable[[], StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    user_id, _ = await queue_citizen(sb, "<b>Mallory</b>")
    await sb.send_text(user_id, "<script>alert('x')</script>")
    hint = await sb.wait_bot_message(user_id, contains="Still waiting")
    assert "number 1" in hint.plain_text or "number" in hint.plain_text
    handoff = await services_of(staff_app).repos.handoffs.active_for_chat(user_id)
    assert handoff is not None
    ann = make_staff()
    await ann.sign_in("ann")
    await ann.post(f"/staff/h/{handoff.id}/claim")
    page = await ann.get(f"/staff/h/{handoff.id}")
    html = await page.text()
    assert page.status == 200
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


async def test_live_chat_both_ways_bot_silent_then_close_and_rating(
    make_staff: Callable[[], StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    services = services_of(staff_app)
    user_id, _ = await queue_citizen(sb, "Lin", language_code="zh-hans")
    handoff = await services.repos.handoffs.active_for_chat(user_id)
    assert handoff is not None and handoff.language.value == "zh"
    ann = make_staff()
    await ann.sign_in("ann")
    await ann.post(f"/staff/h/{handoff.id}/claim")
    joined = await sb.wait_bot_message(user_id, contains="已接入")
    assert "Ann Agent" in joined.plain_text
    ws = await ann.http.ws_connect(f"{ann.base}/staff/h/{handoff.id}/ws?csrf={ann.csrf}", origin=ann.base)
    try:
        await sb.send_text(user_id, "我的驾驶证丢了")
        events: list[dict[str, Any]] = []
        while not any(e.get("type") == "message" for e in events):
            events.append(json.loads((await ws.receive(timeout=5)).data))
        assert events[0] == {"type": "typing", "who": "citizen", "handoff_id": handoff.id}
        assert events[-1]["role"] == "citizen" and events[-1]["text"] == "我的驾驶证丢了"
        await sb.send_location(user_id, 39.9, 116.4)
        location = json.loads((await ws.receive(timeout=5)).data)
        while location.get("type") != "message":
            location = json.loads((await ws.receive(timeout=5)).data)
        assert location["kind"] == "location" and location["place"]["text"] == "39.900000, 116.400000"
        assert location["place"]["map_url"].startswith("https://www.openstreetmap.org/?mlat=39.900000&mlon=116.400000")
        await ws.send_json({"type": "typing"})
        await sb.wait_event(user_id, "chat_action")
        await ws.send_json({"type": "send", "text": "请提供<车牌号>"})
        reply = await sb.wait_bot_message(user_id, contains="请提供")
        assert "Ann Agent" in reply.plain_text and "<车牌号>" in reply.plain_text
        # The bot said nothing of its own to the citizen's messages.
        messages = await sb.messages(user_id)
        bot_texts = [m.plain_text for m in messages if m.from_bot]
        assert not any("不明白" in t or "don't understand" in t for t in bot_texts)
    finally:
        await ws.close()
    await services.repos.conversations.flush_turns()  # turns are written in the background
    turns = await services.repos.conversations.recent_turns(user_id, limit=50)
    agent_turns = [t for t in turns if t.role == TurnRole.AGENT]
    assert [t.text for t in agent_turns] == ["请提供<车牌号>"] and agent_turns[0].meta["agent"] == "ann"
    assert not any(t.role == TurnRole.BOT and "请提供" in (t.text or "") for t in turns)
    closed = await ann.post(f"/staff/h/{handoff.id}/close", {"resolution": "information_given"})
    assert closed.status == 303
    await sb.wait_bot_message(user_id, contains="人工客服已结束对话")
    left = await sb.wait_bot_message(user_id, contains="请为本次服务评分")
    stars = [b for row in left.buttons for b in row]
    assert stars == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    await sb.press_button(user_id, left.message_id, left.callback_data_of("4 ⭐"))
    await sb.wait_bot_message(user_id, contains="感谢您的评价")
    final = await services.repos.handoffs.by_id(handoff.id)
    assert final is not None and final.state == HandoffState.CLOSED and final.rating == 4
    assert final.resolution_code == "information_given" and final.first_response_at is not None
    assert [(tr.from_state.value, tr.to_state.value, tr.actor) for tr in final.transitions] == [
        ("bot", "waiting", "citizen"),
        ("waiting", "with_agent", "ann"),
        ("with_agent", "closed", "ann"),
    ]
    # Back with the bot: /help gets the bot's answer again.
    await sb.send_text(user_id, "/help")
    assert (await sb.wait_bot_message(user_id)).from_bot


async def test_cancel_while_waiting_and_context_travels(
    make_staff: Callable[[], StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    from storage.seed import DEMO_IDENTITIES
    from tests.conftest import bind_directly

    services = services_of(staff_app)
    user = await sb.create_user("Zhang", language_code="en")
    id_number = DEMO_IDENTITIES[0].id_number
    await bind_directly(staff_app, user, id_number)
    await actions.remember_intent(services, user.id, "violation_query", {"plate": ["京A12345"]})
    await sb.send_text(user.id, "/menu")
    menu = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of("👤 Talk to a person"))
    await sb.wait_bot_message(user.id, contains="queue")
    handoff = await services.repos.handoffs.active_for_chat(user.id)
    assert handoff is not None and handoff.citizen_id_number == id_number
    ctx = handoff.context
    assert ctx["recent_intents"] == ["violation_query"] and ctx["entities"] == {"plate": ["京A12345"]}
    assert ctx["citizen"]["id_number"] != id_number and ctx["citizen"]["id_number"].startswith(id_number[:6])
    assert "*" in ctx["citizen"]["id_number"]
    await sb.send_text(user.id, "/cancel")
    stopped = await sb.wait_bot_message(user.id, contains="left the queue")
    assert stopped.buttons
    closed = await services.repos.handoffs.by_id(handoff.id)
    assert closed is not None and closed.state == HandoffState.CLOSED
    assert closed.transitions[-1].actor == "citizen" and closed.resolution_code == "citizen_cancelled"
    assert await services.repos.handoffs.active_for_chat(user.id) is None


async def test_transfer_notes_and_supervisor_take_over(
    make_staff: Callable[[], StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    services = services_of(staff_app)
    user_id, _ = await queue_citizen(sb, "Tom")
    handoff = await services.repos.handoffs.active_for_chat(user_id)
    assert handoff is not None
    ann, bo, sue = make_staff(), make_staff(), make_staff()
    for client, name in ((ann, "ann"), (bo, "bo"), (sue, "sue")):
        await client.sign_in(name)
    await ann.post(f"/staff/h/{handoff.id}/claim")
    assert (await bo.get(f"/staff/h/{handoff.id}")).status == 403  # not bo's
    assert (await ann.post(f"/staff/h/{handoff.id}/note", {"text": "asks about <plates>"})).status == 303
    assert (await ann.post(f"/staff/h/{handoff.id}/transfer", {"to": "bo"})).status == 303
    await sb.wait_bot_message(user_id, contains="passed to")
    assert (await ann.post(f"/staff/h/{handoff.id}/close", {"resolution": "resolved"})).status == 303
    still = await services.repos.handoffs.by_id(handoff.id)
    assert still is not None and still.agent == "bo" and still.state == HandoffState.WITH_AGENT  # ann can't close
    watch = await sue.get(f"/staff/h/{handoff.id}")
    assert watch.status == 200 and "asks about &lt;plates&gt;" in await watch.text()
    overview = await (await sue.http.get(f"{sue.base}/staff/api/supervisor")).json()
    assert any(c["id"] == handoff.id and c["agent"] == "bo" for c in overview["conversations"])
    assert "ann" in overview["agents_online"] and "sue" in overview["agents_online"]
    assert (await sue.post(f"/staff/h/{handoff.id}/takeover")).status == 303
    await sb.wait_bot_message(user_id, contains="Sue Supervisor")
    taken = await services.repos.handoffs.by_id(handoff.id)
    assert taken is not None and taken.agent == "sue"
    assert [tr.actor for tr in taken.transitions] == ["citizen", "ann", "ann", "sue"]
    assert (await sue.post(f"/staff/h/{handoff.id}/close", {"resolution": "resolved"})).status == 303


@pytest.mark.parametrize(
    ("language_code", "language", "joined_text", "left_text"),
    [
        ("en", Language.EN, "has joined the conversation", "has left the conversation"),
        ("zh-hans", Language.ZH, "已接入对话", "已结束对话"),
    ],
)
async def test_supervisor_steps_into_a_bot_conversation(
    make_staff: Callable[[], StaffClient],
    sb: SandboxClient,
    staff_app: RunningApp,
    language_code: str,
    language: Language,
    joined_text: str,
    left_text: str,
) -> None:
    """An unbound citizen who only used commands is told in the language the bot speaks with
    them (Telegram's language_code) that the supervisor joined; so is every later notice."""
    services = services_of(staff_app)
    user = await sb.create_user("Walk", language_code=language_code)
    await sb.send_text(user.id, "/help")
    await sb.wait_bot_message(user.id)
    assert await services.repos.citizens.by_telegram_user(user.id) is None
    sue = make_staff()
    await sue.sign_in("sue")
    page = await sue.get("/staff/supervisor")
    assert f"/staff/chat/{user.id}/takeover" in await page.text()
    taken = await sue.post(f"/staff/chat/{user.id}/takeover")
    assert taken.status == 303
    joined = await sb.wait_bot_message(user.id, contains="Sue Supervisor")
    assert joined_text in joined.plain_text
    handoff = await services.repos.handoffs.active_for_chat(user.id)
    assert handoff is not None and handoff.state == HandoffState.WITH_AGENT and handoff.agent == "sue"
    assert handoff.transitions[0].actor == "sue" and handoff.language == language
    assert (await sue.post(f"/staff/h/{handoff.id}/close", {"resolution": "resolved"})).status == 303
    await sb.wait_bot_message(user.id, contains=left_text)


async def test_events_cross_processes_through_redis(staff_app: RunningApp) -> None:
    """Two listeners on their own connections (as two instances would be) both get an event
    published by a third party."""
    import redis.asyncio as aioredis

    services = services_of(staff_app)
    url = staff_app.settings.redis_url
    assert url is not None
    other = aioredis.Redis.from_url(url.get_secret_value())
    relay = Relay(other, actions.events_pattern(services))
    await relay.start()
    try:
        queue = relay.subscribe("h-cross")
        await actions.publish(services, "h-cross", {"type": "typing", "who": "citizen"})
        assert await asyncio.wait_for(queue.get(), 5) == {"type": "typing", "who": "citizen", "handoff_id": "h-cross"}
    finally:
        await relay.stop()
        await other.aclose()
