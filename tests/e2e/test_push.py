"""Push notifications end to end: a signed back-office event in -> the right message, in the
citizen's language, with the right buttons, through the app's own push worker and the sandbox.
Also Telegram's failure answers (429, 403, 400, 500) injected by the sandbox."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from bot.ui.callbacks import GoCb
from core.config import Settings
from push.events import signed_headers
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import (
    ComplaintStatus,
    ELicenseReview,
    Notification,
    NotificationPreferences,
    NotificationState,
    NotificationType,
)
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of

pytestmark = pytest.mark.e2e

KEY, SECRET = "dmv", "s3cret-for-tests"
ZHANG = DEMO_IDENTITIES[0].id_number  # two cars, violations


@pytest.fixture(scope="module")
async def push_app(make_settings: Callable[..., Settings], start_app) -> AsyncIterator[RunningApp]:
    running = await start_app(
        make_settings(
            events_api_keys={KEY: SECRET},
            push_backoff_base=0.3,
            push_max_attempts=3,
            push_sweep_interval=0.5,
            push_claim_timeout=5,
        )
    )
    yield running
    await running.runner.cleanup()


@pytest.fixture
async def sb(push_app: RunningApp) -> AsyncIterator[SandboxClient]:
    client = SandboxClient(push_app.base_url + "/sandbox")
    yield client
    await client.clear_faults()
    await client.close()


async def post_event(app: RunningApp, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body = json.dumps(event).encode()
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            app.base_url + "/api/v1/events",
            data=body,
            headers={**signed_headers(KEY, SECRET, body), "Content-Type": "application/json"},
        ) as r,
    ):
        return r.status, await r.json()


async def citizen_user(app: RunningApp, sb: SandboxClient, id_number: str, lang: str) -> SandboxUser:
    user = await sb.create_user("Ann" if lang == "en" else "李", language_code="en" if lang == "en" else "zh-hans")
    await bind_directly(app, user, id_number, language=lang, notifications=True)
    services = services_of(app)
    # No quiet hours here (the test may run at night in Shanghai); they have their own test.
    await services.repos.citizens.set_preferences(user.id, NotificationPreferences(quiet_hours=False))
    return user


def callbacks(message: ChatMessage) -> list[str]:
    return [b["callback_data"] for row in message.inline_buttons for b in row if "callback_data" in b]


def eid() -> str:
    return f"e-{uuid.uuid4().hex}"


async def wait_state(
    app: RunningApp, notification_id: str, states: set[NotificationState], timeout: float = 15.0
) -> Notification:
    repos = services_of(app).repos.notifications
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await repos.by_id(notification_id)
        if found is not None and found.state in states:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"notification {notification_id} is {found.state if found else None}")
        await asyncio.sleep(0.1)


async def notification_of(app: RunningApp, dedupe_key: str) -> Notification:
    doc = await services_of(app).repos.notifications.collection.find_one({"dedupe_key": dedupe_key})
    assert doc is not None, dedupe_key
    return Notification.from_doc(doc)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_license_mailed_arrives_in_the_citizens_language_with_a_tracking_button(
    push_app: RunningApp, sb: SandboxClient, lang: str
) -> None:
    user = await citizen_user(push_app, sb, ZHANG, lang)
    event = {
        "event_id": eid(),
        "type": "license_mailed",
        "id_number": ZHANG,
        "courier": "EMS",
        "tracking_number": "EA123456789CN",
        "mailed_at": datetime.now(UTC).isoformat(),
    }
    status, answer = await post_event(push_app, event)
    assert status == 202 and answer["status"] == "accepted" and answer["notified"] == 1
    expected = (
        "Your new driver's license was mailed today, EMS EA123456789CN"
        if lang == "en"
        else "您的新驾驶证已今天寄出，EMS EA123456789CN"
    )
    message = await sb.wait_bot_message(user.id, timeout=15, contains=expected)
    assert expected in message.plain_text
    delivery = await services_of(push_app).repos.deliveries.by_tracking_number("EA123456789CN")
    assert delivery is not None and delivery.stage.value == "mailed"
    assert GoCb(feature="delivery_view", arg=delivery.id).pack() in callbacks(message)
    stored = await notification_of(push_app, f"event:{KEY}:{event['event_id']}")
    sent = await wait_state(push_app, stored.id, {NotificationState.SENT})
    assert sent.telegram_message_id == message.message_id


@pytest.mark.parametrize(
    ("stage", "en", "zh"),
    [
        ("approved", "was approved", "已审核通过"),
        ("out_for_delivery", "are out for delivery today, SF SF1234567890123", "今天派送，SF SF1234567890123"),
        ("delivered", "were delivered", "已送达"),
    ],
)
async def test_plate_delivery_stages(push_app: RunningApp, sb: SandboxClient, stage: str, en: str, zh: str) -> None:
    services = services_of(push_app)
    plate = (await services.repos.vehicles.by_owner(ZHANG))[0].plate
    for lang, text in (("en", en), ("zh", zh)):
        user = await citizen_user(push_app, sb, ZHANG, lang)
        event: dict[str, Any] = {
            "event_id": eid(),
            "type": "plate_delivery",
            "id_number": ZHANG,
            "stage": stage,
            "plate": plate,
        }
        if stage == "out_for_delivery":
            event.update(courier="SF", tracking_number="SF1234567890123")
        await services.repos.deliveries.collection.delete_many({"citizen_id_number": ZHANG, "kind": "plate_delivery"})
        status, answer = await post_event(push_app, event)
        assert status == 202, answer
        message = await sb.wait_bot_message(user.id, timeout=15, contains=text)
        assert text in message.plain_text and plate in message.plain_text
        assert any(c.startswith("go:delivery_view:") for c in callbacks(message))


async def test_license_delivered(push_app: RunningApp, sb: SandboxClient) -> None:
    user = await citizen_user(push_app, sb, ZHANG, "en")
    status, _ = await post_event(
        push_app,
        {
            "event_id": eid(),
            "type": "license_delivered",
            "id_number": ZHANG,
            "delivered_at": datetime.now(UTC).isoformat(),
            "tracking_number": "EA123456789CN",
            "courier": "EMS",
        },
    )
    assert status == 202
    message = await sb.wait_bot_message(user.id, timeout=15, contains="delivered")
    assert "Your new driver's license was delivered (EMS EA123456789CN)" in message.plain_text


@pytest.mark.parametrize(
    ("approved", "lang", "text", "button"),
    [
        (True, "en", "your electronic driver's license is issued", GoCb(feature="elicense_show").pack()),
        (False, "zh", "未通过您的电子驾驶证申请。原因：照片不清晰", GoCb(feature="elicense_check").pack()),
    ],
)
async def test_elicense_review_decided(
    push_app: RunningApp, sb: SandboxClient, approved: bool, lang: str, text: str, button: str
) -> None:
    services = services_of(push_app)
    person = DEMO_IDENTITIES[6].id_number
    lic = await services.repos.licenses.by_id_number(person)
    assert lic is not None
    await services.repos.elicense.collection.delete_many({"citizen_id_number": person})
    review = ELicenseReview(
        citizen_id_number=person,
        issuing_office=lic.issuing_office,
        reason="special case",
        requested_at=datetime.now(UTC),
    )
    await services.repos.elicense.request_review(review)
    user = await citizen_user(push_app, sb, person, lang)
    event: dict[str, Any] = {
        "event_id": eid(),
        "type": "elicense_review_decided",
        "review_id": review.id,
        "approved": approved,
    }
    if not approved:
        event["reason"] = "照片不清晰"
    status, answer = await post_event(push_app, event)
    assert status == 202 and answer["notified"] == 1
    message = await sb.wait_bot_message(user.id, timeout=15, contains=text)
    assert button in callbacks(message)


@pytest.mark.parametrize(
    ("status_", "lang", "text"),
    [
        ("in_progress", "en", "being handled"),
        ("resolved", "zh", "已办结"),
    ],
)
async def test_complaint_updated(push_app: RunningApp, sb: SandboxClient, status_: str, lang: str, text: str) -> None:
    services = services_of(push_app)
    doc = await services.repos.complaints.collection.find_one({"rating": None})  # resolving asks for a rating once
    assert doc is not None, "the demo data has complaints not rated yet"
    ticket, person = doc["_id"], doc["citizen_id_number"]
    await services.repos.complaints.change_status(
        ticket, ComplaintStatus.ACKNOWLEDGED, actor="test", now=datetime.now(UTC)
    )
    user = await citizen_user(push_app, sb, person, lang)
    status, _ = await post_event(
        push_app,
        {
            "event_id": eid(),
            "type": "complaint_updated",
            "ticket_id": ticket,
            "status": status_,
            "text": "Signal timing <fixed>",
        },
    )
    assert status == 202
    message = await sb.wait_bot_message(user.id, timeout=15, contains=ticket)
    assert text in message.plain_text
    assert "Signal timing <fixed>" in message.plain_text  # escaped, shown as typed
    datas = callbacks(message)
    assert GoCb(feature="complaint_view", arg=ticket).pack() in datas
    if status_ == "resolved":
        assert GoCb(feature="complaint_rate", arg=ticket).pack() in datas
    stored = await services.repos.complaints.by_ticket(ticket)
    assert stored is not None and stored.status.value == status_


async def test_violation_recorded_goes_to_the_owner(push_app: RunningApp, sb: SandboxClient) -> None:
    services = services_of(push_app)
    plate = (await services.repos.vehicles.by_owner(ZHANG))[0].plate
    user = await citizen_user(push_app, sb, ZHANG, "zh")
    event = {
        "event_id": eid(),
        "type": "violation_recorded",
        "plate": plate,
        "occurred_at": "2026-11-20T08:30:00+08:00",
        "place": {"en": "Chang'an Ave", "zh": "长安街"},
        "code": "1352",
        "behaviour": {"en": "Running a red light", "zh": "闯红灯"},
        "fine_yuan": 200,
        "points": 6,
        "source": "camera",
    }
    status, _ = await post_event(push_app, event)
    assert status == 202
    message = await sb.wait_bot_message(user.id, timeout=15, contains="违法记录")
    assert f"{plate} 新增一条违法记录：闯红灯，长安街，2026年11月20日 08:30。罚款 200 元，记 6 分" in message.plain_text
    assert await services.repos.violations.by_id(f"{KEY}:{event['event_id']}") is not None


async def test_unbound_person_gets_it_after_binding(push_app: RunningApp, sb: SandboxClient) -> None:
    services = services_of(push_app)
    person = DEMO_IDENTITIES[5].id_number
    existing = await services.repos.citizens.by_id_number(person)
    assert existing is not None
    if existing.telegram is not None:
        await services.repos.citizens.unbind(existing.telegram.user_id)
    event = {
        "event_id": eid(),
        "type": "license_mailed",
        "id_number": person,
        "courier": "SF",
        "tracking_number": "SF1234567890999",
        "mailed_at": datetime.now(UTC).isoformat(),
    }
    assert (await post_event(push_app, event))[0] == 202
    stored = await notification_of(push_app, f"event:{KEY}:{event['event_id']}")
    await wait_state(push_app, stored.id, {NotificationState.PENDING})
    await asyncio.sleep(1.0)
    held = await services.repos.notifications.by_id(stored.id)
    assert held is not None and held.state == NotificationState.PENDING and held.not_before is not None
    user = await citizen_user(push_app, sb, person, "en")  # binds; the sweep releases it
    message = await sb.wait_bot_message(user.id, timeout=20, contains="SF1234567890999")
    assert "SF SF1234567890999" in message.plain_text


async def test_opted_out_type_is_not_sent(push_app: RunningApp, sb: SandboxClient) -> None:
    services = services_of(push_app)
    user = await citizen_user(push_app, sb, ZHANG, "en")
    await services.repos.citizens.set_preferences(
        user.id, NotificationPreferences(quiet_hours=False, disabled_types=[NotificationType.LICENSE_MAILED])
    )
    event = {
        "event_id": eid(),
        "type": "license_mailed",
        "id_number": ZHANG,
        "courier": "EMS",
        "tracking_number": "EA000000001CN",
        "mailed_at": datetime.now(UTC).isoformat(),
    }
    await post_event(push_app, event)
    stored = await notification_of(push_app, f"event:{KEY}:{event['event_id']}")
    done = await wait_state(push_app, stored.id, {NotificationState.DEAD, NotificationState.SENT})
    assert done.state == NotificationState.DEAD and done.last_error == "opted_out"
    assert not [m for m in await sb.messages(user.id) if m.text and "EA000000001CN" in m.text]


async def _mailed(push_app: RunningApp, tracking: str) -> Notification:
    event = {
        "event_id": eid(),
        "type": "license_mailed",
        "id_number": ZHANG,
        "courier": "EMS",
        "tracking_number": tracking,
        "mailed_at": datetime.now(UTC).isoformat(),
    }
    assert (await post_event(push_app, event))[0] == 202
    return await notification_of(push_app, f"event:{KEY}:{event['event_id']}")


async def test_429_pauses_and_the_message_still_arrives_once(push_app: RunningApp, sb: SandboxClient) -> None:
    user = await citizen_user(push_app, sb, ZHANG, "en")
    await sb.inject_fault("sendMessage", status=429, retry_after=1, chat_id=user.id)
    stored = await _mailed(push_app, "EA000000429CN")
    await sb.wait_bot_message(user.id, timeout=15, contains="EA000000429CN")
    sent = await wait_state(push_app, stored.id, {NotificationState.SENT})
    assert sent.attempts == 1  # a refused call is not an attempt
    texts = [m.text for m in await sb.messages(user.id) if m.text and "EA000000429CN" in m.text]
    assert len(texts) == 1


@pytest.mark.parametrize(
    ("status", "description", "reason"),
    [
        (403, "Forbidden: bot was blocked by the user", "blocked"),
        (400, "chat not found", "chat_not_found"),
    ],
)
async def test_403_and_400_mark_the_citizen_unreachable(
    push_app: RunningApp, sb: SandboxClient, status: int, description: str, reason: str
) -> None:
    services = services_of(push_app)
    user = await citizen_user(push_app, sb, ZHANG, "en")
    await sb.inject_fault("sendMessage", status=status, description=description, chat_id=user.id)
    stored = await _mailed(push_app, f"EA000000{status}CN")
    dead = await wait_state(push_app, stored.id, {NotificationState.DEAD})
    assert dead.last_error is not None and dead.last_error.startswith("unreachable")
    citizen = await services.repos.citizens.by_id_number(ZHANG)
    assert citizen is not None and citizen.telegram is not None
    assert citizen.telegram.unreachable and citizen.telegram.unreachable_reason == reason
    later = await _mailed(push_app, f"EA000001{status}CN")  # nothing more is sent to them
    dead = await wait_state(push_app, later.id, {NotificationState.DEAD})
    assert dead.attempts == 0
    await services.repos.citizens.mark_reachable(user.id)


async def test_500_is_retried_with_backoff_then_delivered(push_app: RunningApp, sb: SandboxClient) -> None:
    user = await citizen_user(push_app, sb, ZHANG, "en")
    await sb.inject_fault("sendMessage", status=500, count=1, chat_id=user.id)
    stored = await _mailed(push_app, "EA000000500CN")
    await sb.wait_bot_message(user.id, timeout=20, contains="EA000000500CN")
    sent = await wait_state(push_app, stored.id, {NotificationState.SENT})
    assert sent.attempts == 2


async def test_500_until_the_limit_is_a_dead_letter(push_app: RunningApp, sb: SandboxClient) -> None:
    user = await citizen_user(push_app, sb, ZHANG, "en")
    await sb.inject_fault("sendMessage", status=502, count=10, chat_id=user.id)
    stored = await _mailed(push_app, "EA000000502CN")
    dead = await wait_state(push_app, stored.id, {NotificationState.DEAD}, timeout=30)
    assert dead.attempts == 3 and dead.last_error is not None and "gave up after 3 attempts" in dead.last_error
    await sb.clear_faults()


async def test_notifications_preferences_menu(push_app: RunningApp, sb: SandboxClient) -> None:
    user = await citizen_user(push_app, sb, ZHANG, "en")
    await sb.send_text(user.id, "/notifications")
    menu = await sb.wait_bot_message(user.id, contains="Press a type")
    assert "Notifications" in menu.plain_text and "Quiet hours are off" in menu.plain_text
    await sb.press_button(user.id, menu.message_id, menu.callback_data_of("✅ License mailed"))
    edited = await sb.wait_bot_message(user.id, contains="Press a type")
    assert any("🚫 License mailed" in b for row in edited.buttons for b in row)
    await sb.press_button(user.id, menu.message_id, edited.callback_data_of("🌙 Quiet hours: off"))
    edited = await sb.wait_bot_message(user.id, contains="Press a type")
    assert "Quiet hours are on" in edited.plain_text
    citizen = await services_of(push_app).repos.citizens.by_telegram_user(user.id)
    assert citizen is not None and citizen.telegram is not None
    prefs = citizen.telegram.preferences
    assert prefs.quiet_hours and not prefs.wants(NotificationType.LICENSE_MAILED)


async def test_notifications_menu_in_chinese(push_app: RunningApp, sb: SandboxClient) -> None:
    user = await citizen_user(push_app, sb, ZHANG, "zh")
    await sb.send_text(user.id, "/notifications")
    menu = await sb.wait_bot_message(user.id, contains="点击类型")
    assert "消息通知" in menu.plain_text and "免打扰已关闭" in menu.plain_text
    assert any("✅ 驾驶证寄出" in b for row in menu.buttons for b in row)
