"""Handle and pay violations end to end through the sandbox: Telegram Payments and the bureau's
payment gateway (both emulated by the sandbox), one and several violations, declined, abandoned,
duplicate and late notifications, forged and replayed notifications, someone else's violation."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from actions.payments.gateway import NOTIFY_PATH, build_gateway, sign, signed_headers
from actions.payments.orders import Refusal, authorize_telegram, quote, reconcile
from actions.services import Services, today_of
from core.config import SANDBOX_GATEWAY_SECRET
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.models import (
    Bilingual,
    Citizen,
    PaymentOrder,
    PaymentOrderStatus,
    Violation,
    ViolationEventKind,
    ViolationSource,
    ViolationStatus,
    new_id,
)
from storage.seed import DEMO_IDENTITIES, payment_demo_people
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import citizen, open_feature

pytestmark = pytest.mark.e2e

USED: set[str] = set()
DEMO_IDS = {d.id_number for d in DEMO_IDENTITIES}


async def payer(app: RunningApp) -> tuple[Citizen, str]:
    """A demo citizen (not one the README lists) with a valid license at 0 points and a vehicle
    with nothing to pay, used by one test only: (the citizen, the plate)."""
    repos = services_of(app).repos
    async for doc in repos.licenses.collection.find({"points": 0, "suspension": None, "revoked_on": None}).sort("_id"):
        id_number = doc["_id"]
        if id_number in USED or id_number in DEMO_IDS:
            continue
        vehicles = await repos.vehicles.by_owner(id_number)
        if not vehicles or await repos.violations.payable_by_plates([v.plate for v in vehicles]):
            continue
        person = await repos.citizens.by_id_number(id_number)
        if person is None:
            continue
        USED.add(id_number)
        return person, vehicles[0].plate
    raise AssertionError("no demo citizen left to pay")


async def add_violation(
    services: Services,
    plate: str,
    *,
    fine_yuan: int,
    points: int,
    handled_days_ago: int | None = None,
    occurred_days_ago: int = 3,
    behaviour: str = "Running a red light",
) -> Violation:
    """A violation of ``plate``: unhandled (a camera's), or handled ``handled_days_ago`` days ago."""
    now = datetime.now(UTC)
    today = today_of(services)
    handled = handled_days_ago is not None
    violation = Violation(
        id=new_id(),
        plate=plate,
        occurred_at=now - timedelta(days=occurred_days_ago),
        place=Bilingual(en="Test Road & Main St", zh="测试路与主街交叉口"),
        code="1625",
        behaviour=Bilingual(en=behaviour, zh="驾驶机动车违反道路交通信号灯通行"),
        fine_yuan=fine_yuan,
        points=points,
        status=ViolationStatus.PROCESSED if handled else ViolationStatus.UNPROCESSED,
        source=ViolationSource.CAMERA,
        recorded_by="CAM-TEST-001",
        processed_at=now - timedelta(days=handled_days_ago) if handled_days_ago is not None else None,
        decided_on=today - timedelta(days=handled_days_ago) if handled_days_ago is not None else None,
    )
    await services.repos.violations.insert(violation)
    return violation


async def choose_and_decide(
    sb: SandboxClient, user: SandboxUser, lang: str, count: int
) -> tuple[ChatMessage, ChatMessage]:
    """Open "Handle and pay", tick the first ``count`` violations, continue: (the list, the decision)."""
    if lang == "zh":
        listing = await open_feature(sb, user, "📝 业务办理", "💳 违法处理缴款")
    else:
        listing = await open_feature(sb, user, "📝 Business handling", "💳 Handle and pay fines")
    for n in range(1, count + 1):
        await sb.press_button(user.id, listing.message_id, listing.callback_data_of(f"☐ {n}"))
        listing = await sb.wait_bot_message(user.id)
        assert listing.edited and f"☑ {n}" in [b for row in listing.buttons for b in row]
    label = f"继续（{count}）▶" if lang == "zh" else f"Continue ({count}) ▶"
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of(label))
    decision = await sb.wait_bot_message(user.id)
    return listing, decision


async def accept(sb: SandboxClient, user: SandboxUser, decision: ChatMessage, button: str) -> ChatMessage:
    """Press the decision's accept ``button``: the message saying the violations are handled and how to pay."""
    await sb.press_button(user.id, decision.message_id, decision.callback_data_of(button))
    handled = "已处理。订单" if "确认" in button else "Handled. Order"
    return await sb.wait_bot_message(user.id, contains=handled, timeout=20)


async def last_invoice(sb: SandboxClient, user: SandboxUser) -> ChatMessage:
    invoices = [m for m in await sb.messages(user.id) if m.from_bot and m.kind == "invoice"]
    assert invoices, "no invoice in the chat"
    return invoices[-1]


async def order_of(services: Services, violation: Violation) -> PaymentOrder:
    stored = await services.repos.violations.by_id(violation.id)
    assert stored is not None and stored.payment_order_id is not None
    order = await services.repos.payment_orders.by_id(stored.payment_order_id)
    assert order is not None
    return order


async def gateway_order(sb: SandboxClient, order_id: str) -> dict[str, object]:
    return next(o for o in await sb.gateway_orders() if o["order_id"] == order_id)


def paid_events(violation: Violation | None) -> int:
    assert violation is not None
    return sum(1 for e in violation.history if e.kind == ViolationEventKind.PAID)


# --- Telegram Payments ----------------------------------------------------------------------------------


async def test_two_violations_in_one_telegram_payment_in_english(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    person, plate = await payer(app)
    late = await add_violation(services, plate, fine_yuan=100, points=2, handled_days_ago=30, occurred_days_ago=40)
    fresh = await add_violation(services, plate, fine_yuan=200, points=3)
    user = await citizen(sb, app, person.id_number, "en")
    _, decision = await choose_and_decide(sb, user, "en", 2)
    text = decision.plain_text
    assert "Penalty decision to accept" in text and plate in text and "Test Road & Main St" in text
    # 30 days after the decision: 15 days late, 3 % a day of ¥100 = ¥45.
    assert "late-payment surcharge ¥45.00 (15 days late)" in text and "Administrative Penalty Law, art. 72" in text
    assert "Total to pay: ¥345.00" in text and "+3, from 0 to 3 of 12" in text
    made = await accept(sb, user, decision, "✅ Accept and pay in Telegram")
    assert "Pay with the invoice in this chat" in made.plain_text and "Your license now has 3 of 12" in made.plain_text
    invoice = await last_invoice(sb, user)
    assert invoice.media is not None and invoice.media["invoice"]["total_amount"] == 34500
    handled = await services.repos.violations.by_id(fresh.id)
    assert (
        handled is not None and handled.status == ViolationStatus.PROCESSED and handled.handled_by == person.id_number
    )
    lic = await services.repos.licenses.by_id_number(person.id_number)
    assert lic is not None and lic.points == 3  # recorded at once, on accepting
    paid = await sb.pay_invoice(user.id, invoice.message_id)
    assert paid["status"] == "paid"
    receipt = await sb.wait_bot_message(user.id, contains="Receipt", timeout=20)
    assert "Paid ¥345.00" in receipt.plain_text and "Telegram Payments" in receipt.plain_text
    assert paid["telegram_payment_charge_id"] in receipt.plain_text
    assert paid["provider_payment_charge_id"] in receipt.plain_text
    assert "Late-payment surcharge included: ¥45.00" in receipt.plain_text
    assert "License: 3 of 12 points" in receipt.plain_text
    for violation in (late, fresh):
        stored = await services.repos.violations.by_id(violation.id)
        assert stored is not None and stored.status == ViolationStatus.PAID and paid_events(stored) == 1
        event = stored.history[-1]
        assert event.charge_id == paid["telegram_payment_charge_id"] and event.order_id == stored.payment_order_id
    assert (await services.repos.violations.by_id(late.id)).paid_surcharge_fen == 4500  # type: ignore[union-attr]
    order = await order_of(services, fresh)
    assert order.status == PaymentOrderStatus.PAID and order.total_fen == 34500 and order.applied
    # The vehicle card counts no open violation any more.
    assert (await services.repos.violations.count_open_by_plate([plate]))[plate] == 0
    # The receipt is in the violation's history, shown with the violations.
    listed = await open_feature(sb, user, "🔎 Information inquiry", "🚦 Violations")
    assert "🧾 paid ¥200.00 on" in listed.plain_text and f"order {order.id}" in listed.plain_text


async def test_duplicate_delivery_and_a_second_pay_attempt_charge_once(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    person, plate = await payer(app)
    violation = await add_violation(services, plate, fine_yuan=50, points=1)
    user = await citizen(sb, app, person.id_number, "en")
    _, decision = await choose_and_decide(sb, user, "en", 1)
    await accept(sb, user, decision, "✅ Accept and pay in Telegram")
    invoice = await last_invoice(sb, user)
    paid = await sb.pay_invoice(user.id, invoice.message_id, deliveries=2)  # the update arrives twice
    assert paid["status"] == "paid"
    await sb.wait_bot_message(user.id, contains="Receipt", timeout=20)
    stored = await services.repos.violations.by_id(violation.id)
    assert stored is not None and stored.status == ViolationStatus.PAID and paid_events(stored) == 1
    lic = await services.repos.licenses.by_id_number(person.id_number)
    assert lic is not None and lic.points == 1
    # Paying the same invoice again: the bot refuses at pre-checkout, nothing is charged.
    again = await sb.pay_invoice(user.id, invoice.message_id)
    assert again["status"] == "refused" and "paid already" in again["error_message"]
    assert paid_events(await services.repos.violations.by_id(violation.id)) == 1


async def test_declined_and_abandoned_telegram_payments_in_chinese(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    person, plate = await payer(app)
    violation = await add_violation(services, plate, fine_yuan=200, points=3)
    user = await citizen(sb, app, person.id_number, "zh")
    _, decision = await choose_and_decide(sb, user, "zh", 1)
    assert "待确认的处罚决定" in decision.plain_text and "合计应缴：¥200.00" in decision.plain_text
    await accept(sb, user, decision, "✅ 确认并在Telegram中缴款")
    invoice = await last_invoice(sb, user)
    declined = await sb.pay_invoice(user.id, invoice.message_id, outcome="declined")
    assert declined["status"] == "declined"
    abandoned = await sb.pay_invoice(user.id, invoice.message_id, outcome="abandoned")
    assert abandoned["status"] == "abandoned"
    order = await order_of(services, violation)
    assert order.status == PaymentOrderStatus.AUTHORIZED  # pre-checkout said yes; the card did not
    stored = await services.repos.violations.by_id(violation.id)
    assert stored is not None and stored.status == ViolationStatus.PROCESSED  # handled, awaiting payment
    # Nothing came: once the order expires, reconciliation closes it and tells the citizen.
    await services.repos.payment_orders.set_fields(order.id, datetime.now(UTC), expires_at=datetime.now(UTC))
    await reconcile(services, build_gateway(services.settings))  # (the push worker's periodic run may be first)
    told = await sb.wait_bot_message(user.id, contains=order.id, timeout=20)
    assert "未在规定时间内缴款" in told.plain_text and "未扣款" in told.plain_text
    stored = await services.repos.violations.by_id(violation.id)
    assert stored is not None and stored.payment_order_id is None and stored.status == ViolationStatus.PROCESSED
    # The expired invoice cannot be paid any more.
    late = await sb.pay_invoice(user.id, invoice.message_id)
    assert late["status"] == "refused" and "已过期" in late["error_message"]


# --- the bureau's payment gateway -----------------------------------------------------------------------


async def start_gateway_order(
    sb: SandboxClient, app: RunningApp, lang: str, count: int, **violation: int
) -> tuple[SandboxUser, list[Violation], PaymentOrder, ChatMessage]:
    services = services_of(app)
    person, plate = await payer(app)
    violations = [await add_violation(services, plate, **violation) for _ in range(count)]  # type: ignore[arg-type]
    user = await citizen(sb, app, person.id_number, lang)
    _, decision = await choose_and_decide(sb, user, lang, count)
    label = "✅ 确认并到缴款页面缴款" if lang == "zh" else "✅ Accept and pay on the payment page"
    made = await accept(sb, user, decision, label)
    order = await order_of(services, violations[0])
    return user, violations, order, made


async def test_two_violations_on_the_payment_page_in_chinese_with_a_duplicate_notification(
    sb: SandboxClient, app: RunningApp
) -> None:
    services = services_of(app)
    user, violations, order, made = await start_gateway_order(sb, app, "zh", 2, fine_yuan=150, points=2)
    assert order.id in made.plain_text and "¥300.00" in made.plain_text
    page_button = made.inline_buttons[0][0]
    assert page_button["text"] == "💳 缴纳 ¥300.00" and "/sandbox/gateway/pay/" in page_button["url"]
    at_gateway = await gateway_order(sb, order.id)
    assert at_gateway["amount_fen"] == 30000 and at_gateway["status"] == "pending"
    paid = await sb.gateway_pay(str(at_gateway["gateway_order_id"]), repeat=2)  # notified twice
    assert [n["status"] for n in paid["notifications"]] == [200, 200]
    receipt = await sb.wait_bot_message(user.id, contains="缴款凭证", timeout=30)
    assert "¥300.00" in receipt.plain_text and str(paid["transaction_id"]) in receipt.plain_text
    assert "交管部门缴款页面" in receipt.plain_text and "驾驶证：本记分周期 4 分" in receipt.plain_text
    for violation in violations:
        stored = await services.repos.violations.by_id(violation.id)
        assert stored is not None and stored.status == ViolationStatus.PAID and paid_events(stored) == 1
    stored_order = await services.repos.payment_orders.by_id(order.id)
    assert stored_order is not None and stored_order.status == PaymentOrderStatus.PAID
    assert (
        await services.repos.notifications.collection.count_documents({"dedupe_key": f"payment:{order.id}:paid"}) == 1
    )


async def test_one_violation_on_the_payment_page_in_english(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    user, violations, order, made = await start_gateway_order(sb, app, "en", 1, fine_yuan=200, points=0)
    assert "Pay on the bureau's payment page" in made.plain_text
    page_url = made.inline_buttons[0][0]["url"]
    async with aiohttp.ClientSession() as http:  # as a person would: open the page, press Pay
        async with http.get(page_url) as page:
            assert page.status == 200 and "Pay ¥200.00" in await page.text() and order.id in await page.text()
        async with http.post(page_url, data={"outcome": "success"}) as paid_page:
            assert paid_page.status == 200 and "Status: paid" in await paid_page.text()
    receipt = await sb.wait_bot_message(user.id, contains="Receipt", timeout=30)
    assert "Paid ¥200.00" in receipt.plain_text and order.id in receipt.plain_text
    stored = await services.repos.violations.by_id(violations[0].id)
    assert stored is not None and stored.status == ViolationStatus.PAID


async def test_declined_and_abandoned_on_the_payment_page(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    user, violations, order, _ = await start_gateway_order(sb, app, "en", 1, fine_yuan=100, points=1)
    at_gateway = await gateway_order(sb, order.id)
    declined = await sb.gateway_pay(str(at_gateway["gateway_order_id"]), outcome="declined")
    assert [n["status"] for n in declined["notifications"]] == [200]
    told = await sb.wait_bot_message(user.id, contains="was declined", timeout=30)
    assert order.id in told.plain_text and "Nothing was charged" in told.plain_text
    stored = await services.repos.violations.by_id(violations[0].id)
    assert stored is not None and stored.status == ViolationStatus.PROCESSED and stored.payment_order_id is None
    # Abandoned: a second order, never paid; reconciliation asks the gateway, then closes it.
    _, decision = await choose_and_decide(sb, user, "en", 1)
    await accept(sb, user, decision, "✅ Accept and pay on the payment page")
    second = await order_of(services, violations[0])
    assert second.id != order.id
    assert (await reconcile(services, build_gateway(services.settings))).expired == 0  # not expired yet
    await services.repos.payment_orders.set_fields(second.id, datetime.now(UTC), expires_at=datetime.now(UTC))
    await reconcile(services, build_gateway(services.settings))
    told = await sb.wait_bot_message(user.id, contains="was not paid in time", timeout=30)
    assert second.id in told.plain_text
    closed = await services.repos.payment_orders.by_id(second.id)
    assert closed is not None and closed.status == PaymentOrderStatus.EXPIRED


async def test_an_open_order_holds_its_violations_until_it_ends(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    user, violations, order, _ = await start_gateway_order(sb, app, "en", 1, fine_yuan=100, points=1)
    # The payment page is open (it could be paid any moment): no second order for the violation.
    _, decision = await choose_and_decide(sb, user, "en", 1)
    await sb.press_button(user.id, decision.message_id, decision.callback_data_of("✅ Accept and pay in Telegram"))
    refused = await sb.wait_bot_message(user.id, contains="already under way", timeout=20)
    assert "Nothing" not in refused.plain_text
    held = await services.repos.violations.by_id(violations[0].id)
    assert held is not None and held.payment_order_id == order.id
    # A Telegram invoice nobody started paying is replaced by the citizen's next order.
    await services.repos.payment_orders.set_fields(order.id, datetime.now(UTC), expires_at=datetime.now(UTC))
    _, decision = await choose_and_decide(sb, user, "en", 1)
    await accept(sb, user, decision, "✅ Accept and pay in Telegram")
    first_invoice = await last_invoice(sb, user)
    _, decision = await choose_and_decide(sb, user, "en", 1)
    await accept(sb, user, decision, "✅ Accept and pay in Telegram")
    second_invoice = await last_invoice(sb, user)
    assert second_invoice.message_id != first_invoice.message_id
    stale = await sb.pay_invoice(user.id, first_invoice.message_id)
    assert stale["status"] == "refused" and "expired" in stale["error_message"]
    assert (await sb.pay_invoice(user.id, second_invoice.message_id))["status"] == "paid"
    await sb.wait_bot_message(user.id, contains="Receipt", timeout=20)
    assert paid_events(await services.repos.violations.by_id(violations[0].id)) == 1


async def test_late_notification_after_reconciliation_changes_nothing(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    user, violations, order, _ = await start_gateway_order(sb, app, "en", 1, fine_yuan=100, points=1)
    at_gateway = await gateway_order(sb, order.id)
    await sb.gateway_pay(str(at_gateway["gateway_order_id"]), notify="hold")  # paid; the notification is late
    assert (await services.repos.payment_orders.by_id(order.id)).status == PaymentOrderStatus.CREATED  # type: ignore[union-attr]
    await services.repos.payment_orders.set_fields(order.id, datetime.now(UTC), expires_at=datetime.now(UTC))
    await reconcile(services, build_gateway(services.settings))  # asks the gateway: paid
    receipt = await sb.wait_bot_message(user.id, contains="Receipt", timeout=30)
    assert order.id in receipt.plain_text
    delivered = await sb.gateway_deliver(order.id)
    assert [n["status"] for n in delivered["notifications"]] == [200]
    stored = await services.repos.violations.by_id(violations[0].id)
    assert stored is not None and stored.status == ViolationStatus.PAID and paid_events(stored) == 1
    assert (
        await services.repos.notifications.collection.count_documents({"dedupe_key": f"payment:{order.id}:paid"}) == 1
    )


async def test_forged_and_replayed_notifications_are_refused_and_change_nothing(
    sb: SandboxClient, app: RunningApp
) -> None:
    services = services_of(app)
    _, paid_violations, paid_order, _ = await start_gateway_order(sb, app, "en", 1, fine_yuan=100, points=0)
    at_gateway = await gateway_order(sb, paid_order.id)
    paid = await sb.gateway_pay(str(at_gateway["gateway_order_id"]))
    captured = paid["notifications"][0]
    _, open_violations, open_order, _ = await start_gateway_order(sb, app, "en", 1, fine_yuan=100, points=0)
    url = app.base_url + NOTIFY_PATH
    forged_body = json.dumps(
        {"order_id": open_order.id, "status": "paid", "amount_fen": open_order.total_fen, "transaction_id": "FORGED"}
    ).encode()
    async with aiohttp.ClientSession() as http:

        async def post(body: bytes, headers: dict[str, str]) -> int:
            async with http.post(url, data=body, headers=headers) as response:
                return response.status

        # The gateway's own notification, captured and sent again: a replay.
        assert await post(captured["body"].encode(), captured["headers"]) == 401
        # Signed with another key, unsigned, or with a stale timestamp.
        assert await post(forged_body, signed_headers("m", "not-the-key", forged_body)) == 401
        assert await post(forged_body, {"Content-Type": "application/json"}) == 401
        stale = signed_headers("m", SANDBOX_GATEWAY_SECRET, forged_body, timestamp=int(time.time()) - 3600)
        assert await post(forged_body, stale) == 401
        # A captured signature over a changed body.
        tampered = dict(signed_headers("m", SANDBOX_GATEWAY_SECRET, b"{}"))
        assert await post(forged_body, tampered) == 401
        ts, nonce = tampered["X-Timestamp"], "n" * 24
        assert sign(SANDBOX_GATEWAY_SECRET, ts, nonce, b"{}") != sign(SANDBOX_GATEWAY_SECRET, ts, nonce, forged_body)
        # Correctly signed but the wrong amount: refused, nothing changes.
        wrong = json.dumps(
            {"order_id": open_order.id, "status": "paid", "amount_fen": 1, "transaction_id": "WRONG"}
        ).encode()
        assert await post(wrong, signed_headers("m", SANDBOX_GATEWAY_SECRET, wrong)) == 400
    still_open = await services.repos.payment_orders.by_id(open_order.id)
    assert still_open is not None and still_open.status == PaymentOrderStatus.CREATED and still_open.charge_id is None
    unpaid = await services.repos.violations.by_id(open_violations[0].id)
    assert unpaid is not None and unpaid.status == ViolationStatus.PROCESSED and paid_events(unpaid) == 0
    once = await services.repos.violations.by_id(paid_violations[0].id)
    assert once is not None and paid_events(once) == 1


async def test_someone_elses_violation_is_refused_as_an_unknown_one(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    owner, plate = await payer(app)
    other, _ = await payer(app)
    theirs = await add_violation(services, plate, fine_yuan=200, points=3)
    assert await quote(services, other, [theirs.id]) == Refusal.NOT_FOUND
    assert await quote(services, other, ["no-such-violation"]) == Refusal.NOT_FOUND
    assert not isinstance(await quote(services, owner, [theirs.id]), Refusal)
    # An order of the owner, "paid" by somebody else's Telegram account: refused the same way.
    owner_user = await citizen(sb, app, owner.id_number, "en")
    other_user = await citizen(sb, app, other.id_number, "en")
    _, decision = await choose_and_decide(sb, owner_user, "en", 1)
    await accept(sb, owner_user, decision, "✅ Accept and pay in Telegram")
    order = await order_of(services, theirs)
    refusal = await authorize_telegram(
        services, order.id, user_id=other_user.id, total_fen=order.total_fen, currency="CNY"
    )
    assert refusal == Refusal.NOT_FOUND
    assert (
        await authorize_telegram(services, "P000000-NONE", user_id=other_user.id, total_fen=1, currency="CNY")
        == Refusal.NOT_FOUND
    )


async def test_reaching_twelve_points_suspends_the_license_at_once(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    person, plate = await payer(app)
    await services.repos.licenses.collection.update_one({"_id": person.id_number}, {"$set": {"points": 9}})
    await add_violation(services, plate, fine_yuan=200, points=6)
    user = await citizen(sb, app, person.id_number, "en")
    _, decision = await choose_and_decide(sb, user, "en", 1)
    assert "from 9 to 12 of 12" in decision.plain_text and "the license is suspended" in decision.plain_text
    await accept(sb, user, decision, "✅ Accept and pay in Telegram")
    lic = await services.repos.licenses.by_id_number(person.id_number)
    assert lic is not None and lic.points == 12 and lic.suspension is not None
    assert lic.suspension.since == today_of(services)


# --- the demo citizens the README names -----------------------------------------------------------------


async def test_demo_citizen_pays_two_violations_in_one_go_in_english(sb: SandboxClient, app: RunningApp) -> None:
    services = services_of(app)
    name, id_number = payment_demo_people()["several"]
    user = await citizen(sb, app, id_number, "en")
    listing = await open_feature(sb, user, "📝 Business handling", "💳 Handle and pay fines")
    lines = listing.plain_text
    assert lines.count("☐") == 4 and "late-payment surcharge ¥112.50 (25 days late)" in lines
    for n in (1, 4):  # the officer's ticket (with a surcharge) and the unhandled camera record (none)
        await sb.press_button(user.id, listing.message_id, listing.callback_data_of(f"☐ {n}"))
        listing = await sb.wait_bot_message(user.id)
    await sb.press_button(user.id, listing.message_id, listing.callback_data_of("Continue (2) ▶"))
    decision = await sb.wait_bot_message(user.id)
    assert "Total to pay: ¥462.50" in decision.plain_text and "+1, from 2 to 3 of 12" in decision.plain_text
    await accept(sb, user, decision, "✅ Accept and pay in Telegram")
    invoice = await last_invoice(sb, user)
    assert (await sb.pay_invoice(user.id, invoice.message_id))["status"] == "paid"
    receipt = await sb.wait_bot_message(user.id, contains="Receipt", timeout=20)
    assert "Paid ¥462.50" in receipt.plain_text and "License: 3 of 12 points" in receipt.plain_text
    lic = await services.repos.licenses.by_id_number(id_number)
    assert lic is not None and lic.points == 3 and name


async def test_demo_citizen_reaches_twelve_points_and_pays_on_the_page_in_chinese(
    sb: SandboxClient, app: RunningApp
) -> None:
    services = services_of(app)
    _, id_number = payment_demo_people()["near_limit"]
    user = await citizen(sb, app, id_number, "zh")
    _, decision = await choose_and_decide(sb, user, "zh", 2)
    assert "由 9 分变为 <b>12</b>" in decision.text and "驾驶证立即暂停使用" in decision.plain_text
    made = await accept(sb, user, decision, "✅ 确认并到缴款页面缴款")
    order_id = made.plain_text.split("订单 ", 1)[1].split("，", 1)[0]
    await sb.gateway_pay(str((await gateway_order(sb, order_id))["gateway_order_id"]))
    receipt = await sb.wait_bot_message(user.id, contains="缴款凭证", timeout=30)
    assert "¥300.00" in receipt.plain_text and "已记满12分" in receipt.plain_text
    lic = await services.repos.licenses.by_id_number(id_number)
    assert lic is not None and lic.points == 12 and lic.suspension is not None


async def test_bot_py_payments_reconcile_settles_an_order_whose_notification_never_came(
    sb: SandboxClient, app: RunningApp
) -> None:
    """`python bot.py payments reconcile` against the running app's database and gateway."""
    import asyncio
    import os
    import sys

    from tests.conftest import REPO

    services = services_of(app)
    user, violations, order, _ = await start_gateway_order(sb, app, "en", 1, fine_yuan=100, points=0)
    at_gateway = await gateway_order(sb, order.id)
    await sb.gateway_pay(str(at_gateway["gateway_order_id"]), notify="hold")  # the notification never comes
    # The app's push workers reconcile too (once a minute across workers): not during this test.
    await services.redis.set(services.keys("payments", "reconcile"), "1", ex=120)
    await services.repos.payment_orders.set_fields(order.id, datetime.now(UTC), expires_at=datetime.now(UTC))
    settings = app.settings
    assert settings.mongo_url is not None and settings.redis_url is not None
    env = {
        **os.environ,
        "MONGO_URL": settings.mongo_url.get_secret_value(),
        "MONGO_DB": settings.mongo_db,
        "REDIS_URL": settings.redis_url.get_secret_value(),
        "REDIS_PREFIX": settings.redis_prefix,
        "HTTP_PORT": str(settings.http_port),
        "TELEGRAM_TOKEN": "",
        "LOG_FORMAT": "console",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "payments", "reconcile", cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0 and "reconciled: 1 paid" in out.decode()
    receipt = await sb.wait_bot_message(user.id, contains="Receipt", timeout=30)
    assert order.id in receipt.plain_text
    stored = await services.repos.violations.by_id(violations[0].id)
    assert stored is not None and stored.status == ViolationStatus.PAID and paid_events(stored) == 1


# --- in words (the real Rasa model) ---------------------------------------------------------------------


@pytest.mark.nlu
@pytest.mark.parametrize(
    ("lang", "words", "expected"),
    [("en", "I would like to pay my traffic fine", "Handle and pay"), ("zh", "我想交一下罚款", "违法处理与缴款")],
)
async def test_pay_my_fine_in_words_opens_handle_and_pay(
    sandbox: SandboxClient, running_app: RunningApp, lang: str, words: str, expected: str
) -> None:
    person, plate = await payer(running_app)
    await add_violation(services_of(running_app), plate, fine_yuan=200, points=1)
    user = await citizen(sandbox, running_app, person.id_number, lang)
    await sandbox.send_text(user.id, words)
    reply = await sandbox.wait_bot_message(user.id, timeout=30)
    assert expected in reply.plain_text and "☐ 1" in [b for row in reply.buttons for b in row]
