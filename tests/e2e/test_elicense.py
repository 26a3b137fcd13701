"""Electronic driver's license through the sandbox: eligibility reasons, apply, review request
then a staff decision (the notification is stored), and "show" with its 60-second code."""

from __future__ import annotations

import pytest

from actions.elicense import decide_review, verify_code
from actions.services import today_of
from sandbox.client import SandboxClient
from storage.models import DriverLicense, NotificationType
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import bound_user, open_feature, press

pytestmark = pytest.mark.e2e

ZHANG, LI, WANG, LIU, CHEN, YANG, ZHAO, HUANG = DEMO_IDENTITIES


async def ordinary_citizen(app: RunningApp, *, blocked: bool) -> DriverLicense:
    """A non-demo person (the demo ones are shared with other tests) whose license is blocked or
    eligible, in a city already open, with no e-license and no review pending."""
    services = services_of(app)
    today = today_of(services)
    demo = {d.id_number for d in DEMO_IDENTITIES}
    async for doc in services.repos.licenses.collection.find({"elicense_issued_at": None, "revoked_on": None}):
        lic = DriverLicense.from_doc(doc)
        citizen = await services.repos.citizens.by_id_number(lic.id_number)
        if lic.id_number in demo or citizen is None or citizen.telegram is not None:
            continue
        city = await services.repos.elicense.city(citizen.city)
        if city is None or not city.is_open(today) or bool(lic.elicense_blockers(today)) != blocked:
            continue
        if await services.repos.elicense.pending_for(lic.id_number) is None:
            return lic
    raise AssertionError("no suitable citizen in the demo data")


async def test_every_reason_is_listed(sb: SandboxClient, app: RunningApp) -> None:
    user = await bound_user(sb, app, WANG.id_number, "en")
    reply = await open_feature(sb, user, "🔎 Information inquiry", "📲 E-license: can I get one?")
    text = reply.plain_text
    assert "for these 3 reasons" in text
    assert "detained:" in text and "physical exam overdue:" in text and "periodic examination overdue:" in text
    assert any("Ask the office" in b for row in reply.buttons for b in row)


async def test_review_request_then_staff_decision(sb: SandboxClient, app: RunningApp) -> None:
    lic = await ordinary_citizen(app, blocked=True)
    user = await bound_user(sb, app, lic.id_number, "en")
    reply = await open_feature(sb, user, "🔎 Information inquiry", "📲 E-license: can I get one?")
    ask = await press(sb, user, reply, "📨 Ask the office to review my case")
    assert "explain briefly" in ask.plain_text
    await sb.send_sticker(user.id)
    assert "form is still open" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "short")
    assert "at least 10 characters" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "I work in Lhasa until next year and cannot return to Guangzhou.")
    sent = await sb.wait_bot_message(user.id)
    assert "Vehicle Management Office" in sent.plain_text and "review" in sent.plain_text

    services = services_of(app)
    pending = await services.repos.elicense.pending_for(lic.id_number)
    assert pending is not None and "Lhasa" in pending.reason
    decision = await decide_review(services, pending.id, True, "li.supervisor", "Special case accepted")
    assert decision is not None and decision.license is not None and decision.license.elicense_issued
    note = await services.repos.notifications.collection.find_one(
        {"citizen_id_number": lic.id_number, "type": NotificationType.ELICENSE_REVIEW_DECIDED.value}
    )
    assert note is not None and note["payload"]["approved"] is True


async def test_city_not_open_in_chinese(sb: SandboxClient, app: RunningApp) -> None:
    user = await bound_user(sb, app, LIU.id_number, "zh")
    reply = await open_feature(sb, user, "🔎 信息查询", "📲 电子驾驶证：能否申领")
    assert "拉萨将于" in reply.plain_text and "开通电子驾驶证" in reply.plain_text


async def test_apply_when_eligible_then_show_with_code_and_refresh(sb: SandboxClient, app: RunningApp) -> None:
    lic = await ordinary_citizen(app, blocked=False)
    user = await bound_user(sb, app, lic.id_number, "en")
    check = await open_feature(sb, user, "🔎 Information inquiry", "📲 E-license: can I get one?")
    assert "You can get an electronic driver's license" in check.plain_text
    issued = await press(sb, user, check, "📲 Apply now")
    assert "has been issued" in issued.plain_text and "same legal effect" in issued.plain_text
    card = await press(sb, user, issued, "📲 Show my e-license")
    assert "Electronic driver's license" in card.plain_text and "Status now: valid" in card.plain_text
    code = card.plain_text.split("Verification code: ")[1][:8]
    services = services_of(app)
    assert await verify_code(services, code) == lic.id_number
    refreshed = await press(sb, user, card, "🔄 New code")
    assert refreshed.message_id == card.message_id and refreshed.edited
    new = refreshed.plain_text.split("Verification code: ")[1][:8]
    assert new != code and await verify_code(services, code) is None


async def test_apply_when_not_eligible_lists_reasons_in_chinese(sb: SandboxClient, app: RunningApp) -> None:
    user = await bound_user(sb, app, LI.id_number, "zh")
    reply = await open_feature(sb, user, "📝 业务办理", "📲 申领电子驾驶证")
    assert "暂时不能申领" in reply.plain_text and "已过期" in reply.plain_text


async def test_show_with_expiring_license_issued_already(sb: SandboxClient, app: RunningApp) -> None:
    user = await bound_user(sb, app, ZHAO.id_number, "zh")
    card = await open_feature(sb, user, "📝 业务办理", "📲 出示电子驾驶证")
    assert "验证码" in card.plain_text and "60 秒内有效" in card.plain_text
