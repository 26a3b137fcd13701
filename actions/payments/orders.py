"""Handle and pay violations: the decision to accept, handling (points against the license),
one payment order for one or more violations, the provider's confirmation, and reconciliation.

The steps, as the 12123 app takes them:

1. ``quote``: the violations chosen, each with the act, place, time, fine, points, the license
   the points go to and the late-payment surcharge where it applies (actions/penalties.py);
2. ``handle_and_order``: the citizen confirms; the unhandled ones are handled (points recorded
   against their license, once per violation; 12 points reached suspends it), and one order holds
   them all (one open order per violation at a time) and is offered through a ``PaymentProvider``;
3. ``authorize_telegram`` (Telegram's pre_checkout_query: the amount and the unpaid state are
   checked again), then ``record_payment`` (Telegram's successful_payment, or the gateway's signed
   notification): once per order, every line verified;
4. the receipt (actions/payments/receipt.py) in the chat and in each violation's history.

Nothing is charged twice: an order is made once per confirmation (its idempotency key), a
violation is held by one open order at a time, an order past its expiry cannot be paid (the
gateway is told the expiry, Telegram's pre-checkout is refused), a payment is recorded once per
order (conditional state changes), and money that arrives for a violation that cannot take it
any more (paid by another order meanwhile, cancelled by an appeal) is recorded as to be refunded.
``reconcile`` settles orders whose notification never came: it asks the gateway, then records
the payment, the decline or the expiry, and tells the citizen.

Someone else's violation is refused exactly as an unknown one (``Refusal.NOT_FOUND``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog
from pymongo.errors import DuplicateKeyError

from actions.notify import notify
from actions.payments.providers import PaymentProvider, ProviderState, ProviderUnavailable
from actions.penalties import Due, amount_due
from actions.services import Services, today_of
from actions.vehicles import accessible_plates
from core.language import Language
from storage.models import (
    OPEN_ORDER_STATUSES,
    Citizen,
    DriverLicense,
    LicenseReason,
    NotificationType,
    PaymentLine,
    PaymentOrder,
    PaymentOrderStatus,
    PaymentProviderKind,
    Suspension,
    Violation,
    ViolationEvent,
    ViolationEventKind,
    ViolationStatus,
)

log = structlog.get_logger(__name__)

MAX_LINES = 10  # violations in one order
POINTS_LIMIT = 12
# Reaching 12 points: the license is suspended and the holder attends the full-score education
# (at least 7 days of study, then a theory test: 道路交通安全违法行为记分管理办法, Ministry of Public
# Security order no. 163 of 2021). The suspension shown lasts until the earliest end of that study.
FULL_SCORE_STUDY_DAYS = 7
CURRENCY = "CNY"
S = PaymentOrderStatus


class Refusal(StrEnum):
    """Why a violation cannot be handled or paid now (catalog ``payments-refused-<value>``)."""

    NOT_FOUND = "not_found"  # unknown, or someone else's: the same answer
    NO_LICENSE = "no_license"  # handling records points against the citizen's own license
    PAID = "paid"
    CANCELLED = "cancelled"
    APPEAL_PENDING = "appeal_pending"
    IN_PROGRESS = "in_progress"  # another open order holds it
    EXPIRED = "expired"  # the order can no longer be paid
    AMOUNT_CHANGED = "amount_changed"
    UNAVAILABLE = "unavailable"  # the way of paying is not configured or not reachable
    NOTHING = "nothing"  # nothing chosen
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class QuoteLine:
    violation: Violation
    due: Due

    @property
    def to_handle(self) -> bool:
        """Accepting the decision records the points now (it is not handled yet)."""
        return self.violation.status == ViolationStatus.UNPROCESSED


@dataclass(frozen=True)
class Quote:
    """The decision the citizen accepts: the violations, the amounts today and the license."""

    lines: list[QuoteLine]
    license: DriverLicense | None  # the citizen's, where points are recorded (None: none to record)
    today: date

    @property
    def fine_fen(self) -> int:
        return sum(line.due.fine_fen for line in self.lines)

    @property
    def surcharge_fen(self) -> int:
        return sum(line.due.surcharge_fen for line in self.lines)

    @property
    def total_fen(self) -> int:
        return self.fine_fen + self.surcharge_fen

    @property
    def points_to_record(self) -> int:
        return sum(line.violation.points for line in self.lines if line.to_handle)

    @property
    def points_after(self) -> int | None:
        if self.license is None:
            return None
        return min(POINTS_LIMIT, self.license.points + self.points_to_record)

    @property
    def suspends(self) -> bool:
        """Accepting reaches 12 points (the license is then suspended)."""
        return self.license is not None and self.license.points < POINTS_LIMIT <= self.license.points + (
            self.points_to_record
        )


def due_today(violation: Violation, today: date) -> Due:
    """What ``violation`` costs on ``today`` (an unhandled camera record is decided today)."""
    return amount_due(violation.fine_fen, violation.decision_day(), today, violation.surcharge_paused_days(today))


async def payable(services: Services, citizen: Citizen) -> list[Violation]:
    """The violations the citizen may handle or pay: of their vehicles, not paid, not cancelled."""
    plates = (await accessible_plates(services, citizen)).all
    return await services.repos.violations.payable_by_plates(plates)


def _refusal_of(violation: Violation) -> Refusal | None:
    if violation.status == ViolationStatus.PAID:
        return Refusal.PAID
    if violation.status not in (ViolationStatus.UNPROCESSED, ViolationStatus.PROCESSED):
        return Refusal.CANCELLED
    if violation.appeal_pending:
        return Refusal.APPEAL_PENDING
    return None


async def quote(services: Services, citizen: Citizen, violation_ids: list[str]) -> Quote | Refusal:
    """The decision for ``violation_ids`` (each the citizen's and payable), or why not."""
    wanted = list(dict.fromkeys(violation_ids))
    if not wanted:
        return Refusal.NOTHING
    if len(wanted) > MAX_LINES:
        return Refusal.TOO_MANY
    found = {v.id: v for v in await services.repos.violations.by_ids(wanted)}
    plates = set((await accessible_plates(services, citizen)).all)
    violations: list[Violation] = []
    for violation_id in wanted:
        violation = found.get(violation_id)
        if violation is None or violation.plate not in plates:
            return Refusal.NOT_FOUND  # someone else's is answered as an unknown one
        violations.append(violation)
    for violation in violations:
        refusal = _refusal_of(violation)
        if refusal is not None:
            return refusal
    lic = await services.repos.licenses.by_id_number(citizen.id_number)
    if lic is None and any(v.status == ViolationStatus.UNPROCESSED for v in violations):
        return Refusal.NO_LICENSE
    today = today_of(services)
    return Quote(lines=[QuoteLine(v, due_today(v, today)) for v in violations], license=lic, today=today)


# --- handling ------------------------------------------------------------------------------------------


async def _handle(services: Services, citizen: Citizen, violation: Violation, today: date) -> None:
    """Accept the decision on one unhandled violation: points against the citizen's license
    (once per violation), then the violation handled (decided today, unless it was decided on the
    spot). A replay, or a crash
    between the two writes, converges: both are conditional."""
    now = services.clock()
    suspend = Suspension(
        since=today, until=today + timedelta(days=FULL_SCORE_STUDY_DAYS), reason=LicenseReason.POINTS_LIMIT_REACHED
    )
    if violation.points:
        await services.repos.licenses.record_points(citizen.id_number, violation.id, violation.points, suspend=suspend)
    event = ViolationEvent(at=now, kind=ViolationEventKind.HANDLED, points=violation.points)
    # An officer's ticket was decided on the spot: its clock keeps running from then.
    decided_on = violation.decision_day() or today
    await services.repos.violations.mark_handled(
        violation.id, by=citizen.id_number, decided_on=decided_on.isoformat(), event=event
    )


# --- ordering ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    order: PaymentOrder
    url: str | None  # the payment page (gateway); None: the invoice is in the chat
    new: bool  # False: this confirmation made its order before (a replayed press)
    license: DriverLicense | None = None


def new_order_id(today: date) -> str:
    """``P261201-9F3A1C0B2E``: the day, then 10 random hex digits (the providers' order id)."""
    return f"P{today:%y%m%d}-{secrets.token_hex(5).upper()}"


async def handle_and_order(
    services: Services,
    citizen: Citizen,
    violation_ids: list[str],
    provider: PaymentProvider | None,
    *,
    key: str,
    chat_id: int | None,
    language: str,
    title: str,
    describe: Any,
) -> Started | Refusal:
    """The citizen confirmed (``key``: the confirmation's idempotency key): handle what is
    unhandled, make one order for all of ``violation_ids`` and offer it through ``provider``.
    ``describe(order) -> (description, labels)`` words the offer in the citizen's language."""
    repos = services.repos
    existing = await repos.payment_orders.by_submission_key(key)
    if existing is not None:  # a replayed confirmation (a redelivered update, a second press)
        return await _offer_again(services, existing, provider, title=title, describe=describe)
    if provider is None:
        return Refusal.UNAVAILABLE
    decided = await quote(services, citizen, violation_ids)
    if isinstance(decided, Refusal):
        return decided
    holders = await repos.payment_orders.open_holding([line.violation.id for line in decided.lines])
    now = services.clock()
    blocking = [o for o in holders if not _replaceable(o, citizen, now)]
    if blocking:
        return Refusal.IN_PROGRESS
    today = decided.today
    for line in decided.lines:
        if line.to_handle:
            await _handle(services, citizen, line.violation, today)
    # Amounts again after handling (an unhandled camera record was decided today: no surcharge).
    handled = {v.id: v for v in await repos.violations.by_ids([line.violation.id for line in decided.lines])}
    lines: list[PaymentLine] = []
    for line in decided.lines:
        violation = handled[line.violation.id]
        if violation.status != ViolationStatus.PROCESSED:
            refusal = _refusal_of(violation)
            return refusal or Refusal.IN_PROGRESS
        due = due_today(violation, today)
        lines.append(
            PaymentLine(
                violation_id=violation.id,
                plate=violation.plate,
                behaviour=violation.behaviour,
                points=violation.points,
                fine_fen=due.fine_fen,
                surcharge_fen=due.surcharge_fen,
                days_late=due.days_late,
            )
        )
    order = PaymentOrder(
        id=new_order_id(today),
        citizen_id_number=citizen.id_number,
        chat_id=chat_id,
        language=Language(language),
        provider=provider.kind,
        lines=lines,
        total_fen=sum(line.amount_fen for line in lines),
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(seconds=services.settings.payment_order_ttl),
        submission_key=key,
    )
    order, created = await repos.payment_orders.insert(order)
    if not created:  # the same confirmation, at the same moment
        return Started(order=order, url=order.pay_url, new=False)
    for replaced in holders:  # the citizen's own earlier offers that were never paid
        if await repos.payment_orders.transition(replaced.id, OPEN_ORDER_STATUSES, S.EXPIRED, now) is not None:
            await repos.violations.release_order(replaced.id)
    for paying in lines:
        if not await repos.violations.hold_for_order(paying.violation_id, order.id, [o.id for o in holders]):
            await repos.violations.release_order(order.id)
            await repos.payment_orders.delete_unstarted(order.id)
            return Refusal.IN_PROGRESS
    description, labels = describe(order)
    try:
        checkout = await provider.start(order, title=title, description=description, labels=labels)
    except ProviderUnavailable as exc:
        log.warning("payment provider unavailable", provider=provider.kind.value, order_id=order.id, error=str(exc))
        await repos.payment_orders.transition(order.id, (S.CREATED,), S.DECLINED, services.clock())
        await repos.violations.release_order(order.id)
        return Refusal.UNAVAILABLE
    if checkout.url is not None:
        order = await repos.payment_orders.set_fields(order.id, services.clock(), pay_url=checkout.url) or order
    log.info("payment order created", order_id=order.id, provider=provider.kind.value, total_fen=order.total_fen)
    lic = await repos.licenses.by_id_number(citizen.id_number)
    return Started(order=order, url=checkout.url, new=True, license=lic)


async def _offer_again(
    services: Services, order: PaymentOrder, provider: PaymentProvider | None, *, title: str, describe: Any
) -> Started | Refusal:
    """The order this confirmation made before. When it was never offered (a crash between storing
    it and the provider's answer), it is offered now: the gateway is idempotent by order id, and a
    second Telegram invoice for the same order is paid at most once (its pre-checkout is checked)."""
    if (
        order.pay_url is None  # never offered through the gateway; a Telegram invoice may be: a second one is safe
        and provider is not None
        and provider.kind == order.provider
        and order.status == S.CREATED
        and order.expires_at > services.clock()
    ):
        for line in order.lines:  # held already, unless the crash came before
            if not await services.repos.violations.hold_for_order(line.violation_id, order.id, []):
                return Refusal.IN_PROGRESS
        description, labels = describe(order)
        try:
            checkout = await provider.start(order, title=title, description=description, labels=labels)
        except ProviderUnavailable:
            return Refusal.UNAVAILABLE
        if checkout.url is not None:
            order = (
                await services.repos.payment_orders.set_fields(order.id, services.clock(), pay_url=checkout.url)
                or order
            )
    return Started(order=order, url=order.pay_url, new=False)


def _replaceable(order: PaymentOrder, citizen: Citizen, now: datetime) -> bool:
    """An open order a new one may take the violations from: past its expiry (it cannot be paid
    any more), or the citizen's own Telegram invoice nobody started paying (its pre-checkout
    will be refused once it holds nothing)."""
    if order.expires_at <= now:
        return True
    return (
        order.citizen_id_number == citizen.id_number
        and order.provider == PaymentProviderKind.TELEGRAM
        and order.status == S.CREATED
    )


# --- Telegram's pre-checkout ---------------------------------------------------------------------------


async def authorize_telegram(
    services: Services, order_id: str, *, user_id: int, total_fen: int, currency: str
) -> Refusal | None:
    """Answer to Telegram's ``pre_checkout_query``: None (go ahead) only when the order is this
    citizen's, still open and unexpired, the amount is the order's and each violation is still
    unpaid, held by this order, not appealed, and costs today what the order says."""
    repos = services.repos
    order = await repos.payment_orders.by_id(order_id)
    citizen = await repos.citizens.by_telegram_user(user_id)
    if order is None or citizen is None or order.citizen_id_number != citizen.id_number:
        return Refusal.NOT_FOUND
    if order.status in (S.PAID, S.REFUND_DUE):
        return Refusal.PAID
    now = services.clock()
    if order.status not in OPEN_ORDER_STATUSES or order.expires_at <= now:
        return Refusal.EXPIRED
    if currency != CURRENCY or total_fen != order.total_fen:
        return Refusal.AMOUNT_CHANGED
    today = today_of(services)
    found = {v.id: v for v in await repos.violations.by_ids(order.violation_ids)}
    for line in order.lines:
        violation = found.get(line.violation_id)
        if violation is None:
            return Refusal.NOT_FOUND
        refusal = _refusal_of(violation)
        if refusal is not None:
            return refusal
        if violation.payment_order_id != order.id:
            return Refusal.EXPIRED  # a newer order took it over
        due = due_today(violation, today)
        if (due.fine_fen, due.surcharge_fen) != (line.fine_fen, line.surcharge_fen):
            return Refusal.AMOUNT_CHANGED  # e.g. past midnight the surcharge grew
    moved = await repos.payment_orders.transition(order.id, OPEN_ORDER_STATUSES, S.AUTHORIZED, now)
    return None if moved is not None else Refusal.EXPIRED


# --- recording a payment -------------------------------------------------------------------------------


class Recorded(StrEnum):
    RECORDED = "recorded"  # paid now
    DUPLICATE = "duplicate"  # recorded before (a replayed update, a repeated notification)
    REFUND_DUE = "refund_due"  # recorded, but some violations could not take the money
    UNKNOWN_ORDER = "unknown_order"
    AMOUNT_MISMATCH = "amount_mismatch"


@dataclass(frozen=True)
class PaymentResult:
    outcome: Recorded
    order: PaymentOrder | None = None
    license: DriverLicense | None = None
    refunds: list[str] = field(default_factory=list)

    @property
    def paid(self) -> bool:
        return self.outcome in (Recorded.RECORDED, Recorded.DUPLICATE, Recorded.REFUND_DUE)


async def record_payment(
    services: Services,
    order_id: str,
    *,
    amount_fen: int,
    charge_id: str,
    provider_charge_id: str | None = None,
    paid_at: datetime | None = None,
) -> PaymentResult:
    """The provider says ``order_id`` was paid ``amount_fen``: record it once and mark its
    violations paid (each once). A different amount changes nothing."""
    repos = services.repos
    order = await repos.payment_orders.by_id(order_id)
    if order is None:
        return PaymentResult(Recorded.UNKNOWN_ORDER)
    if amount_fen != order.total_fen:
        log.warning("payment amount differs from the order", order_id=order_id, amount_fen=amount_fen)
        return PaymentResult(Recorded.AMOUNT_MISMATCH, order)
    now = services.clock()
    moved: PaymentOrder | None = None
    if order.status not in (S.PAID, S.REFUND_DUE):
        try:
            moved = await repos.payment_orders.transition(
                order.id,
                (S.CREATED, S.AUTHORIZED, S.EXPIRED, S.DECLINED),
                S.PAID,
                now,
                paid_at=paid_at or now,
                paid_fen=amount_fen,
                charge_id=charge_id,
                provider_charge_id=provider_charge_id,
            )
        except DuplicateKeyError:  # this charge was recorded for another order: nothing to add
            log.error("a charge id arrived for two orders", order_id=order_id)
            return PaymentResult(Recorded.DUPLICATE, order)
    if moved is None:
        current = await repos.payment_orders.by_id(order.id) or order
        if not current.applied:
            current = await apply_order(services, current)
        lic = await repos.licenses.by_id_number(current.citizen_id_number)
        return PaymentResult(Recorded.DUPLICATE, current, lic, current.refund_violation_ids)
    if order.status == S.EXPIRED:
        log.warning("payment arrived after the order expired", order_id=order.id)
    applied = await apply_order(services, moved)
    lic = await repos.licenses.by_id_number(applied.citizen_id_number)
    log.info("payment recorded", order_id=order.id, total_fen=amount_fen, provider=order.provider.value)
    outcome = Recorded.REFUND_DUE if applied.refund_violation_ids else Recorded.RECORDED
    return PaymentResult(outcome, applied, lic, applied.refund_violation_ids)


async def apply_order(services: Services, order: PaymentOrder) -> PaymentOrder:
    """Mark each violation of a paid order paid (a replay finds them paid by this order already);
    the ones that cannot take the money any more are kept for a refund."""
    repos = services.repos
    assert order.paid_at is not None and order.charge_id is not None
    refunds: list[str] = []
    for line in order.lines:
        event = ViolationEvent(
            at=order.paid_at,
            kind=ViolationEventKind.PAID,
            order_id=order.id,
            provider=order.provider.value,
            fine_fen=line.fine_fen,
            surcharge_fen=line.surcharge_fen,
            charge_id=order.charge_id,
            provider_charge_id=order.provider_charge_id,
        )
        if await repos.violations.mark_paid(
            line.violation_id, order.id, fine_fen=line.fine_fen, surcharge_fen=line.surcharge_fen, event=event
        ):
            continue
        violation = await repos.violations.by_id(line.violation_id)
        if violation is None or violation.status != ViolationStatus.PAID or violation.payment_order_id != order.id:
            refunds.append(line.violation_id)
    now = services.clock()
    if refunds:
        log.error("paid violations that could not take the money: refund due", order_id=order.id, count=len(refunds))
        await repos.payment_orders.transition(order.id, (S.PAID,), S.REFUND_DUE, now)
    return await repos.payment_orders.set_fields(order.id, now, applied=True, refund_violation_ids=refunds) or order


async def decline(services: Services, order_id: str) -> PaymentOrder | None:
    """The provider says the payment failed: the order is closed and its violations free again."""
    repos = services.repos
    moved = await repos.payment_orders.transition(order_id, OPEN_ORDER_STATUSES, S.DECLINED, services.clock())
    if moved is not None:
        await repos.violations.release_order(order_id)
    return moved


async def expire(services: Services, order_id: str) -> PaymentOrder | None:
    """Nobody paid in time (abandoned): the order is closed and its violations free again."""
    repos = services.repos
    moved = await repos.payment_orders.transition(order_id, OPEN_ORDER_STATUSES, S.EXPIRED, services.clock())
    if moved is not None:
        await repos.violations.release_order(order_id)
    return moved


# --- telling the citizen -------------------------------------------------------------------------------


class Outcome(StrEnum):
    """What a payment notification says (catalog ``payments-outcome-<value>``)."""

    PAID = "paid"
    DECLINED = "declined"
    EXPIRED = "expired"
    REFUND_DUE = "refund_due"


async def tell(services: Services, order: PaymentOrder, outcome: Outcome) -> bool:
    """Tell the citizen how their order ended (once per order and outcome), through the outbox."""
    lic = await services.repos.licenses.by_id_number(order.citizen_id_number)
    payload: dict[str, Any] = {
        "outcome": outcome.value,
        "order": order.model_dump(by_alias=True, mode="json"),
        "points": lic.points if lic is not None else None,
    }
    _, created = await notify(
        services,
        citizen_id_number=order.citizen_id_number,
        type=NotificationType.PAYMENT,
        payload=payload,
        urgent=True,
        dedupe_key=f"payment:{order.id}:{outcome.value}",
    )
    return created


async def settle_notification(
    services: Services, order_id: str, *, paid: bool, amount_fen: int, charge_id: str, paid_at: datetime | None
) -> PaymentResult | None:
    """The gateway's notification (verified by the caller): record the payment or the decline
    and tell the citizen. None when the order is unknown."""
    if paid:
        result = await record_payment(services, order_id, amount_fen=amount_fen, charge_id=charge_id, paid_at=paid_at)
        if result.order is not None and result.outcome in (Recorded.RECORDED, Recorded.REFUND_DUE):
            await tell(services, result.order, Outcome.REFUND_DUE if result.refunds else Outcome.PAID)
        return result if result.outcome != Recorded.UNKNOWN_ORDER else None
    order = await services.repos.payment_orders.by_id(order_id)
    if order is None:
        return None
    declined = await decline(services, order_id)
    if declined is not None:
        await tell(services, declined, Outcome.DECLINED)
    return PaymentResult(Recorded.DUPLICATE if declined is None else Recorded.RECORDED, declined or order)


# --- reconciliation ------------------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    paid: int = 0
    declined: int = 0
    expired: int = 0
    applied: int = 0
    errors: int = 0

    def __str__(self) -> str:
        return (
            f"reconciled: {self.paid} paid, {self.declined} declined, {self.expired} expired, "
            f"{self.applied} finished, {self.errors} could not be asked"
        )


async def reconcile(services: Services, gateway: PaymentProvider | None) -> ReconcileReport:
    """Settle the orders whose outcome never came: a paid order not marked on its violations is
    finished; an open order past its expiry is asked at the gateway (paid: recorded; failed:
    declined) or, not paid, expired; the citizen is told each outcome. Safe to run anywhere, any
    number of times (every change is conditional)."""
    report = ReconcileReport()
    now = services.clock()
    for order in await services.repos.payment_orders.due_for_reconcile(now):
        if order.status in (S.PAID, S.REFUND_DUE):
            applied = await apply_order(services, order)
            report.applied += 1
            await tell(services, applied, Outcome.REFUND_DUE if applied.refund_violation_ids else Outcome.PAID)
            continue
        if order.provider == PaymentProviderKind.GATEWAY and gateway is not None:
            try:
                status = await gateway.status(order)
            except ProviderUnavailable as exc:
                log.warning("gateway not reachable for reconciliation", order_id=order.id, error=str(exc))
                report.errors += 1
                continue
            if status.state == ProviderState.PAID:
                result = await record_payment(
                    services,
                    order.id,
                    amount_fen=status.amount_fen if status.amount_fen is not None else -1,
                    charge_id=status.charge_id or f"reconciled-{order.id}",
                    paid_at=status.paid_at,
                )
                if result.order is not None and result.paid:
                    report.paid += 1
                    await tell(services, result.order, Outcome.REFUND_DUE if result.refunds else Outcome.PAID)
                else:
                    report.errors += 1
                continue
            if status.state == ProviderState.FAILED:
                declined = await decline(services, order.id)
                if declined is not None:
                    report.declined += 1
                    await tell(services, declined, Outcome.DECLINED)
                continue
        expired = await expire(services, order.id)
        if expired is not None:
            report.expired += 1
            await tell(services, expired, Outcome.EXPIRED)
    return report


async def reconcile_if_due(services: Services, gateway: PaymentProvider | None) -> ReconcileReport | None:
    """The periodic job: ``reconcile`` at most once per PAYMENT_RECONCILE_INTERVAL across every
    process (a Redis key), from the push workers' housekeeping."""
    interval = services.settings.payment_reconcile_interval
    if not await services.redis.set(services.keys("payments", "reconcile"), "1", nx=True, ex=interval):
        return None
    return await reconcile(services, gateway)
