"""Appealing a violation through the sandbox: how it works even before linking (and the request
resumes after linking), choosing the violation, reason and photos, submitted once however often
Submit is pressed, told in the violations list; someone else's violation reads as unknown.
Staff decisions in the console: tests/browser/test_appeals_browser.py."""

from __future__ import annotations

import asyncio
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from actions.appeals import candidates
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import AppealState, Bilingual, Citizen, Violation, ViolationSource
from storage.seed import DEMO_IDENTITIES, study_and_appeal_demo
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import citizen, open_feature, press

pytestmark = pytest.mark.e2e

# The demo's appellant (README): his violations are this module's, so no other test's (paying
# 张伟's fines, say) meets one of them under appeal.
_, APPELLANT = study_and_appeal_demo()

JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + b"\x08" * 64 + b"\xff\xd9"
REASON_EN = "My car was in my company's underground garage all evening; the plate in the photo is not mine."


async def fresh_violation(app: RunningApp, id_number: str, days: int = 4) -> Violation:
    """A new unprocessed parking violation on the citizen's first car (recent: listed among the first),
    at a street number of its own."""
    services = services_of(app)
    number = secrets.randbelow(9000) + 1000
    car = (await services.repos.vehicles.by_owner(id_number))[0]
    v = Violation(
        plate=car.plate,
        occurred_at=datetime.now(UTC) - timedelta(hours=days),
        place=Bilingual(en=f"{number} Station Rd", zh=f"车站路{number}号"),
        code="1039",
        behaviour=Bilingual(en="Parking where it is not allowed", zh="违反规定停放"),
        fine_yuan=200,
        points=0,
        source=ViolationSource.CAMERA,
        recorded_by="CAM-TEST-001",
    )
    await services.repos.violations.insert(v)
    return v


async def _citizen_record(app: RunningApp, id_number: str) -> Citizen:
    found = await services_of(app).repos.citizens.by_id_number(id_number)
    assert found is not None
    return found


async def press_for(
    sb: SandboxClient, user: SandboxUser, message: ChatMessage, label: str, contains: str
) -> ChatMessage:
    """Press ``label`` under ``message``: the next bot message containing ``contains`` (edits on the way skipped)."""
    await sb.press_button(user.id, message.message_id, message.callback_data_of(label))
    return await sb.wait_bot_message(user.id, contains=contains)


async def _pick(
    sb: SandboxClient, user: SandboxUser, listing: ChatMessage, place: str, contains: str = ""
) -> ChatMessage:
    """Press the "Appeal no. n" button of the listed violation at ``place``."""
    line = next((line for line in listing.plain_text.splitlines() if place in line), None)
    assert line is not None, listing.plain_text
    n = line.split(".", 1)[0].strip()
    label = next(b for row in listing.buttons for b in row if f"Appeal no. {n} " in b or f"申诉第{n}条" in b)
    return await press_for(sb, user, listing, label, contains or place)


async def test_appeal_filed_once_with_a_photo_in_english(sb: SandboxClient, app: RunningApp) -> None:
    owner = APPELLANT
    v = await fresh_violation(app, owner.id_number)
    user = await citizen(sb, app, owner.id_number, "en")
    listing = await open_feature(sb, user, "📝 Business handling", "⚖️ Appeal a violation")
    assert (
        "How to appeal a violation" in listing.plain_text and "Choose the violation you dispute" in listing.plain_text
    )
    asked = await _pick(sb, user, listing, v.place.en, contains="You are appealing")
    assert "You are appealing this violation" in asked.plain_text and v.place.en in asked.plain_text
    await sb.send_text(user.id, "not me")
    assert "at least 10 characters" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, REASON_EN)
    assert "up to 5 photos" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_photo(user.id, JPEG)
    kept = await sb.wait_bot_message(user.id)
    assert "Photo 1 of 5 kept" in kept.plain_text
    summary = await press_for(sb, user, kept, "✅ Done", "Submit it?")
    assert "Your appeal" in summary.plain_text and REASON_EN in summary.plain_text and "Photos: 1" in summary.plain_text
    # Submit pressed twice (a double tap: both presses reach the bot): filed once, told twice.
    submit = summary.callback_data_of("📨 Submit the appeal")
    await asyncio.gather(
        sb.press_button(user.id, summary.message_id, submit), sb.press_button(user.id, summary.message_id, submit)
    )
    filed = await sb.wait_bot_message(user.id, contains="Your appeal was submitted")
    assert "cannot be paid" in filed.plain_text and "already" not in filed.plain_text.lower()
    again = await sb.wait_bot_message(user.id, contains="Your appeal was submitted")
    assert "already" in again.plain_text.lower()
    services = services_of(app)
    stored = await services.repos.appeals.collection.find({"violation_id": v.id}).to_list()
    assert len(stored) == 1 and stored[0]["state"] == "pending" and len(stored[0]["photos"]) == 1
    after = await services.repos.violations.by_id(v.id)
    assert after is not None and after.appeal_pending
    # The violations list tells it; the appeal list marks it and offers no second appeal.
    listing = await open_feature(sb, user, "🔎 Information inquiry", "🚦 Violations")
    assert "appeal under review" in listing.plain_text
    again_list = await open_feature(sb, user, "📝 Business handling", "⚖️ Appeal a violation")
    assert "appeal under review" in again_list.plain_text


async def test_appeal_in_chinese_and_cancel(sb: SandboxClient, app: RunningApp) -> None:
    owner = APPELLANT
    v = await fresh_violation(app, owner.id_number, days=2)
    user = await citizen(sb, app, owner.id_number, "zh")
    listing = await open_feature(sb, user, "📝 业务办理", "⚖️ 违法申诉")
    assert "如何申诉交通违法" in listing.plain_text
    asked = await _pick(sb, user, listing, v.place.zh, contains="您要申诉")
    assert "请说明申诉理由" in asked.plain_text
    cancelled = await press_for(sb, user, asked, "✖️ 取消", "申诉已取消")
    assert "申诉已取消" in cancelled.plain_text
    assert await services_of(app).repos.appeals.pending_for_violation(v.id) is None


async def test_someone_elses_violation_is_never_offered_and_a_paid_one_is_refused(
    sb: SandboxClient, app: RunningApp
) -> None:
    owner = APPELLANT
    theirs = await fresh_violation(app, owner.id_number, days=1)
    stranger = DEMO_IDENTITIES[3]  # 刘洋: not his car
    other = await citizen(sb, app, stranger.id_number, "en")
    listing = await open_feature(sb, other, "📝 Business handling", "⚖️ Appeal a violation")
    assert theirs.plate not in listing.plain_text
    # His own list offers it; paid in the meantime, pressing it is refused plainly.
    user = await citizen(sb, app, owner.id_number, "en")
    own = await open_feature(sb, user, "📝 Business handling", "⚖️ Appeal a violation")
    services = services_of(app)
    await services.repos.violations.collection.update_one({"_id": theirs.id}, {"$set": {"status": "paid"}})
    refused = await _pick(sb, user, own, theirs.place.en, contains="already paid")
    assert "already paid" in refused.plain_text
    assert await services.repos.appeals.pending_for_violation(theirs.id) is None


async def test_the_demo_appeal_is_pending(app: RunningApp) -> None:
    appellant = APPELLANT
    services = services_of(app)
    pending = await services.repos.appeals.collection.find({"citizen_id_number": appellant.id_number}).to_list()
    assert pending and pending[0]["state"] == AppealState.PENDING.value
    listed = await candidates(services, await _citizen_record(app, appellant.id_number), limit=50)
    assert any(v.appeal_pending for v in listed)


async def test_unlinked_citizen_learns_how_and_the_request_resumes_after_linking(
    sb: SandboxClient, app: RunningApp
) -> None:
    person = DEMO_IDENTITIES[5]  # 杨磊
    user = await sb.create_user("Newcomer", language_code="en")
    await sb.send_text(user.id, "/language")
    choose = await sb.wait_bot_message(user.id)
    await press(sb, user, choose, "English")
    how = await open_feature(sb, user, "📝 Business handling", "⚖️ Appeal a violation")
    assert "How to appeal a violation" in how.plain_text and "Link your identity" in how.plain_text
    link = await sb.wait_bot_message(user.id)
    assert "Link" in " ".join(b for row in link.buttons for b in row)
    ask = await press(sb, user, link, next(b for row in link.buttons for b in row if "Link" in b))
    assert "full name" in ask.plain_text
    await sb.send_text(user.id, person.name)
    await sb.wait_bot_message(user.id)
    seen = len(await sb.sms(person.phone))
    await sb.send_text(user.id, person.id_number)
    await sb.wait_bot_message(user.id)
    code = await _new_code(sb, person.phone, seen)
    await sb.send_text(user.id, code)
    done = await sb.wait_bot_message(user.id)
    assert "Done" in done.plain_text
    resumed = await sb.wait_bot_message(user.id)
    assert "How to appeal a violation" in resumed.plain_text
    assert "Choose the violation" in resumed.plain_text or "no violation that can be appealed" in resumed.plain_text


async def _new_code(sb: SandboxClient, phone: str, seen: int) -> str:
    for _ in range(100):
        messages = await sb.sms(phone)
        if len(messages) > seen:
            found = re.search(r"\b(\d{6})\b", str(messages[0]["text"]))
            assert found
            return found.group(1)
        await asyncio.sleep(0.1)
    raise TimeoutError("no SMS")


# --- free text (the real Rasa model) ---------------------------------------------------------------


@pytest.mark.nlu
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "I got a parking ticket but I wasn't there, how do I appeal?", "How to appeal a violation"),
        ("en", "I want to appeal this ticket", "How to appeal a violation"),
        ("zh", "违章申诉", "如何申诉交通违法"),
    ],
)
async def test_free_text_appeal_answers_how_even_unlinked(
    sandbox: SandboxClient, running_app: RunningApp, lang: str, text: str, expected: str
) -> None:
    user = await sandbox.create_user("Asker", language_code="zh-hans" if lang == "zh" else "en")
    await sandbox.send_text(user.id, text)
    how = await sandbox.wait_bot_message(user.id, timeout=20)
    assert expected in how.plain_text
    link = await sandbox.wait_bot_message(user.id)
    assert link.buttons  # the way to link, after which the request resumes
    services = services_of(running_app)
    assert await services.redis.get(services.keys.resume_after_link(user.id)) is not None
