"""Handle and pay in the real dispatcher: the choice, the decision, the invoice, Telegram's
pre_checkout_query answered only after the order is checked again, successful_payment recorded
once (a redelivered one changes nothing), and someone else's violation answered as an unknown one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import AnswerPreCheckoutQuery, SendInvoice
from aiogram.types import PreCheckoutQuery, SuccessfulPayment, Update

from actions.services import Services
from bot.ui.callbacks import PayCb
from core.language import Language
from storage.models import Bilingual, Citizen, Violation, ViolationEventKind, ViolationSource, ViolationStatus, new_id
from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person, Replies, callback_data_of
from tests.handlers.conftest import MakePerson

USED: set[str] = set()


async def payer(services: Services, who: Person) -> tuple[Citizen, Violation]:
    """Link ``who`` to a demo citizen with nothing to pay, and give them one unhandled violation."""
    repos = services.repos
    demo = {d.id_number for d in DEMO_IDENTITIES}
    async for doc in repos.licenses.collection.find({"points": 0, "suspension": None}).sort("_id", -1):
        id_number = doc["_id"]
        vehicles = await repos.vehicles.by_owner(id_number)
        if id_number in USED or id_number in demo or not vehicles:
            continue
        if await repos.violations.payable_by_plates([v.plate for v in vehicles]):
            continue
        USED.add(id_number)
        language = Language.ZH if (who.user.language_code or "").startswith("zh") else Language.EN
        bound = await repos.citizens.bind(
            id_number, user_id=who.user.id, chat_id=who.chat.id, language=language, now=datetime.now(UTC)
        )
        violation = Violation(
            id=new_id(),
            plate=vehicles[0].plate,
            occurred_at=datetime.now(UTC) - timedelta(days=2),
            place=Bilingual(en="Handler St", zh="处理路"),
            code="1352",
            behaviour=Bilingual(en="Speeding", zh="超速"),
            fine_yuan=200,
            points=1,
            source=ViolationSource.CAMERA,
            recorded_by="CAM-H-1",
        )
        await repos.violations.insert(violation)
        return bound.citizen, violation
    raise AssertionError("no demo citizen left")


def pre_checkout(who: Person, order_id: str, amount: int, query_id: str) -> Update:
    query = PreCheckoutQuery(
        id=query_id, from_user=who.user, currency="CNY", total_amount=amount, invoice_payload=order_id
    )
    return Update(update_id=abs(hash(query_id)) % 10**9, pre_checkout_query=query)


def answer_of(replies: Replies) -> AnswerPreCheckoutQuery:
    answers = [m for m in replies.methods if isinstance(m, AnswerPreCheckoutQuery)]
    assert len(answers) == 1
    return answers[0]


async def test_pay_with_telegram_pre_checkout_checks_and_one_recorded_payment(
    person: MakePerson, services: Services
) -> None:
    alice = person("Alice", "en")
    _, violation = await payer(services, alice)
    menu = (await alice.send("/menu")).last
    listing = (await alice.press_go(menu, "pay_fines")).last
    assert "Handle and pay" in (listing.text or "") and "Fine ¥200.00 · 1 point" in (listing.text or "")
    ticked = (await alice.press(listing, "☐ 1")).last
    decision = (await alice.press(ticked, "Continue (1) ▶")).last
    assert "Total to pay: ¥200.00" in (decision.text or "")
    accepted = await alice.press(decision, "✅ Accept and pay in Telegram")
    invoices = [m for m in accepted.methods if isinstance(m, SendInvoice)]
    assert len(invoices) == 1 and invoices[0].currency == "CNY" and [p.amount for p in invoices[0].prices] == [20000]
    order_id = invoices[0].payload
    # The same confirmation again (a redelivered press): the same order, offered again, nothing new.
    replay = await alice.press_data(decision, callback_data_of(decision, "✅ Accept and pay in Telegram"))
    again_invoices = [m for m in replay.methods if isinstance(m, SendInvoice)]
    assert [m.payload for m in again_invoices] == [order_id] and order_id in replay.text
    assert await services.repos.payment_orders.collection.count_documents({"lines.violation_id": violation.id}) == 1
    # Pre-checkout: a changed amount and another Telegram account are refused; the right one is not.
    wrong = answer_of(await alice.feed(pre_checkout(alice, order_id, 19900, "q1")))
    assert wrong.ok is False and "amount due has changed" in (wrong.error_message or "")
    mallory = person("Mallory", "en")
    stranger = answer_of(await mallory.feed(pre_checkout(mallory, order_id, 20000, "q2")))
    assert stranger.ok is False and "not found" in (stranger.error_message or "")
    ok = answer_of(await alice.feed(pre_checkout(alice, order_id, 20000, "q3")))
    assert ok.ok is True
    paid = SuccessfulPayment(
        currency="CNY",
        total_amount=20000,
        invoice_payload=order_id,
        telegram_payment_charge_id="tg-charge-1",
        provider_payment_charge_id="prov-charge-1",
    )
    first = await alice.feed(alice.message_update(successful_payment=paid))
    assert "Receipt" in first.text and "tg-charge-1" in first.text and "prov-charge-1" in first.text
    again = await alice.feed(alice.message_update(successful_payment=paid))  # redelivered with a new update id
    assert "Receipt" in again.text
    stored = await services.repos.violations.by_id(violation.id)
    assert stored is not None and stored.status == ViolationStatus.PAID
    assert sum(1 for e in stored.history if e.kind == ViolationEventKind.PAID) == 1
    # Paid: a later pre-checkout for the same order is refused.
    late = answer_of(await alice.feed(pre_checkout(alice, order_id, 20000, "q4")))
    assert late.ok is False and "paid already" in (late.error_message or "")


async def test_someone_elses_violation_is_answered_as_an_unknown_one(person: MakePerson, services: Services) -> None:
    owner = person("Owner", "zh-hans")
    _, theirs = await payer(services, owner)
    other = person("Other", "zh-hans")
    await payer(services, other)
    menu = (await other.send("/menu")).last
    listing = (await other.press_go(menu, "pay_fines")).last
    foreign = await other.press_data(listing, PayCb(action="t", value=theirs.id))
    unknown = await other.press_data(listing, PayCb(action="t", value="no-such-violation"))
    assert foreign.answers[0].text == unknown.answers[0].text == "在您车辆的违法记录中没有找到该违法。"
    assert foreign.answers[0].show_alert
    # The feature's own argument (a violation id from a link) is not preselected either.
    shown = (await other.press_go(menu, "pay_fines", theirs.id)).last
    assert "☑" not in (shown.text or "")
