"""Business handling (renewal by mail, door-to-door plates) and deliveries, as citizens would."""

from __future__ import annotations

import pytest

from actions.applications import record_materials_collected
from actions.deliveries import my_delivery, my_delivery_by_tracking
from sandbox.client import SandboxClient
from storage.models import ApplicationStatus, DeliveryKind, DeliveryStage
from storage.seed import DEMO_IDENTITIES
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import citizen, open_feature, press

pytestmark = pytest.mark.e2e

ZHANG_WEI, LI_NA, CHEN_JING, YANG_LEI = DEMO_IDENTITIES[0], DEMO_IDENTITIES[1], DEMO_IDENTITIES[4], DEMO_IDENTITIES[5]


async def test_renewal_by_mail_for_li_na_with_a_changed_address(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, LI_NA.id_number, "en")
    services = services_of(app)
    summary = await open_feature(sb, user, "📝 Business handling", "🪪 Renew my license by mail")
    assert "Renew your driver's license by mail" in summary.plain_text and "expired on" in summary.plain_text
    on_file = await services.repos.citizens.by_id_number(LI_NA.id_number)
    assert on_file is not None and on_file.mailing_address in summary.plain_text
    ask = await press(sb, user, summary, "✏️ Change the address")
    assert "mailing address" in ask.plain_text
    await sb.send_text(user.id, "x")
    assert "does not look like a full address" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "上海市黄浦区中山东一路 18 号 2 单元 301 室")
    assert "postal code" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "2000O2")
    assert "6 digits" in (await sb.wait_bot_message(user.id)).plain_text
    await sb.send_text(user.id, "200002")
    again = await sb.wait_bot_message(user.id)
    assert "中山东一路 18 号" in again.plain_text and "(200002)" in again.plain_text
    await sb.send_text(user.id, "yes")
    assert "choose with the buttons" in (await sb.wait_bot_message(user.id)).plain_text
    done = await press(sb, user, again, "✅ Confirm and submit")
    assert "Renewal application accepted" in done.plain_text
    # Her license expired 20 days ago: it may not be used while the new one is on its way.
    assert "stays in use" not in done.plain_text and "do not drive until the new one arrives" in done.plain_text
    assert "中山东一路 ** 号 * 单元 *** 室" in done.plain_text  # the house number is masked
    application = await services.repos.applications.open_renewal(LI_NA.id_number)
    assert application is not None and application.status == ApplicationStatus.ACCEPTED
    assert application.postal_code == "200002" and application.exam_result_on_file is not None
    delivery = await services.repos.deliveries.by_id(application.delivery_id or "")
    assert delivery is not None and delivery.kind == DeliveryKind.LICENSE_MAIL
    assert delivery.stage == DeliveryStage.ACCEPTED and delivery.application_id == application.id
    follow = await press(sb, user, done, "📦 Follow the delivery")
    assert "Driver's license by mail" in follow.plain_text and "application accepted" in follow.plain_text
    assert "▫️ license printed" in follow.plain_text
    # One open application at a time.
    second = await open_feature(sb, user, "📝 Business handling", "🪪 Renew my license by mail")
    assert "already have a renewal application" in second.plain_text
    # The old confirm button files nothing again: it tells the application already accepted.
    stale = await press(sb, user, again, "✅ Confirm and submit")
    assert "already submitted (once" in stale.plain_text and "Renewal application accepted" in stale.plain_text
    assert len(await services.repos.applications.renewals_for(LI_NA.id_number)) == 1


async def test_renewal_refused_outside_the_window_in_chinese(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, ZHANG_WEI.id_number, "zh")
    lic = await services_of(app).repos.licenses.by_id_number(ZHANG_WEI.id_number)
    assert lic is not None
    reply = await open_feature(sb, user, "📝 业务办理", "🪪 驾驶证邮寄换证")
    assert "目前不能办理邮寄换证" in reply.plain_text
    assert f"有效期至 {lic.valid_to.isoformat()}" in reply.plain_text and "到期前90天起" in reply.plain_text
    exam = await press(sb, user, reply, "🏥 到哪里体检")
    assert "141 家社区（乡镇）医院" in exam.plain_text


async def test_renewal_for_zhao_min_within_90_days(sb: SandboxClient, app: RunningApp) -> None:
    zhao = DEMO_IDENTITIES[6]
    user = await citizen(sb, app, zhao.id_number, "zh")
    summary = await open_feature(sb, user, "📝 业务办理", "🪪 驾驶证邮寄换证")
    assert "新驾驶证将寄往" in summary.plain_text
    done = await press(sb, user, summary, "✅ 确认提交")
    assert "换证申请已受理" in done.plain_text
    assert "原驾驶证可以继续使用" in done.plain_text  # valid for 25 more days


async def test_plate_delivery_request_for_zhang_wei(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    user = await citizen(sb, app, ZHANG_WEI.id_number, "en")
    plate = (await services.repos.vehicles.by_owner(ZHANG_WEI.id_number))[0].plate
    pick = await open_feature(sb, user, "📝 Business handling", "🔖 Replacement plates delivered")
    assert "For which vehicle" in pick.plain_text
    reasons = await press(sb, user, pick, plate)
    assert f"Replacement plates for {plate}" in reasons.plain_text
    summary = await press(sb, user, reasons, "Damaged")
    assert "the damaged plates" in summary.plain_text and plate in summary.plain_text
    done = await press(sb, user, summary, "✅ Confirm and submit")
    assert "Request submitted" in done.plain_text and "A courier will call" in done.plain_text
    request = await services.repos.applications.open_plate_request(plate)
    assert request is not None and request.citizen_id_number == ZHANG_WEI.id_number
    listing = await press(sb, user, done, "📦 My deliveries")
    assert f"Replacement plates {plate}" in listing.plain_text and "collect the materials" in listing.plain_text
    # One request at a time.
    pick = await open_feature(sb, user, "📝 Business handling", "🔖 Replacement plates delivered")
    refused = await press(sb, user, pick, plate)
    assert "already requested replacement plates" in refused.plain_text
    # The courier collects the materials: the delivery starts, and the citizen follows it.
    delivery = await record_materials_collected(services, request.id)
    assert delivery is not None and delivery.stage == DeliveryStage.MATERIALS_COLLECTED
    again = await record_materials_collected(services, request.id)  # idempotent
    assert again is not None and again.id == delivery.id
    listing = await open_feature(sb, user, "🔎 Information inquiry", "📦 Deliveries")
    assert "materials collected by the courier" in listing.plain_text and "▫️ plates made" in listing.plain_text
    pick = await open_feature(sb, user, "📝 Business handling", "🔖 Replacement plates delivered")
    assert "already requested" in (await press(sb, user, pick, plate)).plain_text


async def test_chen_jing_plates_out_for_delivery_in_chinese(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, CHEN_JING.id_number, "zh")
    services = services_of(app)
    [delivery] = [d for d in await services.repos.deliveries.by_citizen(CHEN_JING.id_number)]
    reply = await open_feature(sb, user, "🔎 信息查询", "📦 寄递进度")
    text = reply.plain_text
    assert f"补换号牌 {delivery.plate}" in text and "状态：派送中" in text
    assert "顺丰速运" in text and (delivery.tracking_number or "?") in text
    assert "✅" in text and "▫️ 已签收" in text and "请准备好身份证" in text
    # Asking for plates again while these are on their way is refused plainly.
    plates = await open_feature(sb, user, "📝 业务办理", "🔖 补换号牌送上门")
    assert "已在寄送途中" in plates.plain_text


async def test_yang_lei_license_in_transit_in_english(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, YANG_LEI.id_number, "en")
    services = services_of(app)
    [delivery] = await services.repos.deliveries.by_citizen(YANG_LEI.id_number)
    reply = await open_feature(sb, user, "🔎 Information inquiry", "📦 Deliveries")
    text = reply.plain_text
    assert "Driver's license by mail" in text and "Status: in transit" in text
    assert f"EMS (China Post) · tracking number {delivery.tracking_number}" in text
    for stage in ("application accepted", "license printed", "mailed", "in transit"):
        assert f"{stage}" in text
    assert "▫️ out for delivery" in text and "▫️ delivered" in text
    # Another person's delivery answers exactly like an unknown one.
    other = (await services.repos.deliveries.by_citizen(CHEN_JING.id_number))[0]
    yang = await services.repos.citizens.by_id_number(YANG_LEI.id_number)
    assert yang is not None
    assert await my_delivery(services, yang, other.id) is None
    assert await my_delivery_by_tracking(services, yang, other.tracking_number or "") is None
    assert await my_delivery(services, yang, delivery.id) == delivery


async def test_someone_without_deliveries(sb: SandboxClient, app: RunningApp) -> None:
    user = await citizen(sb, app, DEMO_IDENTITIES[7].id_number, "en")
    reply = await open_feature(sb, user, "🔎 Information inquiry", "📦 Deliveries")
    assert "You have no deliveries" in reply.plain_text
