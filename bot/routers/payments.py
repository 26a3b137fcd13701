"""Handle and pay violations in the chat (actions/payments/): choose the violations, read the
decision (act, place, time, fine, points, the license, the late-payment surcharge), accept it and
pay with Telegram Payments (an invoice here) or on the bureau's payment page (a link), then the
receipt. Telegram's ``pre_checkout_query`` is answered only after the order is checked again;
``successful_payment`` is recorded once and answered with the receipt."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, PreCheckoutQuery

from actions.payments.gateway import build_gateway
from actions.payments.orders import (
    MAX_LINES,
    POINTS_LIMIT,
    Quote,
    Refusal,
    Started,
    due_today,
    handle_and_order,
    payable,
    quote,
    record_payment,
)
from actions.payments.providers import PaymentProvider
from actions.payments.receipt import order_lines, receipt
from actions.penalties import format_fen
from actions.services import Services, today_of
from bot.context import Ctx, feature
from bot.filters import Magic
from bot.forms import new_key
from bot.guards import bound_citizen, require_citizen
from bot.ui.callbacks import GoCb, PayCb
from bot.ui.format import local_time
from bot.ui.keyboards import Button, buttons, grid
from core.i18n import Translator
from core.identifiers import mask_id_number
from messenger.payments import TelegramPayments
from storage.models import Citizen, PaymentOrder, PaymentProviderKind, Violation, ViolationStatus

PICKED = "pay_picked"  # FSM data: the violation ids chosen
DRAFT = "pay_draft"  # FSM data: {"key": the confirmation's idempotency key, "ids": [...]}


def build_router() -> Router:
    router = Router(name="payments")
    router.callback_query.register(on_button, PayCb.filter())
    router.pre_checkout_query.register(on_pre_checkout)
    router.message.register(on_successful_payment, Magic(F.successful_payment))
    return router


# --- choosing ------------------------------------------------------------------------------------------


@feature("pay_fines", title="payments-menu", section="business", intents=("pay_fine",), order=15)
async def pay_fines(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx, resume="pay_fines", arg=ctx.arg)
    if citizen is None:
        return
    candidates = await payable(ctx.services, citizen)
    if not candidates:
        await ctx.say("payments-none", buttons([(ctx.t("violations-menu"), GoCb(feature="violations"))]))
        return
    shown = candidates[:MAX_LINES]
    picked = [ctx.arg] if ctx.arg and any(v.id == ctx.arg for v in shown) else []
    await ctx.state.update_data({PICKED: picked})
    await ctx.send(
        render_choice(ctx, shown, picked, more=len(candidates) - len(shown)), choice_markup(ctx, shown, picked)
    )


def render_choice(ctx: Ctx, shown: list[Violation], picked: list[str], *, more: int) -> str:
    t = ctx.t
    today = today_of(ctx.services)
    lines: list[str] = [str(t("payments-choose-title")), str(t("payments-choose-hint"))]
    for n, v in enumerate(shown, start=1):
        due = due_today(v, today)
        mark = "☑" if v.id in picked else "☐"
        lines.append("")
        lines.append(
            str(
                t(
                    "payments-choose-item",
                    mark=mark,
                    n=n,
                    time=local_time(v.occurred_at),
                    plate=v.plate,
                    behaviour=v.behaviour.get(ctx.lang),
                    status=t(f"violations-status-{v.status.value}"),
                )
            )
        )
        lines.append(_amount_line(t, due.fine_fen, due.surcharge_fen, due.days_late, v.points))
    if more > 0:
        lines.append("")
        lines.append(str(t("payments-choose-more", count=more)))
    return "\n".join(lines)


def _amount_line(t: Translator, fine_fen: int, surcharge_fen: int, days: int, points: int) -> str:
    if surcharge_fen:
        return str(
            t(
                "payments-amount-surcharge",
                fine=format_fen(fine_fen),
                surcharge=format_fen(surcharge_fen),
                days=days,
                total=format_fen(fine_fen + surcharge_fen),
                points=points,
            )
        )
    return str(t("payments-amount", fine=format_fen(fine_fen), points=points))


def choice_markup(ctx: Ctx, shown: list[Violation], picked: list[str]) -> InlineKeyboardMarkup:
    toggles: list[Button] = [
        (f"{'☑' if v.id in picked else '☐'} {n}", PayCb(action="t", value=v.id)) for n, v in enumerate(shown, start=1)
    ]
    rows: list[list[Button]] = grid(toggles, 5)
    rows.append([(ctx.t("payments-button-all"), PayCb(action="all"))])
    if picked:
        rows.append([(ctx.t("payments-button-next", count=len(picked)), PayCb(action="next"))])
    rows.append([(ctx.t("payments-button-cancel"), PayCb(action="cancel"))])
    return buttons(*rows)


# --- the decision --------------------------------------------------------------------------------------


def render_decision(ctx: Ctx, decided: Quote) -> str:
    t = ctx.t
    parts = [str(t("payments-decision-title"))]
    for n, line in enumerate(decided.lines, start=1):
        v = line.violation
        parts.append("")
        parts.append(
            str(
                t(
                    "payments-decision-item",
                    n=n,
                    time=local_time(v.occurred_at),
                    plate=v.plate,
                    place=v.place.get(ctx.lang),
                    behaviour=v.behaviour.get(ctx.lang),
                    code=v.code,
                )
            )
        )
        parts.append(_amount_line(t, line.due.fine_fen, line.due.surcharge_fen, line.due.days_late, v.points))
        if line.due.surcharge_fen:
            parts.append(str(t("payments-surcharge-rule")))
        elif v.status == ViolationStatus.PROCESSED:
            parts.append(str(t("payments-decided-on", day=str(v.decision_day() or ""))))
    parts.append("")
    parts.append(
        str(
            t(
                "payments-decision-total",
                total=format_fen(decided.total_fen),
                surcharge=format_fen(decided.surcharge_fen),
            )
        )
    )
    lic = decided.license
    if decided.points_to_record and lic is not None:
        parts.append(
            str(
                t(
                    "payments-decision-license",
                    number=mask_id_number(lic.id_number),
                    license_class=lic.license_class.value,
                    points=decided.points_to_record,
                    before=lic.points,
                    after=decided.points_after or 0,
                )
            )
        )
        if decided.suspends:
            parts.append(str(t("payments-decision-suspends", limit=POINTS_LIMIT)))
    parts.append("")
    parts.append(str(t("payments-decision-confirm")))
    return "\n".join(parts)


def decision_markup(ctx: Ctx, key: str) -> InlineKeyboardMarkup:
    settings = ctx.services.settings
    rows: list[list[Button]] = []
    if settings.payment_token is not None:
        rows.append([(ctx.t("payments-button-telegram"), PayCb(action="tg", value=key))])
    if build_gateway(settings) is not None:
        rows.append([(ctx.t("payments-button-gateway"), PayCb(action="gw", value=key))])
    rows.append(
        [
            (ctx.t("payments-button-back"), PayCb(action="back")),
            (ctx.t("payments-button-cancel"), PayCb(action="cancel")),
        ]
    )
    return buttons(*rows)


# --- buttons -------------------------------------------------------------------------------------------


async def on_button(query: CallbackQuery, callback_data: PayCb, ctx: Ctx) -> None:
    citizen = await bound_citizen(ctx)
    if citizen is None:
        await query.answer(ctx.t("button-expired"), show_alert=True)
        return
    action = callback_data.action
    if action in ("tg", "gw"):
        await query.answer()
        await _accept(ctx, citizen, callback_data.value, action)
        return
    if action == "cancel":
        await query.answer()
        await ctx.state.update_data({PICKED: [], DRAFT: None})
        await ctx.clear_buttons()
        await ctx.say("payments-cancelled")
        return
    candidates = (await payable(ctx.services, citizen))[:MAX_LINES]
    data = await ctx.state.get_data()
    picked = [p for p in data.get(PICKED) or [] if any(v.id == p for v in candidates)]
    if action == "t":
        if not any(v.id == callback_data.value for v in candidates):
            await query.answer(ctx.t("payments-refused-not_found"), show_alert=True)
            return
        value = callback_data.value
        picked = [p for p in picked if p != value] if value in picked else [*picked, value]
    elif action == "all":
        picked = [v.id for v in candidates]
    elif action == "next":
        decided = await quote(ctx.services, citizen, picked)
        if isinstance(decided, Refusal):
            await query.answer(ctx.t(f"payments-refused-{decided.value}"), show_alert=True)
            return
        await query.answer()
        key = new_key()
        await ctx.state.update_data({DRAFT: {"key": key, "ids": picked}})
        await ctx.update_message(render_decision(ctx, decided), decision_markup(ctx, key))
        return
    await query.answer()
    await ctx.state.update_data({PICKED: picked})
    more = 0
    await ctx.update_message(render_choice(ctx, candidates, picked, more=more), choice_markup(ctx, candidates, picked))


def _provider(ctx: Ctx, action: str) -> PaymentProvider | None:
    settings = ctx.services.settings
    if action == "tg":
        token = settings.payment_token
        return TelegramPayments(ctx.bot, ctx.chat_id, token) if token is not None else None
    return build_gateway(settings)


async def _accept(ctx: Ctx, citizen: Citizen, key: str, action: str) -> None:
    data = await ctx.state.get_data()
    draft = data.get(DRAFT) or {}
    ids: list[str] = list(draft.get("ids") or []) if draft.get("key") == key else []
    if not ids and await ctx.services.repos.payment_orders.by_submission_key(key) is None:
        await ctx.say("button-expired")
        return
    t = ctx.t

    def describe(order: PaymentOrder) -> tuple[str, list[str]]:
        labels: list[str] = []
        for line in order.lines:
            labels.append(str(t("payments-invoice-fine", plate=line.plate)))
            if line.surcharge_fen:
                labels.append(str(t("payments-invoice-surcharge", plate=line.plate)))
        return str(t("payments-invoice-description", order=order.id, count=len(order.lines))), labels

    result = await handle_and_order(
        ctx.services,
        citizen,
        ids,
        _provider(ctx, action),
        key=key,
        chat_id=ctx.chat_id,
        language=ctx.lang,
        title=str(t("payments-invoice-title")),
        describe=describe,
    )
    await ctx.clear_buttons()
    if isinstance(result, Refusal):
        await ctx.say(f"payments-refused-{result.value}")
        return
    await ctx.state.update_data({PICKED: [], DRAFT: None})
    await _started(ctx, result)


async def _started(ctx: Ctx, started: Started) -> None:
    t, order = ctx.t, started.order
    parts = [
        str(t("payments-order-made", order=order.id, total=format_fen(order.total_fen))),
        *order_lines(t, order, ctx.lang),
    ]
    if started.license is not None and started.new:
        parts.append(
            str(
                t(
                    "payments-points-now",
                    points=started.license.points,
                    left=max(0, POINTS_LIMIT - started.license.points),
                )
            )
        )
    if order.provider == PaymentProviderKind.TELEGRAM:
        parts.append(str(t("payments-pay-invoice")))
        await ctx.send("\n".join(parts))
        return
    parts.append(str(t("payments-pay-page", minutes=max(1, ctx.services.settings.payment_order_ttl // 60))))
    markup = None
    if order.pay_url is not None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=t("payments-button-open-page", total=format_fen(order.total_fen)), url=order.pay_url
                    )
                ]
            ]
        )
    await ctx.send("\n".join(parts), markup)


# --- Telegram Payments ---------------------------------------------------------------------------------


async def on_pre_checkout(query: PreCheckoutQuery, services: Services, t: Translator) -> None:
    """Telegram asks before charging: yes only when the order still stands as it was offered."""
    from actions.payments.orders import authorize_telegram

    refusal = await authorize_telegram(
        services,
        query.invoice_payload,
        user_id=query.from_user.id,
        total_fen=query.total_amount,
        currency=query.currency,
    )
    if refusal is None:
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message=str(t(f"payments-refused-{refusal.value}")))


async def on_successful_payment(message: Message, ctx: Ctx) -> None:
    paid = message.successful_payment
    assert paid is not None
    result = await record_payment(
        ctx.services,
        paid.invoice_payload,
        amount_fen=paid.total_amount,
        charge_id=paid.telegram_payment_charge_id,
        provider_charge_id=paid.provider_payment_charge_id,
    )
    if result.order is None or not result.paid:
        await ctx.say("payments-not-recorded")
        return
    points = result.license.points if result.license is not None else None
    await ctx.send(
        receipt(ctx.t, result.order, ctx.lang, points=points),
        buttons(
            [(ctx.t("payments-button-license"), GoCb(feature="license"))],
            [(ctx.t("violations-button-vehicles"), GoCb(feature="vehicles"))],
        ),
    )
