"""Vehicle status, adding another vehicle with its engine number, e-license authorisations:
driven as citizens through the Telegram sandbox (buttons and commands; no NLU)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.services import today_of
from actions.vehicles import GrantOutcome, grant_authorisation, revoke_authorisation
from core.identifiers import id_check_digit
from sandbox.client import SandboxClient
from storage.models import LOCAL_TZ, Vehicle, ViolationStatus
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import citizen, open_feature

pytestmark = pytest.mark.e2e

ZHANG_WEI, LI_NA = DEMO_IDENTITIES[0], DEMO_IDENTITIES[1]


async def vehicles_of(app: RunningApp, id_number: str) -> list[Vehicle]:
    return await services_of(app).repos.vehicles.by_owner(id_number)


async def test_vehicle_status_of_zhang_wei_in_english(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "en")
    cars = await vehicles_of(app, ZHANG_WEI.id_number)
    assert len(cars) == 2
    reply = await open_feature(sb, user, "🔎 Information inquiry", "🚗 My vehicles")
    text = reply.plain_text
    assert "Your vehicles (2)" in text
    for car in cars:
        assert car.plate in text
        assert f"📋 Violations {car.plate}" in [b for row in reply.buttons for b in row]
    assert text.count("Registration: ✅ normal") == 2
    assert text.count("Inspection:") == 2
    assert "Mortgage: registered to" in text  # the new-energy car is mortgaged
    # Unpaid ones split as the violations list counts them: "unprocessed" and "processed, unpaid".
    violations = services_of(app).repos.violations
    for car in cars:
        unpaid = (await violations.count_open_by_plate([car.plate]))[car.plate]
        unprocessed = (await violations.page_by_plates([car.plate], statuses=[ViolationStatus.UNPROCESSED])).total
        if unprocessed and unpaid > unprocessed:
            assert (
                f"{unpaid} not yet paid ({unprocessed} unprocessed, {unpaid - unprocessed} processed, unpaid)" in text
            )
    assert "Violations:" in text and "not yet paid (" in text and "open (not yet paid)" not in text
    assert "Accidents:" in text


async def test_vehicle_status_in_chinese_and_nothing_for_an_unbound_user(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "zh")
    reply = await open_feature(sb, user, "🔎 信息查询", "🚗 我的车辆")
    assert "您的车辆（2 辆）" in reply.plain_text
    assert reply.plain_text.count("登记状态：✅ 正常") == 2
    stranger = await sb.create_user("Nobody", language_code="en")
    answer = await open_feature(sb, stranger, "🔎 Information inquiry", "🚗 My vehicles")
    assert "link your identity" in answer.plain_text
    assert not any(car.plate in answer.plain_text for car in await vehicles_of(app, ZHANG_WEI.id_number))


async def test_add_another_vehicle_wrong_then_right_engine_number(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "en")
    other = (await vehicles_of(app, LI_NA.id_number))[0]
    last6 = other.engine_number[-6:]
    wrong = "".join("0" if ch != "0" else "1" for ch in last6)
    listing = await open_feature(sb, user, "🔎 Information inquiry", "🚗 My vehicles")
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of("➕ Add another vehicle"))
    assert "type its plate" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "京A1234I")  # I is not used on plates
    assert "I and O are not used" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, other.plate)
    assert "last 6 characters of its engine number" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "12")
    assert "exactly the last 6" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, wrong)
    mismatch = await sb.wait_bot_message(user.id)
    assert "do not match" in mismatch.plain_text and "4 attempts left" in mismatch.plain_text
    await sb.send_text(user.id, last6.lower())
    added = await sb.wait_bot_message(user.id)
    assert f"{other.plate} is added" in added.plain_text
    card = await sb.wait_bot_message(user.id)
    assert other.plate in card.plain_text and "Added with its engine number" in card.plain_text
    # Now it is among the citizen's vehicles, with a button to remove it.
    listing = await open_feature(sb, user, "🔎 Information inquiry", "🚗 My vehicles")
    assert "Your vehicles (3)" in listing.plain_text
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of(f"🗑 Remove {other.plate}"))
    assert f"{other.plate} was removed" in (await sb.wait_bot_message(user.id)).plain_text
    assert "Your vehicles (2)" in (await sb.wait_bot_message(user.id)).plain_text


async def test_engine_number_lock_out_after_five_wrong_answers(sb: SandboxClient, app: RunningApp) -> None:
    chen = DEMO_IDENTITIES[4]
    user = await citizen(sb, app, chen.id_number, "zh")
    other = (await vehicles_of(app, ZHANG_WEI.id_number))[0]
    listing = await open_feature(sb, user, "🔎 信息查询", "🚗 我的车辆")
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of("➕ 添加其他车辆"))
    await sb.wait_bot_message(user.id)
    await sb.send_text(user.id, other.plate)
    assert "发动机号后6位" in (await sb.wait_bot_message(user.id)).plain_text
    wrong = "ZZZZZZ"
    for left in (4, 3, 2, 1):
        await sb.send_text(user.id, wrong)
        assert f"还可尝试 {left} 次" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, wrong)
    assert "暂停 15 分钟" in (await sb.wait_bot_message(user.id)).plain_text
    # Even the right number is refused while locked.
    await sb.press_button_text(user.id, "➕ 添加其他车辆")
    await sb.wait_bot_message(user.id)
    await sb.send_text(user.id, other.plate)
    await sb.wait_bot_message(user.id)
    await sb.send_text(user.id, other.engine_number[-6:])
    assert "暂停" in (await sb.wait_bot_message(user.id)).plain_text
    await services_of(app).redis.delete(services_of(app).keys("vehicles", "engine-attempts", chen.id_number))


async def test_authorisation_grant_list_and_revoke_in_english(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "en")
    plate = (await vehicles_of(app, ZHANG_WEI.id_number))[0].plate
    grantee = DEMO_IDENTITIES[5]  # 杨磊, a known citizen: the name must match
    page = await open_feature(sb, user, "📝 Business handling", "🔑 Vehicle e-license authorisation")
    assert "Vehicle e-license authorisations" in page.plain_text
    await sb.press_button(user.id, page.message_id, page.callback_data_of(f"➕ Authorise someone for {plate}"))
    assert "ID number" in (await sb.wait_bot_message(user.id)).plain_text
    bad = grantee.id_number[:17] + ("0" if grantee.id_number[17] != "0" else "1")
    await sb.send_text(user.id, bad)
    assert "does not match the others" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, ZHANG_WEI.id_number)
    assert "your own ID number" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, grantee.id_number)
    assert "name" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, grantee.name)
    ask = await sb.wait_bot_message(user.id)
    assert "For how long?" in ask.plain_text
    today = today_of(services_of(app))
    await sb.send_text(user.id, f"{today - timedelta(days=1)} {today + timedelta(days=10)}")
    assert "cannot be in the past" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, f"{today} {today + timedelta(days=400)}")
    assert "at most one year" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, f"{today + timedelta(days=5)} {today}")
    assert "before the first day" in (await sb.wait_bot_message(user.id)).plain_text
    end = today + timedelta(days=29)
    await sb.send_text(user.id, f"{today.year}年{today.month}月{today.day}日 至 {end}")
    summary = await sb.wait_bot_message(user.id)
    assert "Please confirm the authorisation" in summary.plain_text
    assert f"{today} → {end}" in summary.plain_text
    assert grantee.id_number not in summary.plain_text  # masked
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of("✅ Confirm"))
    assert f"Authorisation granted for {plate}" in (await sb.wait_bot_message(user.id)).plain_text
    listing = await sb.wait_bot_message(user.id)
    assert grantee.name in listing.plain_text and "in effect" in listing.plain_text
    stored = next(v for v in await vehicles_of(app, ZHANG_WEI.id_number) if v.plate == plate)
    assert any(a.grantee_id_number == grantee.id_number and a.valid_to == end for a in stored.authorisations)
    # Granting the same person again is refused while the first one runs.
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of(f"➕ Authorise someone for {plate}"))
    await sb.wait_bot_message(user.id)
    await sb.send_text(user.id, grantee.id_number)
    await sb.wait_bot_message(user.id)
    await sb.send_text(user.id, grantee.name)
    ask = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, ask.message_id, ask.callback_data_of("7 days"))
    summary = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of("✅ Confirm"))
    assert "already authorised" in (await sb.wait_bot_message(user.id)).plain_text
    # Revoke.
    await sb.press_button_text(user.id, f"✖ Revoke {grantee.name} ({plate})")
    assert "is revoked" in (await sb.wait_bot_message(user.id)).plain_text
    after = await sb.wait_bot_message(user.id)
    assert grantee.name not in after.plain_text
    stored = next(v for v in await vehicles_of(app, ZHANG_WEI.id_number) if v.plate == plate)
    assert all(a.revoked_at is not None for a in stored.authorisations if a.grantee_id_number == grantee.id_number)


async def test_authorisation_in_chinese_with_a_wrong_name_and_a_preset(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "zh")
    plate = (await vehicles_of(app, ZHANG_WEI.id_number))[1].plate
    first17 = "11010519900101123"
    outsider = first17 + id_check_digit(first17)  # not a known citizen: any well-formed name is accepted
    page = await open_feature(sb, user, "📝 业务办理", "🔑 电子行驶证授权")
    await sb.press_button(user.id, page.message_id, page.callback_data_of(f"➕ 为 {plate} 新增授权"))
    assert "身份证号码" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, outsider)
    await sb.wait_bot_message(user.id)
    await sb.send_text(user.id, "王芳123")
    assert "姓名只能包含汉字或字母" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "王芳")
    ask = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, ask.message_id, ask.callback_data_of("1年"))
    summary = await sb.wait_bot_message(user.id)
    assert "请确认授权信息" in summary.plain_text and "110105********123" in summary.plain_text
    await sb.press_button(user.id, summary.message_id, summary.callback_data_of("✅ 确认"))
    assert f"已为 {plate} 完成授权" in (await sb.wait_bot_message(user.id)).plain_text
    listing = await sb.wait_bot_message(user.id)
    assert "王芳" in listing.plain_text and "生效中" in listing.plain_text
    today = services_of(app).clock().astimezone(LOCAL_TZ).date()
    stored = next(v for v in await vehicles_of(app, ZHANG_WEI.id_number) if v.plate == plate)
    granted = next(a for a in stored.authorisations if a.grantee_id_number == outsider)
    assert granted.valid_from == today and (granted.valid_to - today).days in (364, 365)
    # Someone who does not own the vehicle cannot authorise for it, nor revoke its authorisations.
    services = services_of(app)
    li = await services.repos.citizens.by_id_number(LI_NA.id_number)
    assert li is not None
    result = await grant_authorisation(
        services, li, plate, grantee_id_number=outsider, grantee_name="王芳", valid_from=today, valid_to=today
    )
    assert result.outcome == GrantOutcome.NOT_OWNER
    assert not await revoke_authorisation(services, li, plate, granted.id)
