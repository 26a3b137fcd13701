"""The staff desk (issue 17) over HTTP, websockets and the event stream, with sandbox citizens:
no dead ends (the citizen ends a chat with the button, /cancel, /menu or /start; an idle chat
ends by itself; a call-back with a checked number is answered in the chat and the citizen is
told when it is closed), the queue's previews and unread badges, transfer notes and the
receiving agent's alert, canned replies supervisors edit, the citizen profile, the language
check, the complaint form that keeps its choice with the error, and auto-assignment."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from actions import handoff as actions
from actions.staff_accounts import add_staff
from core.config import Settings
from sandbox.client import SandboxClient
from storage.models import HandoffState, StaffRole
from storage.repositories import StaffExists
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.staff.conftest import PASSWORD, StaffClient, queue_citizen
from tests.staff.helpers import ask_for_person, callback_with_phone, closed_now, file_complaint, request_review

pytestmark = pytest.mark.e2e


async def claimed(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, app: RunningApp, name: str, lang: str = "en"
) -> tuple[int, str, StaffClient]:
    """A citizen in a chat with ann: (their id, the conversation's id, ann's client)."""
    user_id, _ = await queue_citizen(sb, name, language_code=lang)
    handoff = await services_of(app).repos.handoffs.active_for_chat(user_id)
    assert handoff is not None
    ann = make_staff()
    await ann.sign_in("ann")
    assert (await ann.post(f"/staff/h/{handoff.id}/claim")).status == 303
    return user_id, handoff.id, ann


async def next_event(ws: aiohttp.ClientWebSocketResponse, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads((await ws.receive(timeout=max(0.1, deadline - time.monotonic()))).data)
        if event.get("type") == kind:
            return dict(event)


# --- the citizen leaves --------------------------------------------------------------------------------


async def test_the_citizen_ends_the_chat_with_the_button_and_both_sides_are_told(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    services = services_of(staff_app)
    user_id, handoff_id, ann = await claimed(make_staff, sb, staff_app, "Leaver")
    joined = await sb.wait_bot_message(user_id, contains="has joined")
    assert "End chat" in joined.plain_text and joined.buttons == [["✖️ End chat"]]  # under the message box
    ws = await ann.http.ws_connect(f"{ann.base}/staff/h/{handoff_id}/ws?csrf={ann.csrf}", origin=ann.base)
    try:
        await sb.press_reply_button(user_id, "✖️ End chat")
        ended = await sb.wait_bot_message(user_id, contains="You ended the chat")
        assert ended.reply_markup == {"remove_keyboard": True}  # the button goes
        rating = await sb.wait_bot_message(user_id, contains="rate the help")
        assert [b for row in rating.buttons for b in row] == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
        state = await next_event(ws, "state")
        assert state["state"] == "closed" and state["by"] == "citizen"
    finally:
        await ws.close()
    closed = await services.repos.handoffs.by_id(handoff_id)
    assert closed is not None and closed.state == HandoffState.CLOSED and closed.resolution_code == "citizen_ended"
    assert closed.transitions[-1].actor == "citizen"
    assert (await sb.chat(user_id))["reply_keyboard"] is None
    await sb.send_text(user_id, "/help")  # back with the bot
    assert (await sb.wait_bot_message(user_id)).from_bot


@pytest.mark.parametrize(("command", "then"), [("/cancel", None), ("/menu", "What can I help"), ("/start", None)])
async def test_cancel_menu_and_start_end_a_chat_with_a_person(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp, command: str, then: str | None
) -> None:
    user_id, handoff_id, _ = await claimed(make_staff, sb, staff_app, f"Cmd{command[1:]}")
    await sb.wait_bot_message(user_id, contains="has joined")
    await sb.send_text(user_id, command)
    await sb.wait_bot_message(user_id, contains="You ended the chat")
    await sb.wait_bot_message(user_id, contains="rate the help")
    if then is not None:
        await sb.wait_bot_message(user_id, contains=then)  # and /menu does what it does
    closed = await services_of(staff_app).repos.handoffs.by_id(handoff_id)
    assert closed is not None and closed.state == HandoffState.CLOSED and closed.resolution_code == "citizen_ended"


async def test_a_chat_nobody_writes_in_ends_by_itself(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_app.settings, "handoff_idle_timeout", 3)
    user_id, handoff_id, ann = await claimed(make_staff, sb, staff_app, "Quiet")
    await sb.wait_bot_message(user_id, contains="has joined")
    ws = await ann.http.ws_connect(f"{ann.base}/staff/h/{handoff_id}/ws?csrf={ann.csrf}", origin=ann.base)
    try:
        await asyncio.sleep(1.5)
        await sb.send_text(user_id, "still there?")  # a message restarts the clock
        await next_event(ws, "message")
        started = time.monotonic()
        ended = await sb.wait_bot_message(user_id, contains="without messages", timeout=15)
        assert time.monotonic() - started >= 2.0
        assert "Ann Agent" in ended.plain_text and ended.reply_markup == {"remove_keyboard": True}
        state = await next_event(ws, "state")
        assert state["state"] == "closed" and state["by"] == "timeout"
    finally:
        await ws.close()
    closed = await services_of(staff_app).repos.handoffs.by_id(handoff_id)
    assert closed is not None and closed.resolution_code == "idle_timeout" and closed.transitions[-1].actor == "system"


# --- a call-back answered in the chat ----------------------------------------------------------------


async def test_a_call_back_with_a_checked_number_is_answered_in_the_chat_and_the_citizen_told_when_closed(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_of(staff_app)
    monkeypatch.setattr(staff_app.settings, "staff_hours", closed_now())
    user = await sb.create_user("Ring", language_code="en")
    offer = await ask_for_person(sb, user)
    assert "answer from" in offer.plain_text
    ref, _ = await callback_with_phone(sb, user, offer, "My plates were not delivered", "13611112222")
    monkeypatch.setattr(staff_app.settings, "staff_hours", "00:00-24:00")
    callback = next(h for h in await services.repos.handoffs.queue() if h.chat_id == user.id)
    assert callback.topic == actions.CALLBACK_TOPIC and callback.context["callback_phone"] == "13611112222"
    assert callback.context["callback_phone_source"] == "verified" and actions.callback_ref(callback) == ref
    assert await services.repos.handoffs.active_for_chat(user.id) is None  # the chat is the bot's meanwhile

    bo = make_staff()
    await bo.sign_in("bo")
    rows = (await (await bo.http.get(f"{bo.base}/staff/api/queue")).json())["queue"]
    row = next(r for r in rows if r["id"] == callback.id)
    assert row["callback"] and row["preview"] == "My plates were not delivered" and row["language_label"] == "English"
    assert (await bo.post(f"/staff/h/{callback.id}/claim")).status == 303
    page = await (await bo.get(f"/staff/h/{callback.id}")).text()
    assert "136****2222" in page and "13611112222" not in page and 'id="text"' in page  # a reply box
    ws = await bo.http.ws_connect(f"{bo.base}/staff/h/{callback.id}/ws?csrf={bo.csrf}", origin=bo.base)
    try:
        await ws.send_json({"type": "send", "text": "Hello, this is about your plates: they leave today."})
        answering = await sb.wait_bot_message(user.id, contains=f"answering your call-back request {ref}")
        assert answering.buttons == [["✖️ End chat"]]
        said = await sb.wait_bot_message(user.id, contains="they leave today")
        assert "Bo 客服" in said.plain_text
        await sb.send_text(user.id, "Thank you! Which courier?")  # now reaches the agent, not the bot
        reply = await next_event(ws, "message")
        while reply.get("role") != "citizen":
            reply = await next_event(ws, "message")
        assert reply["text"] == "Thank you! Which courier?"
    finally:
        await ws.close()
    assert (await bo.post(f"/staff/h/{callback.id}/close", {"resolution": "answered_in_chat"})).status == 303
    closed = await sb.wait_bot_message(user.id, contains=f"Your call-back request {ref} is closed")
    assert "answered you here in the chat" in closed.plain_text
    await sb.wait_bot_message(user.id, contains="rate the help")
    final = await services.repos.handoffs.by_id(callback.id)
    assert final is not None and final.resolution_code == "answered_in_chat" and final.first_response_at is not None
    # Resolution codes of a chat are refused for a call-back, and the other way round.
    assert (await bo.post(f"/staff/h/{callback.id}/close", {"resolution": "information_given"})).status == 400


async def test_a_linked_citizen_is_called_at_the_number_on_file(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_of(staff_app)
    person = DEMO_IDENTITIES[5]
    monkeypatch.setattr(staff_app.settings, "staff_hours", closed_now())
    user = await sb.create_user("Linked", language_code="en")
    await bind_directly(staff_app, user, person.id_number)
    offer = await ask_for_person(sb, user)
    await sb.press_button(user.id, offer.message_id, offer.callback_data_of("📞 Ask for a call back"))
    await sb.wait_bot_message(user.id, contains="Write your message")
    await sb.send_text(user.id, "Please call me after 6 pm")
    done = await sb.wait_bot_message(user.id, contains="Your request is in our queue")
    assert f"{person.phone[:3]}****{person.phone[-4:]}" in done.plain_text
    monkeypatch.setattr(staff_app.settings, "staff_hours", "00:00-24:00")
    callback = next(h for h in await services.repos.handoffs.queue() if h.chat_id == user.id)
    sue = make_staff()
    await sue.sign_in("sue")
    await sue.post(f"/staff/h/{callback.id}/claim")
    assert (await sue.post(f"/staff/h/{callback.id}/close", {"resolution": "called_back"})).status == 303
    told = await sb.wait_bot_message(user.id, contains="is closed")
    assert "we called you" in told.plain_text


# --- the desk ---------------------------------------------------------------------------------------------


async def read_events(response: aiohttp.ClientResponse, want: str, timeout: float = 10.0) -> dict[str, Any]:
    """The next server-sent event named ``want`` (its data)."""
    deadline = time.monotonic() + timeout
    name = ""
    while time.monotonic() < deadline:
        line = (
            await asyncio.wait_for(response.content.readline(), timeout=max(0.1, deadline - time.monotonic()))
        ).decode()
        if line.startswith("event: "):
            name = line[7:].strip()
        elif line.startswith("data: ") and name == want:
            return dict(json.loads(line[6:]))
        elif line == "\n":
            name = ""
    raise TimeoutError(f"no {want!r} event")


async def test_queue_previews_unread_badges_transfer_note_and_the_receiving_agents_alert(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    services = services_of(staff_app)
    ann, bo = make_staff(), make_staff()
    await ann.sign_in("ann")
    await bo.sign_in("bo")
    async with (
        ann.http.get(f"{ann.base}/staff/events") as ann_events,
        bo.http.get(f"{bo.base}/staff/events") as bo_events,
    ):
        assert ann_events.headers["Content-Type"].startswith("text/event-stream")
        user_id, _ = await queue_citizen(sb, "Preview")
        alert = await read_events(ann_events, "alert")
        assert alert["text"] == "A citizen is waiting for a person." and alert["href"] == "/staff/queue"
        await sb.send_text(user_id, "My plate 京A12345 was towed, call 13812345678")
        await sb.wait_bot_message(user_id, contains="Still waiting")
        await read_events(ann_events, "refresh")
        handoff = await services.repos.handoffs.active_for_chat(user_id)
        assert handoff is not None
        rows = (await (await ann.http.get(f"{ann.base}/staff/api/queue")).json())["queue"]
        row = next(r for r in rows if r["id"] == handoff.id)
        assert row["preview"] == "My plate 京A12345 was towed, call 138****5678" and row["unread"] == 1
        assert row["citizen"] == "Preview" and row["language_label"] == "English" and row["topic"] == "(no topic)"

        await ann.post(f"/staff/h/{handoff.id}/claim")
        await sb.wait_bot_message(user_id, contains="has joined")
        await sb.send_text(user_id, "hello?")
        await sb.send_text(user_id, "anyone?")
        await asyncio.sleep(0.5)
        mine = (await (await ann.http.get(f"{ann.base}/staff/api/queue")).json())["mine"]
        assert next(r for r in mine if r["id"] == handoff.id)["unread"] >= 2
        await ann.get(f"/staff/h/{handoff.id}")  # read
        mine = (await (await ann.http.get(f"{ann.base}/staff/api/queue")).json())["mine"]
        assert next(r for r in mine if r["id"] == handoff.id)["unread"] == 0

        moved = await ann.post(
            f"/staff/h/{handoff.id}/transfer", {"to": "bo", "note": "Towed car; wants the pound's address"}
        )
        assert moved.status == 303
        alert = await read_events(bo_events, "alert")
        while "transferred" not in alert["text"]:
            alert = await read_events(bo_events, "alert")
        assert alert == {
            "text": "Ann Agent transferred a conversation to you: “Towed car; wants the pound's address”",
            "href": f"/staff/h/{handoff.id}",
        }
    page = await (await bo.get(f"/staff/h/{handoff.id}")).text()
    assert "Towed car; wants the pound&#39;s address" in page and "for bo (transfer)" in page
    await sb.wait_bot_message(user_id, contains="passed to")
    assert (await bo.post(f"/staff/h/{handoff.id}/close", {"resolution": "resolved"})).status == 303


async def test_supervisors_edit_canned_replies_that_agents_insert(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    sue, ann = make_staff(), make_staff()
    await sue.sign_in("sue")
    await ann.sign_in("ann")
    assert (await ann.get("/staff/canned")).status == 403
    listing = await (await sue.get("/staff/canned")).text()
    assert "/staff/canned/" in listing and "Hello, this is the traffic management bureau" in listing
    shortcut = f"pound{uuid.uuid4().hex[:4]}"
    created = await sue.post(
        "/staff/canned", {"language": "zh", "shortcut": shortcut, "text": "车辆停放在北四环停车场。"}
    )
    assert created.status == 303
    taken = await sue.post("/staff/canned", {"language": "zh", "shortcut": shortcut, "text": "again"})
    assert taken.status == 422
    bad = await sue.post("/staff/canned", {"language": "zh", "shortcut": "Not Valid!", "text": "x"})
    assert bad.status == 422
    reply = next(r for r in await services_of(staff_app).repos.canned.all() if r.shortcut == shortcut)
    edited = await sue.post(
        f"/staff/canned/{reply.id}", {"shortcut": shortcut, "text": "车辆停放在北四环停车场，请带好证件。"}
    )
    assert edited.status == 303
    _, handoff_id, ann2 = await claimed(make_staff, sb, staff_app, "小周", lang="zh-hans")
    page = await (await ann2.get(f"/staff/h/{handoff_id}")).text()
    assert f'data-shortcut="{shortcut}"' in page and "车辆停放在北四环停车场，请带好证件。" in page
    assert "您好，这里是交通管理局" in page and "Hello, this is the traffic" not in page  # the citizen's language
    assert "回复 小周" in page or "Reply to 小周 (in Chinese)" in page
    assert (await sue.post(f"/staff/canned/{reply.id}/delete")).status == 303
    assert (await ann2.post(f"/staff/h/{handoff_id}/close", {"resolution": "resolved"})).status == 303


async def test_the_language_check_and_the_citizen_profile(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    ann = make_staff()
    await ann.sign_in("ann")

    async def check(text: str, target: str) -> dict[str, Any]:
        async with ann.http.get(f"{ann.base}/staff/api/language", params={"text": text, "for": target}) as r:
            return dict(await r.json())

    assert (await check("Your license is ready", "zh"))["differs"] is True
    assert (await check("Your license is ready", "zh"))[
        "warning"
    ] == "This text looks English, but the citizen reads Chinese."
    assert (await check("您的驾驶证已办好", "zh"))["differs"] is False
    assert (await check("京A12345 is parked", "en"))["differs"] is False

    person = DEMO_IDENTITIES[6]
    user = await sb.create_user("Profile", language_code="en")
    await bind_directly(staff_app, user, person.id_number)
    await ask_for_person(sb, user)
    await file_complaint(staff_app, person, description="The traffic light at the corner is broken.")
    page = await ann.get(f"/staff/citizen/{user.id}")
    html = await page.text()
    assert page.status == 200 and person.id_number not in html and person.phone not in html
    assert f"{person.id_number[:6]}********{person.id_number[-4:]}" in html and "Road facilities and signals" in html
    assert "Asked for a person" in html or "(no topic)" in html
    await sb.send_text(user.id, "/cancel")  # leaves the queue as it found it
    await sb.wait_bot_message(user.id, contains="left the queue")


async def test_a_resolution_without_a_text_keeps_the_choice_and_shows_the_error_by_the_field(
    make_staff: Callable[..., StaffClient], staff_app: RunningApp
) -> None:
    complaint = await file_complaint(staff_app, DEMO_IDENTITIES[7], description="Parking on the pavement every night.")
    ann = make_staff()
    await ann.sign_in("ann")
    refused = await ann.post(f"/staff/complaints/{complaint.ticket_id}/status", {"status": "resolved", "text": " "})
    assert refused.status == 422
    html = await refused.text()
    assert '<option value="resolved" selected>' in html and 'id="status-error" role="alert"' in html
    assert "A resolved complaint needs a text for the citizen" in html
    listing = await (await ann.get("/staff/complaints")).text()
    assert complaint.ticket_id in listing and "Answer by" in listing


# --- auto-assignment ----------------------------------------------------------------------------------------


@pytest.fixture
async def assigning_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:  # type: ignore[no-untyped-def]
    """An app of its own (an empty queue) with auto-assignment on, three agents per conversation max."""
    running = await start_app(
        make_settings(
            mongo_db=f"test_assign_{uuid.uuid4().hex[:8]}",
            demo_data=False,
            staff_hours="00:00-24:00",
            handoff_auto_assign=True,
            handoff_agent_capacity=3,
            handoff_max_wait=3600,
        )
    )
    now = datetime.now(UTC)
    for username in ("ada", "ben", "cyd", "sam"):
        role = StaffRole.SUPERVISOR if username == "sam" else StaffRole.AGENT
        with contextlib.suppress(StaffExists):
            await add_staff(
                services_of(running).repos,
                username=username,
                password=PASSWORD,
                role=role,
                display_name=username,
                now=now,
            )
    yield running
    await running.runner.cleanup()


async def said(sb: SandboxClient, chat_id: int, text: str, timeout: float = 10.0) -> None:
    """The bot has said ``text`` in the chat (at any time so far), waiting up to ``timeout``."""
    deadline = time.monotonic() + timeout
    while not any(m.from_bot and text in m.plain_text for m in await sb.messages(chat_id)):
        assert time.monotonic() < deadline, f"the bot never said {text!r} in chat {chat_id}"
        await asyncio.sleep(0.2)


async def test_auto_assignment_spreads_ten_waiting_citizens_over_three_agents_within_capacity(
    assigning_app: RunningApp,
) -> None:
    app, services = assigning_app, services_of(assigning_app)
    clients = [
        StaffClient(app.base_url, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))) for _ in range(4)
    ]
    try:
        for client, name in zip(clients, ("ada", "ben", "cyd", "sam"), strict=True):
            await client.sign_in(name)  # online: a supervisor is never assigned
        async with SandboxClient(app.base_url + "/sandbox") as sb:
            await sb.set_limits(per_chat_rate=20.0)
            users = [await queue_citizen(sb, f"Citizen {n}") for n in range(10)]

            async def settled(expected: int) -> dict[str, int]:
                deadline = time.monotonic() + 20
                while True:
                    load = await services.repos.handoffs.load_by_agent()
                    if sum(load.values()) >= expected or time.monotonic() > deadline:
                        return load
                    await asyncio.sleep(0.3)

            load = await settled(9)
            assert load == {"ada": 3, "ben": 3, "cyd": 3}  # round robin, each at capacity
            waiting = await services.repos.handoffs.queue()
            assert len(waiting) == 1  # the tenth waits for room
            for user_id, _ in users:
                handoff = await services.repos.handoffs.active_for_chat(user_id)
                assert handoff is not None
                if handoff.state == HandoffState.WITH_AGENT:
                    # Said already or soon: an agent assigned at once may join before the queue's
                    # own answer reaches the chat (queue_citizen has then taken "has joined").
                    await said(sb, user_id, "has joined")
            # One agent finishes a conversation: the tenth citizen goes to them.
            ben_first = (await services.repos.handoffs.by_agent("ben"))[0]
            assert (await clients[1].post(f"/staff/h/{ben_first.id}/close", {"resolution": "resolved"})).status == 303
            load = await settled(9)
            deadline = time.monotonic() + 20
            while (await services.repos.handoffs.queue()) and time.monotonic() < deadline:
                await asyncio.sleep(0.3)
            assert await services.repos.handoffs.queue() == []
            assert await services.repos.handoffs.load_by_agent() == {"ada": 3, "ben": 3, "cyd": 3}
    finally:
        for client in clients:
            await client.close()


async def test_a_rejection_reason_in_a_language_the_citizen_does_not_read_is_not_sent_unless_meant(
    make_staff: Callable[..., StaffClient], sb: SandboxClient, staff_app: RunningApp
) -> None:
    services = services_of(staff_app)
    person = DEMO_IDENTITIES[4]
    user = await sb.create_user("陈", language_code="zh-hans")
    await bind_directly(staff_app, user, person.id_number, language="zh")
    review = await request_review(staff_app, person, "我在外地工作，请求审核。")
    ann = make_staff()
    await ann.sign_in("ann")
    page = await (await ann.get("/staff/reviews")).text()
    assert f'id="review-{review.id}"' in page and "Hohhot Vehicle Management Office" in page
    assert "hohhot-vmo" not in page.split("<main", 1)[1].replace(f"/staff/reviews/{review.id}", "")
    refused = await ann.post(f"/staff/reviews/{review.id}/decide", {"decision": "reject", "reason": "Exam not on file"})
    assert refused.status == 303 and "not%20in%20the%20citizen" in refused.headers["Location"]
    stored = await services.repos.elicense.by_id(review.id)
    assert stored is not None and stored.status.value == "pending"
    meant = await ann.post(
        f"/staff/reviews/{review.id}/decide", {"decision": "reject", "reason": "体检结果未在系统中", "any_language": ""}
    )
    assert meant.status == 303
    stored = await services.repos.elicense.by_id(review.id)
    assert stored is not None and stored.status.value == "rejected" and stored.decision_reason == "体检结果未在系统中"
