"""Move my car (一键挪车) through the sandbox with two citizens at once: the requester files a
request (plate, place, photos, reason), the owner is notified through the push pipeline with the
place and the photos, answers "coming", and the requester is told. An unknown plate is answered
exactly like a known one whose owner cannot be reached; the monthly quota and the block after
abuse reports; bad input (a plate with I or O, no photo, a file or a sticker instead of a photo).
Staff lifting a block: tests/staff/test_move_car_console.py."""

from __future__ import annotations

import asyncio
import random

import pytest

from actions import move_car
from bot.middlewares.context import remember_language
from core.identifiers import normalize_plate
from core.language import Language
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import Citizen, NotificationPreferences, NotificationType
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, bind_directly, services_of
from tests.e2e.helpers import open_feature, press

pytestmark = pytest.mark.e2e

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + b"\x08" * 64 + b"\xff\xd9"
DEMO_IDS = {d.id_number for d in DEMO_IDENTITIES}
BUSINESS = {"en": "📝 Business handling", "zh": "📝 业务办理"}
TITLE = {"en": "🚗 Move my car", "zh": "🚗 一键挪车"}


async def _unbound_people(app: RunningApp, n: int, *, with_vehicle: bool) -> list[str]:
    """``n`` seeded people nobody linked yet (not demo identities): each test takes its own."""
    services = services_of(app)
    if with_vehicle:
        docs = await services.repos.vehicles.collection.find({}, projection={"owner_id_number": 1}).to_list()
        ids = list(dict.fromkeys(d["owner_id_number"] for d in docs))
    else:
        ids = [d["_id"] for d in await services.repos.citizens.collection.find({}, projection={"_id": 1}).to_list()]
    random.shuffle(ids)
    found: list[str] = []
    for id_number in ids:
        if id_number in DEMO_IDS:
            continue
        person = await services.repos.citizens.by_id_number(id_number)
        if person is not None and person.telegram is None:
            found.append(id_number)
            if len(found) == n:
                return found
    raise AssertionError("not enough unbound people in the demo data")


async def _plate_of(app: RunningApp, id_number: str) -> str:
    return (await services_of(app).repos.vehicles.by_owner(id_number))[0].plate


async def _person(sb: SandboxClient, app: RunningApp, id_number: str, lang: str) -> SandboxUser:
    """A sandbox user linked to ``id_number`` with move-my-car notifications on (no quiet hours)."""
    user = await sb.create_user("Tester", language_code="zh-hans" if lang == "zh" else "en")
    await bind_directly(app, user, id_number, language=lang, notifications=True)
    services = services_of(app)
    # Only this feature's notifications: a seeded reminder must not arrive in the middle of a dialogue.
    others = [
        k for k in NotificationType if k not in (NotificationType.MOVE_CAR_REQUEST, NotificationType.MOVE_CAR_ANSWER)
    ]
    await services.repos.citizens.set_preferences(
        user.id, NotificationPreferences(quiet_hours=False, disabled_types=others)
    )
    await remember_language(services, user.id, Language(lang))
    return user


async def press_for(
    sb: SandboxClient, user: SandboxUser, message: ChatMessage, label: str, contains: str
) -> ChatMessage:
    """Press ``label`` under ``message``: the next bot message containing ``contains`` (edits skipped)."""
    await sb.press_button(user.id, message.message_id, message.callback_data_of(label))
    return await sb.wait_bot_message(user.id, contains=contains)


async def _fill(sb: SandboxClient, user: SandboxUser, plate: str, lang: str) -> ChatMessage:
    """Open the feature and fill the form up to its summary (a typed place, one photo, a preset reason)."""
    asked = await open_feature(sb, user, BUSINESS[lang], TITLE[lang])
    assert ("plate" in asked.plain_text) or ("车牌" in asked.plain_text), asked.plain_text
    await sb.send_text(user.id, plate)
    await sb.wait_bot_message(user.id, contains="📍")
    await sb.send_text(user.id, "Jianguo Rd 88, car park B2" if lang == "en" else "建国路88号地下车库B2")
    await sb.wait_bot_message(user.id, contains="3")  # "send 1 to 3 photos"
    await sb.send_photo(user.id, JPEG)
    kept = await sb.wait_bot_message(user.id, contains="1")
    en = lang == "en"
    reason = await press_for(sb, user, kept, "✅ Done" if en else "✅ 完成", "Why" if en else "为什么")
    label = "It blocks my garage or parking space" if en else "挡住了我的车库或车位"
    return await press_for(sb, user, reason, label, "Send it to the owner?" if en else "确认通知车主吗")


async def _submit(sb: SandboxClient, user: SandboxUser, summary: ChatMessage, lang: str) -> ChatMessage:
    label = "📨 Send the request" if lang == "en" else "📨 发送请求"
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of(label))
    return await sb.wait_bot_message(user.id, contains="✅")


async def _notifications(app: RunningApp, id_number: str, kind: NotificationType) -> int:
    return await services_of(app).repos.notifications.collection.count_documents(
        {"citizen_id_number": id_number, "type": kind.value}
    )


async def test_owner_notified_answers_coming_and_requester_sees_it(sb: SandboxClient, app: RunningApp) -> None:
    owner_id, requester_id = await _unbound_people(app, 2, with_vehicle=True)
    plate = await _plate_of(app, owner_id)
    owner, requester = await asyncio.gather(_person(sb, app, owner_id, "zh"), _person(sb, app, requester_id, "en"))
    services = services_of(app)
    requester_record = await services.repos.citizens.by_id_number(requester_id)
    owner_record = await services.repos.citizens.by_id_number(owner_id)
    assert requester_record is not None and owner_record is not None

    asked = await open_feature(sb, requester, BUSINESS["en"], TITLE["en"])
    assert "Requests left this month: 5 of 5" in asked.plain_text
    # A plate with I or O is refused with an example.
    await sb.send_text(requester.id, plate[:2] + "1234I")
    refused = await sb.wait_bot_message(requester.id)
    assert "I and O are not used" in refused.plain_text and "京A12345" in refused.plain_text
    await sb.send_text(requester.id, f" {plate[:2]}·{plate[2:].lower()} ")  # normalised as everywhere
    await sb.wait_bot_message(requester.id, contains="Share my location")
    await sb.send_location(requester.id, 39.9087, 116.3975)
    await sb.wait_bot_message(requester.id, contains="1 to 3 photos")
    # No photo yet, a file, a sticker: each refused, the form stays.
    await sb.send_text(requester.id, "done")
    assert "At least one photo" in (await sb.wait_bot_message(requester.id)).plain_text
    await sb.send_document(requester.id, b"%PDF-1.4 not a picture", "note.pdf", content_type="application/pdf")
    assert "That is not a photo" in (await sb.wait_bot_message(requester.id)).plain_text
    await sb.send_sticker(requester.id)
    assert "That is not a photo" in (await sb.wait_bot_message(requester.id)).plain_text
    await sb.send_photo(requester.id, JPEG)
    assert "Photo 1 of 3 kept" in (await sb.wait_bot_message(requester.id)).plain_text
    await sb.send_photo(requester.id, JPEG)
    kept = await sb.wait_bot_message(requester.id, contains="Photo 2 of 3 kept")
    reason = await press_for(sb, requester, kept, "✅ Done", "Why does it need to be moved?")
    summary = await press_for(sb, requester, reason, "It blocks my way out", "Send it to the owner?")
    assert (
        plate in summary.plain_text and "Photos: 2" in summary.plain_text and "location 39.90870" in summary.plain_text
    )
    # Send pressed twice (both reach the bot): one request, one notification, told twice.
    send = summary.callback_data_of("📨 Send the request")
    await asyncio.gather(
        sb.press_button(requester.id, summary.message_id, send),
        sb.press_button(requester.id, summary.message_id, send),
    )
    sent = await sb.wait_bot_message(requester.id, contains="has been notified")
    again = await sb.wait_bot_message(requester.id, contains="has been notified")
    assert plate in sent.plain_text and ["already" in m.plain_text for m in (sent, again)].count(True) == 1

    # The owner, in Chinese, through the push pipeline: place, reason, photos; no name, no phone.
    note = await sb.wait_bot_message(owner.id, contains="请挪动您的车辆", timeout=20)
    assert plate in note.plain_text and "39.90870" in note.plain_text and "挡住了我的出路" in note.plain_text
    assert "照片：2 张" in note.plain_text
    for secret in (requester_record.name, requester_record.phone or "", requester_id):
        assert not secret or secret not in note.plain_text
    photos = await press(sb, owner, note, "📷 查看照片")
    assert "📷 1/2" in photos.plain_text
    await sb.wait_bot_message(owner.id, contains="📷 2/2")
    await sb.press_button(owner.id, note.message_id, note.callback_data_of("🚶 马上来"))
    thanks = await sb.wait_bot_message(owner.id, contains="谢谢")
    assert plate in thanks.plain_text

    told = await sb.wait_bot_message(requester.id, contains="is coming to move it", timeout=20)
    for secret in (owner_record.name, owner_record.phone or "", owner_id):
        assert not secret or secret not in told.plain_text
    status = await press_for(sb, requester, told, "🔄 Status", "the owner is coming")
    assert "the owner is coming" in status.plain_text

    stored = await services.repos.move_requests.collection.find({"requester_id_number": requester_id}).to_list()
    assert len(stored) == 1 and stored[0]["state"] == "coming"
    assert await _notifications(app, owner_id, NotificationType.MOVE_CAR_REQUEST) == 1
    assert await _notifications(app, requester_id, NotificationType.MOVE_CAR_ANSWER) == 1
    # The answer's buttons are gone; the same answer replayed changes nothing and tells nothing twice.
    replayed = await move_car.answer(services, owner_record, stored[0]["_id"], "not_mine")
    assert replayed.outcome == move_car.AnswerOutcome.ALREADY
    assert await _notifications(app, requester_id, NotificationType.MOVE_CAR_ANSWER) == 1


async def test_renotify_only_after_the_wait(sb: SandboxClient, app: RunningApp) -> None:
    owner_id, requester_id = await _unbound_people(app, 2, with_vehicle=True)
    plate = await _plate_of(app, owner_id)
    owner, requester = await asyncio.gather(_person(sb, app, owner_id, "en"), _person(sb, app, requester_id, "en"))
    sent = await _submit(sb, requester, await _fill(sb, requester, plate, "en"), "en")
    await sb.wait_bot_message(owner.id, contains="Please move your vehicle", timeout=20)
    early = await press(sb, requester, sent, "🔔 Notify again")
    assert "You can notify the owner again in 10 minutes" in early.plain_text
    services = services_of(app)
    stored = await services.repos.move_requests.collection.find_one({"requester_id_number": requester_id})
    assert stored is not None
    await services.repos.move_requests.collection.update_one(
        {"_id": stored["_id"]}, {"$set": {"notified_at": stored["notified_at"].replace(year=2020)}}
    )
    again = await press(sb, requester, sent, "🔔 Notify again")
    assert "notified again" in again.plain_text
    await sb.wait_bot_message(owner.id, contains="Reminder: please move your vehicle", timeout=20)
    # Pressed again at once (or the update replayed): no third notification.
    assert "You can notify the owner again" in (await press(sb, requester, sent, "🔔 Notify again")).plain_text
    assert await _notifications(app, owner_id, NotificationType.MOVE_CAR_REQUEST) == 2


async def _unknown_plate(app: RunningApp) -> str:
    services = services_of(app)
    while True:
        plate = normalize_plate(f"京B{random.randrange(10**5):05d}")
        assert plate is not None
        if await services.repos.vehicles.by_plate(plate) is None:
            return plate


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_unknown_plate_answered_like_an_unreachable_known_one(
    sb: SandboxClient, app: RunningApp, lang: str
) -> None:
    (requester_id,) = await _unbound_people(app, 1, with_vehicle=False)
    (unlinked_owner,) = await _unbound_people(app, 1, with_vehicle=True)  # exists, nobody linked
    known = await _plate_of(app, unlinked_owner)
    unknown = await _unknown_plate(app)
    requester = await _person(sb, app, requester_id, lang)
    answers = []
    for plate in (known, unknown):
        answer = await _submit(sb, requester, await _fill(sb, requester, plate, lang), lang)
        assert "122" in answer.plain_text
        answers.append((answer.plain_text.replace(plate, "<plate>"), answer.buttons))
    assert answers[0] == answers[1]
    stored = await services_of(app).repos.move_requests.collection.find({"requester_id_number": requester_id}).to_list()
    assert sorted(d["plate"] for d in stored) == sorted([known, unknown])
    assert {d["state"] for d in stored} == {"unreachable"}


async def _file_directly(app: RunningApp, requester: Citizen, plate: str) -> move_car.Filed:
    return await move_car.file(
        services_of(app),
        requester,
        plate=plate,
        place_text="Jianguo Rd 88",
        location=None,
        photos=["file-1"],
        reason="preset:exit",
    )


async def test_monthly_quota(sb: SandboxClient, app: RunningApp) -> None:
    (requester_id,) = await _unbound_people(app, 1, with_vehicle=False)
    requester = await _person(sb, app, requester_id, "en")
    record = await services_of(app).repos.citizens.by_id_number(requester_id)
    assert record is not None
    for _ in range(app.settings.move_car_per_month):
        filed = await _file_directly(app, record, await _unknown_plate(app))
        assert filed.request is not None
    refused = await open_feature(sb, requester, BUSINESS["en"], TITLE["en"])
    assert "the most move-my-car requests allowed this month (5)" in refused.plain_text
    filed = await _file_directly(app, record, await _unknown_plate(app))
    assert filed.request is None and filed.refusal == move_car.Refusal.QUOTA


async def test_blocked_after_three_abuse_reports(sb: SandboxClient, app: RunningApp) -> None:
    owner_id, requester_id = await _unbound_people(app, 2, with_vehicle=True)
    plate = await _plate_of(app, owner_id)
    owner, requester = await asyncio.gather(_person(sb, app, owner_id, "en"), _person(sb, app, requester_id, "zh"))
    services = services_of(app)
    owner_record = await services.repos.citizens.by_id_number(owner_id)
    record = await services.repos.citizens.by_id_number(requester_id)
    assert owner_record is not None and record is not None
    for n in range(app.settings.move_car_block_after):
        filed = await _file_directly(app, record, plate)
        assert filed.request is not None and filed.request.recipients == [owner_id]
        note = await sb.wait_bot_message(owner.id, contains="Please move your vehicle", timeout=20)
        await sb.press_button(owner.id, note.message_id, note.callback_data_of("⚠️ Report abuse"))
        await sb.wait_bot_message(owner.id, contains="the report is recorded")
        # The requester is told only "not their vehicle", never that they were reported.
        told = await sb.wait_bot_message(requester.id, contains="不是他的车", timeout=20)
        assert "举报" not in told.plain_text
        blocked = await services.repos.move_requesters.by_id_number(requester_id)
        assert blocked is not None and blocked.blocked == (n + 1 >= app.settings.move_car_block_after)
    refused = await open_feature(sb, requester, BUSINESS["zh"], TITLE["zh"])
    assert "您暂时不能使用一键挪车" in refused.plain_text
    filed = await _file_directly(app, record, plate)
    assert filed.request is None and filed.refusal == move_car.Refusal.BLOCKED
